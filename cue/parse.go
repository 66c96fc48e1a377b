package cue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"spindle/cd"
)

// DefaultMaxSize is the largest sheet Parse reads when Options.MaxSize is
// zero. Real sheets are a few kilobytes; 99 tracks with all CD-TEXT fields
// and many indexes stay far below it.
const DefaultMaxSize = 1 << 20

// Limits on what one sheet may hold, so that memory stays proportional to
// a real disc whatever the input: a CD has at most 99 tracks of at most 100
// indexes (00–99), and each track at most a few files.
const (
	MaxTracks  = 99
	MaxIndexes = 100 // per track
	MaxFiles   = 999
)

// ErrTooLarge is returned when the input exceeds the size limit.
var ErrTooLarge = errors.New("cue: sheet too large")

// Options control parsing. The zero value parses strictly.
type Options struct {
	// Lenient accepts what real-world writers get wrong instead of failing:
	// unknown commands (kept verbatim as Rem{Unknown: true} in place),
	// unknown track modes (such as the MODEx/2xxx Exact Audio Copy writes
	// for a data track it did not read) and file types, unquoted text with blanks
	// (TITLE Only By the Night), a CATALOG or ISRC of the wrong shape,
	// FLAGS without or with unknown flags (ignored), an unterminated quote
	// (running to the end of the line) and commands given twice (the last
	// one wins). What it ignores is not written back by Format, so when
	// that was where an ISO 8859-1 sheet had its non-UTF-8 bytes, the
	// formatted sheet may read back as UTF-8.
	Lenient bool
	// MaxSize bounds the input in bytes; 0 means DefaultMaxSize.
	MaxSize int64
}

// Parse reads a CUE sheet strictly; name is used in errors. Errors in the
// text are *SyntaxError naming line and column.
func Parse(r io.Reader, name string) (*Sheet, error) {
	return Options{}.Parse(r, name)
}

// Parse reads a CUE sheet with these options; name is used in errors.
func (o Options) Parse(r io.Reader, name string) (*Sheet, error) {
	max := o.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("cue: reading %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, name, max)
	}
	text, enc, err := decode(data)
	if err != nil {
		return nil, &SyntaxError{File: name, Line: 1, Col: 1, Msg: err.Error()}
	}
	p := &parser{opt: o, name: name, track: -1, file: -1,
		s: &Sheet{Encoding: enc, Name: name}}
	p.discSeen = map[string]Pos{}
	if err := p.run(text); err != nil {
		return nil, err
	}
	if e := p.s; e.Catalog == "" && e.CDTextFile == "" && e.Text == (CDText{}) && len(e.Rems) == 0 && len(e.Files) == 0 {
		e.CRLF = false // nothing to write: no line ending to keep
	}
	return p.s, nil
}

