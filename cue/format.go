package cue

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"spindle/cd"
)

// writable reports whether s can be written as one argument: any string
// without a double quote can be quoted; one with a double quote only as a
// bare word (the grammar has no escapes).
func writable(s string) bool {
	if strings.ContainsAny(s, "\r\n") {
		return false
	}
	if !strings.ContainsRune(s, '"') {
		return true
	}
	return s != "" && s[0] != '"' && !strings.ContainsAny(s, " \t")
}

type formatter struct {
	b    bytes.Buffer
	nl   string
	err  error
	file int // index of the last FILE written, -1 before the first
}

func (f *formatter) line(indent int, parts ...string) {
	f.b.WriteString(strings.Repeat("  ", indent))
	f.b.WriteString(strings.Join(parts, " "))
	f.b.WriteString(f.nl)
}

// quote returns s quoted, or bare when it holds a quote and no blanks.
func (f *formatter) quote(what, s string) string {
	if !writable(s) {
		if f.err == nil {
			f.err = fmt.Errorf("cue: %s %q cannot be written: it holds a line break, or a double quote and blanks", what, s)
		}
		return `""`
	}
	if strings.ContainsRune(s, '"') {
		return s
	}
	return `"` + s + `"`
}

// text returns a CD-TEXT string or CDTEXTFILE name as an argument: as
// quote does, except that a string holding both a double quote and
// blanks is written between quotes as it is, the way Exact Audio Copy
// writes it (TITLE "12" Mix"). Parse reads that back when lenient.
func (f *formatter) text(what, s string) string {
	if !writable(s) && !strings.ContainsAny(s, "\r\n") {
		return `"` + s + `"`
	}
	return f.quote(what, s)
}

// word returns s bare when it is a single word, else quoted.
func (f *formatter) word(what, s string) string {
	if s != "" && s[0] != '"' && !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return f.quote(what, s)
}

func (f *formatter) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf("cue: "+format, args...)
	}
}

func (f *formatter) rems(indent int, rs []Rem) {
	for _, r := range rs {
		if strings.ContainsAny(r.Text, "\r\n") {
			f.fail("REM %q holds a line break", r.Text)
		}
		if r.Unknown {
			f.line(indent, r.Text)
		} else if r.Text == "" {
			f.line(indent, "REM")
		} else {
			f.line(indent, "REM", r.Text)
		}
	}
}

func (f *formatter) cdText(indent int, t *CDText) {
	for _, fl := range cdTextFields {
		if v := *fl.get(t); v != "" {
			f.line(indent, fl.key, f.text(fl.key, v))
		}
	}
}

func msf(fr cd.Frames) (string, error) {
	m, err := cd.MSFFromFrames(fr)
	if err != nil {
		return "", err
	}
	return m.String(), nil
}

// filesUpTo writes the FILE commands up to and including index n.
func (f *formatter) filesUpTo(s *Sheet, n int) {
	if n < f.file && f.err == nil {
		f.err = fmt.Errorf("cue: file references go backwards (file %d after file %d)", n, f.file)
	}
	for f.file < n && f.file+1 < len(s.Files) {
		f.file++
		fl := &s.Files[f.file]
		f.line(0, "FILE", f.quote("file name", fl.Name), f.word("file type", string(fl.Type)))
		f.rems(1, fl.Rems)
	}
	if n >= len(s.Files) && f.err == nil {
		f.err = fmt.Errorf("cue: reference to file %d of %d", n, len(s.Files))
	}
}

// Format writes the sheet in canonical form: keywords upper case, two
// blanks of indent per level, text and file names quoted, and within each
// part a fixed order — CATALOG, CDTEXTFILE, disc CD-TEXT, disc REMs; then
// per track REM SESSION (when the session changes), FILE (when the file
// changes), TRACK, FLAGS, ISRC, CD-TEXT, REMs, PREGAP, INDEX lines with the
// REMs and FILE changes between them, POSTGAP. It writes in s.Encoding
// with s.CRLF line endings. Parsing the output gives back an equal Sheet
// (positions aside).
func (s *Sheet) Format(w io.Writer) error {
	f := &formatter{nl: "\n", file: -1}
	if s.CRLF {
		f.nl = "\r\n"
	}
	if s.Catalog != "" {
		f.line(0, "CATALOG", f.word("CATALOG", s.Catalog))
	}
	if s.CDTextFile != "" {
		f.line(0, "CDTEXTFILE", f.text("CDTEXTFILE", s.CDTextFile))
	}
	f.cdText(0, &s.Text)
	f.rems(0, s.Rems)
	session := 0
	for i := range s.Tracks {
		t := &s.Tracks[i]
		if t.Session != 0 && (t.Session != session || len(t.SessionRems) > 0) {
			f.line(0, fmt.Sprintf("REM SESSION %02d", t.Session))
			f.rems(0, t.SessionRems)
		}
		session = t.Session
		if t.Number < 1 || t.Number > 99 {
			f.fail("track number %d out of range 1–99", t.Number)
		}
		if t.File < 0 || t.File >= len(s.Files) {
			f.fail("track %d refers to file %d of %d", t.Number, t.File, len(s.Files))
		}
		if t.File != f.file {
			f.filesUpTo(s, t.File)
		}
		f.line(1, "TRACK", fmt.Sprintf("%02d", t.Number), f.word("mode", string(t.Mode)))
		if t.Flags != 0 {
			f.line(2, "FLAGS", t.Flags.String())
		}
		if t.ISRC != "" {
			f.line(2, "ISRC", f.word("ISRC", t.ISRC))
		}
		f.cdText(2, &t.Text)
		rems := func(after int) {
			for _, r := range t.Rems {
				if r.After == after || after == len(t.Indexes) && r.After > after {
					f.rems(2, []Rem{r})
				}
			}
		}
		rems(0)
		if t.Pregap != 0 {
			v, err := msf(t.Pregap)
			if err != nil && f.err == nil {
				f.err = fmt.Errorf("cue: track %d pregap: %w", t.Number, err)
			}
			f.line(2, "PREGAP", v)
		}
		for j, x := range t.Indexes {
			if x.Number < 0 || x.Number > 99 || !x.Pos.Valid() {
				f.fail("track %d: INDEX %d %s out of range", t.Number, x.Number, x.Pos)
			}
			if x.File != f.file {
				f.filesUpTo(s, x.File)
			}
			f.line(2, "INDEX", fmt.Sprintf("%02d", x.Number), x.Pos.String())
			if j+1 < len(t.Indexes) {
				rems(j + 1)
			}
		}
		if t.Postgap != 0 {
			v, err := msf(t.Postgap)
			if err != nil && f.err == nil {
				f.err = fmt.Errorf("cue: track %d postgap: %w", t.Number, err)
			}
			f.line(2, "POSTGAP", v)
		}
		if len(t.Indexes) > 0 {
			rems(len(t.Indexes))
		}
	}
	if len(s.Files) > 0 {
		f.filesUpTo(s, len(s.Files)-1)
	}
	if f.err != nil {
		return f.err
	}
	out, err := encode(f.b.String(), s.Encoding)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func encode(text string, e Encoding) ([]byte, error) {
	switch e {
	case UTF8:
		return []byte(text), nil
	case UTF8BOM:
		return append([]byte{0xEF, 0xBB, 0xBF}, text...), nil
	case Latin1:
		b := make([]byte, 0, len(text))
		for _, r := range text {
			if r > 0xFF {
				return nil, fmt.Errorf("cue: %q cannot be written in ISO-8859-1", r)
			}
			b = append(b, byte(r))
		}
		return b, nil
	case UTF16LE, UTF16BE:
		u := utf16.Encode([]rune(text))
		b := make([]byte, 0, 2+2*len(u))
		if e == UTF16LE {
			b = append(b, 0xFF, 0xFE)
			for _, c := range u {
				b = append(b, byte(c), byte(c>>8))
			}
		} else {
			b = append(b, 0xFE, 0xFF)
			for _, c := range u {
				b = append(b, byte(c>>8), byte(c))
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("cue: unknown encoding %v", e)
}