// decode turns the bytes into text: UTF-16 or UTF-8 by byte order mark,
// else UTF-8 when valid, else ISO 8859-1.
func decode(b []byte) (string, Encoding, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if utf8.Valid(b) {
			return string(b), UTF8BOM, nil
		}
		return latin1(b), Latin1, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		le := b[0] == 0xFF
		b = b[2:]
		if len(b)%2 != 0 {
			return "", 0, errors.New("UTF-16 text of odd length")
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			if le {
				u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
			} else {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
		}
		if le {
			return string(utf16.Decode(u)), UTF16LE, nil
		}
		return string(utf16.Decode(u)), UTF16BE, nil
	case utf8.Valid(b):
		return string(b), UTF8, nil
	}
	return latin1(b), Latin1, nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// token is one word of a line: a run of non-blank characters, or a
// quoted string without its quotes.
type token struct {
	val    string
	col    int // 1-based rune column
	off    int // byte offset in the line
	quoted bool
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func trimBlanks(s string) string { return strings.Trim(s, " \t") }

// asciiUpper upper-cases ASCII letters only, so that keywords are
// compared without Unicode case folding surprises.
func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

type parser struct {
	opt   Options
	name  string
	s     *Sheet
	line  int
	text  string // current line
	track int    // index in s.Tracks of the open track, -1 before the first
	file  int    // index in s.Files of the FILE in effect, -1 before the first
	// afterFile is set by FILE and cleared by TRACK and INDEX: REM lines in
	// between belong to the file.
	afterFile bool
	// session is a "REM SESSION nn" waiting for the next TRACK, with the
	// REM lines that followed it.
	session     int
	sessionPos  Pos
	sessionRems []Rem
	discSeen    map[string]Pos
	trackSeen   map[string]Pos
}

func (p *parser) col(off int) int { return utf8.RuneCountInString(p.text[:off]) + 1 }

func (p *parser) errAt(off int, format string, args ...any) error {
	return &SyntaxError{File: p.name, Line: p.line, Col: p.col(off), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) run(text string) error {
	first := true
	for len(text) > 0 {
		p.line++
		i := strings.IndexAny(text, "\r\n")
		var line string
		if i < 0 {
			line, text = text, ""
		} else {
			line = text[:i]
			crlf := text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n'
			if first {
				p.s.CRLF = crlf
			}
			if crlf {
				text = text[i+2:]
			} else {
				text = text[i+1:]
			}
		}
		first = false
		if err := p.parseLine(line); err != nil {
			return err
		}
	}
	if p.session != 0 && !p.opt.Lenient {
		return &SyntaxError{File: p.name, Line: p.sessionPos.Line, Col: p.sessionPos.Col,
			Msg: "REM SESSION is not followed by a TRACK"}
	}
	return nil
}

func (p *parser) lex() ([]token, error) {
	var toks []token
	s := p.text
	col := 1                    // rune column of s[i], counted as i advances
	adv := func(i, j int) int { // column after moving from i to j
		for ; i < j; i++ {
			if s[i]&0xC0 != 0x80 {
				col++
			}
		}
		return col
	}
	for i := 0; i < len(s); {
		if isBlank(s[i]) {
			i++
			col++
			continue
		}
		start, startCol := i, col
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				if !p.opt.Lenient {
					return nil, p.errAt(start, "unterminated quoted string")
				}
				toks = append(toks, token{val: s[i+1:], col: startCol, off: start, quoted: true})
				break
			}
			toks = append(toks, token{val: s[i+1 : i+1+end], col: startCol, off: start, quoted: true})
			adv(i, i+end+2)
			i += end + 2
			continue
		}
		for i < len(s) && !isBlank(s[i]) {
			i++
		}
		adv(start, i)
		toks = append(toks, token{val: s[start:i], col: startCol, off: start})
	}
	return toks, nil
}

func (p *parser) pos(t token) Pos { return Pos{p.line, t.col} }

// argc checks the number of arguments after the keyword.
func (p *parser) argc(toks []token, n int, usage string) error {
	if len(toks)-1 < n {
		return p.errAt(len(p.text), "%s: missing argument (want %s)", asciiUpper(toks[0].val), usage)
	}
	if len(toks)-1 > n {
		return p.errAt(toks[n+1].off, "%s: unexpected %q (want %s)", asciiUpper(toks[0].val), toks[n+1].val, usage)
	}
	return nil
}

// textArg returns the single string argument of a command; leniently,
// several unquoted words make one string.
func (p *parser) textArg(toks []token, usage string) (string, error) {
	if len(toks) > 2 && p.opt.Lenient {
		rest := trimBlanks(p.text[toks[1].off:])
		switch {
		case len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"':
			// Exact Audio Copy quotes the text as it is, double quotes
			// inside included: TITLE "12" Mix". The text is everything
			// between the first and the last quote.
			rest = rest[1 : len(rest)-1]
		case strings.ContainsRune(rest, '"'):
			vals := make([]string, 0, len(toks)-1)
			for _, t := range toks[1:] {
				vals = append(vals, t.val)
			}
			rest = strings.Join(vals, " ")
		}
		return rest, nil
	}
	if err := p.argc(toks, 1, usage); err != nil {
		return "", err
	}
	return toks[1].val, nil
}

// once reports a command given twice in one scope (strict parsing).
func (p *parser) once(seen map[string]Pos, key string, t token) error {
	if prev, ok := seen[key]; ok && !p.opt.Lenient {
		return p.errAt(t.off, "%s given twice (first at line %d)", key, prev.Line)
	}
	seen[key] = p.pos(t)
	return nil
}

func (p *parser) parseLine(line string) error {
	p.text = line
	// REM lines are kept verbatim, so they are not split into words.
	if t := trimBlanks(line); len(t) >= 3 && asciiUpper(t[:3]) == "REM" && (len(t) == 3 || isBlank(t[3])) {
		off := strings.Index(line, t)
		return p.rem(Rem{Text: trimBlanks(t[3:]), Pos: Pos{p.line, p.col(off)}})
	}
	toks, err := p.lex()
	if err != nil {
		if p.opt.Lenient {
			return p.unknown()
		}
		return err
	}
	if len(toks) == 0 {
		return nil
	}
	kw := toks[0]
	key := asciiUpper(kw.val)
	if kw.quoted {
		key = ""
	}
	switch key {
	case "CATALOG":
		if err := p.argc(toks, 1, "CATALOG 13-digit-number"); err != nil {
			return err
		}
		if !p.opt.Lenient && !isDigits(toks[1].val, 13) {
			return p.errAt(toks[1].off, "CATALOG %q: want 13 digits", toks[1].val)
		}
		if err := p.once(p.discSeen, key, kw); err != nil {
			return err
		}
		if !writable(toks[1].val) {
			return p.errAt(toks[1].off, "CATALOG %q cannot be written back", toks[1].val)
		}
		p.s.Catalog, p.s.CatalogPos = toks[1].val, p.pos(kw)
	case "CDTEXTFILE":
		v, err := p.textArg(toks, `CDTEXTFILE "name"`)
		if err != nil {
			return err
		}
		if err := p.once(p.discSeen, key, kw); err != nil {
			return err
		}
		p.s.CDTextFile = v
	case "FILE":
		return p.fileCmd(toks)
	case "TRACK":
		return p.trackCmd(toks)
	case "INDEX":
		return p.indexCmd(toks)
	case "PREGAP", "POSTGAP":
		t, err := p.inTrack(kw, key)
		if err != nil {
			return err
		}
		if err := p.argc(toks, 1, key+" mm:ss:ff"); err != nil {
			return err
		}
		m, err := p.msf(toks[1])
		if err != nil {
			return err
		}
		if err := p.once(p.trackSeen, key, kw); err != nil {
			return err
		}
		if key == "PREGAP" {
			t.Pregap, t.PregapPos = m.Frames(), p.pos(kw)
		} else {
			t.Postgap, t.PostgapPos = m.Frames(), p.pos(kw)
		}
	case "FLAGS":
		t, err := p.inTrack(kw, key)
		if err != nil {
			return err
		}
		if len(toks) == 1 && !p.opt.Lenient {
			return p.errAt(len(line), "FLAGS: missing argument (want one or more of DCP 4CH PRE SCMS DATA)")
		}
		var f Flags
		for _, a := range toks[1:] {
			fl, ok := flagByName(asciiUpper(a.val))
			if !ok && !p.opt.Lenient {
				return p.errAt(a.off, "FLAGS: unknown flag %q (want DCP, 4CH, PRE, SCMS or DATA)", a.val)
			}
			f |= fl
		}
		if err := p.once(p.trackSeen, key, kw); err != nil {
			return err
		}
		t.Flags, t.FlagsPos = f, p.pos(kw)
	case "ISRC":
		t, err := p.inTrack(kw, key)
		if err != nil {
			return err
		}
		if err := p.argc(toks, 1, "ISRC CCOOOYYSSSSS"); err != nil {
			return err
		}
		v := toks[1].val
		if !p.opt.Lenient && !isAlnum(v, 12) {
			return p.errAt(toks[1].off, "ISRC %q: want 12 letters and digits", v)
		}
		if !writable(v) {
			return p.errAt(toks[1].off, "ISRC %q cannot be written back", v)
		}
		if err := p.once(p.trackSeen, key, kw); err != nil {
			return err
		}
		t.ISRC, t.ISRCPos = v, p.pos(kw)
	default:
		if key != "" {
			if f := cdTextField(&CDText{}, key); f != nil {
				return p.cdText(toks, key)
			}
		}
		if p.opt.Lenient {
			return p.unknown()
		}
		return p.errAt(kw.off, "unknown command %q", kw.val)
	}
	return nil
}

func (p *parser) cdText(toks []token, key string) error {
	v, err := p.textArg(toks, key+` "text"`)
	if err != nil {
		return err
	}
	text, seen := &p.s.Text, p.discSeen
	if p.track >= 0 {
		text, seen = &p.s.Tracks[p.track].Text, p.trackSeen
	}
	if err := p.once(seen, key, toks[0]); err != nil {
		return err
	}
	*cdTextField(text, key) = v
	return nil
}

// unknown keeps the current line verbatim (lenient parsing).
func (p *parser) unknown() error {
	t := trimBlanks(p.text)
	return p.rem(Rem{Text: t, Unknown: true, Pos: Pos{p.line, p.col(strings.Index(p.text, t))}})
}

// rem places a REM line (or a leniently kept unknown command).
func (p *parser) rem(r Rem) error {
	if !r.Unknown {
		if k, v := r.Field(); k == "SESSION" && isDigits(v, len(v)) && len(v) <= 2 && v != "0" && v != "00" {
			n, _ := strconv.Atoi(v)
			p.session, p.sessionPos, p.sessionRems = n, r.Pos, nil
			return nil
		}
	}
	switch {
	case p.afterFile:
		f := &p.s.Files[p.file]
		f.Rems = append(f.Rems, r)
	case p.session != 0:
		p.sessionRems = append(p.sessionRems, r)
	case p.track >= 0:
		t := &p.s.Tracks[p.track]
		r.After = len(t.Indexes)
		t.Rems = append(t.Rems, r)
	default:
		p.s.Rems = append(p.s.Rems, r)
	}
	return nil
}

func (p *parser) inTrack(kw token, key string) (*Track, error) {
	if p.track < 0 {
		return nil, p.errAt(kw.off, "%s before the first TRACK", key)
	}
	return &p.s.Tracks[p.track], nil
}

func (p *parser) fileCmd(toks []token) error {
	if len(toks) < 3 {
		return p.errAt(len(p.text), `FILE: missing argument (want FILE "name" BINARY|MOTOROLA|WAVE|MP3|AIFF)`)
	}
	name := toks[1].val
	if len(toks) > 3 {
		if !p.opt.Lenient {
			return p.errAt(toks[3].off, `FILE: unexpected %q (want FILE "name" type; quote names with blanks)`, toks[3].val)
		}
		last := toks[len(toks)-1]
		name = trimBlanks(p.text[toks[1].off:last.off])
		if strings.ContainsRune(name, '"') {
			vals := make([]string, 0, len(toks)-2)
			for _, t := range toks[1 : len(toks)-1] {
				vals = append(vals, t.val)
			}
			name = strings.Join(vals, " ")
		}
	}
	typTok := toks[len(toks)-1]
	typ := FileType(asciiUpper(typTok.val))
	if !typ.Known() && !p.opt.Lenient {
		return p.errAt(typTok.off, "FILE: unknown file type %q (want BINARY, MOTOROLA, WAVE, MP3 or AIFF)", typTok.val)
	}
	if !writable(name) || !writable(string(typ)) {
		return p.errAt(toks[1].off, "FILE: name %q cannot be written back", name)
	}
	if len(p.s.Files) == MaxFiles {
		return p.errAt(toks[0].off, "more than %d FILE commands", MaxFiles)
	}
	p.s.Files = append(p.s.Files, File{Name: name, Type: typ, Pos: p.pos(toks[0])})
	p.file = len(p.s.Files) - 1
	p.afterFile = true
	return nil
}

func (p *parser) trackCmd(toks []token) error {
	if p.file < 0 {
		return p.errAt(toks[0].off, "TRACK before the first FILE")
	}
	if len(toks) < 3 {
		return p.argc(toks, 2, "TRACK nn mode")
	}
	n, err := p.number(toks[1], 1, 99, "track number")
	if err != nil {
		return err
	}
	mode := Mode(asciiUpper(toks[2].val))
	if !mode.Known() && !p.opt.Lenient {
		return p.errAt(toks[2].off, "TRACK: unknown mode %q (want AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2048, MODE2/2324, MODE2/2336, MODE2/2352, CDI/2336 or CDI/2352)", toks[2].val)
	}
	if err := p.argc(toks, 2, "TRACK nn mode"); err != nil {
		return err
	}
	if !writable(string(mode)) {
		return p.errAt(toks[2].off, "TRACK: mode %q cannot be written back", toks[2].val)
	}
	if len(p.s.Tracks) == MaxTracks {
		return p.errAt(toks[0].off, "more than %d TRACK commands", MaxTracks)
	}
	t := Track{Number: n, Mode: mode, File: p.file, Pos: p.pos(toks[0])}
	if p.session != 0 {
		t.Session, t.SessionRems = p.session, p.sessionRems
		p.session, p.sessionRems = 0, nil
	} else if p.track >= 0 {
		t.Session = p.s.Tracks[p.track].Session
	}
	p.s.Tracks = append(p.s.Tracks, t)
	p.track = len(p.s.Tracks) - 1
	p.afterFile = false
	p.trackSeen = map[string]Pos{}
	return nil
}

func (p *parser) indexCmd(toks []token) error {
	if p.track < 0 {
		return p.errAt(toks[0].off, "INDEX before the first TRACK")
	}
	if len(toks) < 3 {
		return p.argc(toks, 2, "INDEX nn mm:ss:ff")
	}
	n, err := p.number(toks[1], 0, 99, "index number")
	if err != nil {
		return err
	}
	m, err := p.msf(toks[2])
	if err != nil {
		return err
	}
	if err := p.argc(toks, 2, "INDEX nn mm:ss:ff"); err != nil {
		return err
	}
	t := &p.s.Tracks[p.track]
	if len(t.Indexes) == MaxIndexes {
		return p.errAt(toks[0].off, "track %d: more than %d INDEX commands", t.Number, MaxIndexes)
	}
	t.Indexes = append(t.Indexes, Index{Number: n, Pos: m, File: p.file, At: p.pos(toks[0])})
	p.afterFile = false
	return nil
}

func (p *parser) number(t token, lo, hi int, what string) (int, error) {
	if !isDigits(t.val, len(t.val)) || len(t.val) == 0 || len(t.val) > 3 {
		return 0, p.errAt(t.off, "%s %q: want a number %d–%d", what, t.val, lo, hi)
	}
	n, _ := strconv.Atoi(t.val)
	if n < lo || n > hi {
		return 0, p.errAt(t.off, "%s %d out of range %d–%d", what, n, lo, hi)
	}
	return n, nil
}

// msf parses mm:ss:ff: digits only, seconds below 60, frames below 75.
func (p *parser) msf(t token) (cd.MSF, error) {
	parts := strings.Split(t.val, ":")
	ok := len(parts) == 3
	for _, s := range parts {
		if !ok {
			break
		}
		ok = len(s) > 0 && len(s) <= 3 && isDigits(s, len(s))
	}
	if !ok {
		return cd.MSF{}, p.errAt(t.off, "invalid time %q: want mm:ss:ff", t.val)
	}
	m, err := cd.ParseMSF(t.val)
	if err != nil {
		return cd.MSF{}, p.errAt(t.off, "invalid time %q: minutes 0–255, seconds below 60, frames below 75", t.val)
	}
	return m, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
