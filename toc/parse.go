package toc

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"spindle/cd"
)

// MaxSize is the largest TOC file Parse reads (real ones are a few KiB).
const MaxSize = 16 << 20

// maxBinary is cdrdao's limit on the binary data of one CD-TEXT item.
const maxBinary = 256 * 12

// Parse reads a TOC file. name is used in error messages only. Errors in
// the grammar are returned as *SyntaxError with line and column; Parse
// does not check the rules Validate checks (track count, code formats,
// statements that do not fit the track mode, ...).
func Parse(r io.Reader, name string) (*TOC, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("toc: read %s: %w", name, err)
	}
	if len(src) > MaxSize {
		return nil, &SyntaxError{File: name, Msg: fmt.Sprintf("file larger than %d bytes", MaxSize)}
	}
	p := &parser{lex: lexer{src: src, line: 1, col: 1}, name: name}
	t, err := p.toc()
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.File = name
		}
		return nil, err
	}
	t.name = name
	return t, nil
}

type parser struct {
	lex  lexer
	name string
	toks []token // lookahead
}

// peek returns the token n places ahead (0: the next one).
func (p *parser) peek(n int) (token, error) {
	for len(p.toks) <= n {
		t, err := p.lex.next()
		if err != nil {
			return token{}, err
		}
		p.toks = append(p.toks, t)
	}
	return p.toks[n], nil
}

func (p *parser) take() (token, error) {
	t, err := p.peek(0)
	if err != nil {
		return t, err
	}
	p.toks = p.toks[1:]
	return t, nil
}

// isWord reports whether the next token is the keyword w.
func (p *parser) isWord(w string) bool {
	t, err := p.peek(0)
	return err == nil && t.kind == tWord && t.text == w
}

func (p *parser) isPunct(c string) bool {
	t, err := p.peek(0)
	return err == nil && t.kind == tPunct && t.text == c
}

func errAt(pos Pos, format string, args ...any) error {
	return &SyntaxError{Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expectPunct(c, where string) error {
	t, err := p.take()
	if err != nil {
		return err
	}
	if t.kind != tPunct || t.text != c {
		return errAt(t.pos, "expected %q %s, found %s", c, where, t)
	}
	return nil
}

// str reads a string; empty ones are refused unless allowEmpty (cdrdao
// allows "" only as CD-TEXT data).
func (p *parser) str(what string, allowEmpty bool) (string, Pos, error) {
	t, err := p.take()
	if err != nil {
		return "", Pos{}, err
	}
	if t.kind != tString {
		return "", t.pos, errAt(t.pos, "expected a quoted string after %s, found %s", what, t)
	}
	if t.text == "" && !allowEmpty {
		return "", t.pos, errAt(t.pos, "empty string after %s", what)
	}
	return t.text, t.pos, nil
}

// num reads a decimal integer no larger than max.
func (p *parser) num(what string, max int64) (int64, Pos, error) {
	t, err := p.take()
	if err != nil {
		return 0, Pos{}, err
	}
	if t.kind != tInt {
		return 0, t.pos, errAt(t.pos, "expected a number for %s, found %s", what, t)
	}
	n, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil || n > max {
		return 0, t.pos, errAt(t.pos, "%s %s out of range (at most %d)", what, t.text, max)
	}
	return n, t.pos, nil
}

// msf reads "mm:ss:ff".
func (p *parser) msf(what string) (cd.MSF, error) {
	var v [3]int64
	limits := [3]int64{255, cd.SecondsPerMinute - 1, cd.FramesPerSecond - 1}
	names := [3]string{"minutes", "seconds", "frames"}
	for i := range v {
		if i > 0 {
			if err := p.expectPunct(":", "in MSF mm:ss:ff of "+what); err != nil {
				return cd.MSF{}, err
			}
		}
		t, err := p.peek(0)
		if err != nil {
			return cd.MSF{}, err
		}
		if t.kind != tInt {
			return cd.MSF{}, errAt(t.pos, "expected MSF mm:ss:ff for %s, found %s", what, t)
		}
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil || n > limits[i] {
			return cd.MSF{}, errAt(t.pos, "%s field %s of %s out of range (0-%d)", names[i], t.text, what, limits[i])
		}
		p.toks = p.toks[1:]
		v[i] = n
	}
	return cd.MSF{M: uint8(v[0]), S: uint8(v[1]), F: uint8(v[2])}, nil
}

// atMSF reports whether an MSF starts at the next token.
func (p *parser) atMSF() bool {
	t0, err := p.peek(0)
	if err != nil || t0.kind != tInt {
		return false
	}
	t1, err := p.peek(1)
	return err == nil && t1.kind == tPunct && t1.text == ":"
}

func (p *parser) atInt() bool {
	t, err := p.peek(0)
	return err == nil && t.kind == tInt
}

// length reads an MSF or a plain number.
func (p *parser) length(what string) (Length, error) {
	if p.atMSF() {
		m, err := p.msf(what)
		return MSFLength(m), err
	}
	n, _, err := p.num(what, 1<<62)
	return CountLength(n), err
}

// The words of a TOC file's vocabulary, as switches rather than maps so
// that nothing runs at program start.

func isDiscType(s string) bool {
	switch s {
	case "CD_DA", "CD_ROM", "CD_ROM_XA", "CD_I":
		return true
	}
	return false
}

func isTrackMode(s string) bool {
	switch s {
	case "AUDIO", "MODE1", "MODE1_RAW", "MODE2", "MODE2_RAW", "MODE2_FORM1", "MODE2_FORM2", "MODE2_FORM_MIX":
		return true
	}
	return false
}

func isEncoding(s string) bool {
	switch s {
	case "ENCODING_ISO_8859_1", "ENCODING_ASCII", "ENCODING_MS_JIS", "ENCODING_KOREAN", "ENCODING_MANDARIN":
		return true
	}
	return false
}

func isCDTextType(s string) bool {
	switch s {
	case Title, Performer, Songwriter, Composer, Arranger, Message, DiscID, Genre, TOCInfo1, TOCInfo2,
		Reserved1, Reserved2, Reserved3, Reserved4, Closed, UPCEAN, ISRC, SizeInfo:
		return true
	}
	return false
}

func (p *parser) toc() (*TOC, error) {
	t := &TOC{}
	for {
		tok, err := p.peek(0)
		if err != nil {
			return nil, err
		}
		if tok.kind != tWord {
			break
		}
		if tok.text == "CATALOG" {
			p.take()
			if t.Catalog, t.catalogPos, err = p.str("CATALOG", false); err != nil {
				return nil, err
			}
			continue
		}
		if isDiscType(tok.text) {
			p.take()
			t.Type = DiscType(tok.text)
			continue
		}
		break
	}
	if p.isWord("FIRST_TRACK_NO") {
		p.take()
		n, pos, err := p.num("FIRST_TRACK_NO", 1<<31-1)
		if err != nil {
			return nil, err
		}
		t.FirstTrack, t.firstTrackPos = int(n), pos
	}
	if p.isWord("CD_TEXT") {
		c, err := p.cdText(true)
		if err != nil {
			return nil, err
		}
		t.CDText = c
	}
	for {
		tok, err := p.peek(0)
		if err != nil {
			return nil, err
		}
		if tok.kind == tEOF && len(t.Tracks) > 0 {
			return t, nil
		}
		if tok.kind != tWord || tok.text != "TRACK" {
			want := "TRACK"
			if len(t.Tracks) > 0 {
				want = "TRACK, INDEX or end of file"
			}
			return nil, errAt(tok.pos, "expected %s, found %s", want, tok)
		}
		tr, err := p.track()
		if err != nil {
			return nil, err
		}
		t.Tracks = append(t.Tracks, tr)
	}
}

func (p *parser) track() (Track, error) {
	kw, _ := p.take()
	tr := Track{Pos: kw.pos}
	m, err := p.take()
	if err != nil {
		return tr, err
	}
	if m.kind != tWord || !isTrackMode(m.text) {
		return tr, errAt(m.pos, "invalid track mode %s (want AUDIO, MODE1, MODE1_RAW, MODE2, MODE2_FORM1, MODE2_FORM2, MODE2_FORM_MIX or MODE2_RAW)", m)
	}
	tr.Mode = Mode(m.text)
	if p.isWord("RW") || p.isWord("RW_RAW") {
		s, _ := p.take()
		tr.SubChannel = SubChannel(s.text)
	}
	// Flags, in any order; the last of each kind wins.
flags:
	for {
		tok, err := p.peek(0)
		if err != nil {
			return tr, err
		}
		if tok.kind != tWord {
			break
		}
		switch tok.text {
		case "ISRC":
			p.take()
			if tr.ISRC, tr.isrcPos, err = p.str("ISRC", false); err != nil {
				return tr, err
			}
		case "NO":
			p.take()
			f, err := p.take()
			if err != nil {
				return tr, err
			}
			switch {
			case f.kind == tWord && f.text == "COPY":
				tr.Copy = FlagOff
			case f.kind == tWord && f.text == "PRE_EMPHASIS":
				tr.PreEmphasis = FlagOff
			default:
				return tr, errAt(f.pos, "expected COPY or PRE_EMPHASIS after NO, found %s", f)
			}
		case "COPY":
			p.take()
			tr.Copy = FlagOn
		case "PRE_EMPHASIS":
			p.take()
			tr.PreEmphasis = FlagOn
		case "TWO_CHANNEL_AUDIO":
			p.take()
			tr.Channels = ChannelsTwo
		case "FOUR_CHANNEL_AUDIO":
			p.take()
			tr.Channels = ChannelsFour
		default:
			break flags
		}
	}
	if p.isWord("CD_TEXT") {
		if tr.CDText, err = p.cdText(false); err != nil {
			return tr, err
		}
	}
	if p.isWord("PREGAP") {
		kw, _ := p.take()
		m, err := p.msf("PREGAP")
		if err != nil {
			return tr, err
		}
		tr.Pregap, tr.PregapPos = &m, kw.pos
	}
	for {
		tok, err := p.peek(0)
		if err != nil {
			return tr, err
		}
		it, ok, err := p.item(tok)
		if err != nil {
			return tr, err
		}
		if !ok {
			break
		}
		tr.Items = append(tr.Items, it)
	}
	if len(tr.Items) == 0 {
		tok, _ := p.peek(0)
		return tr, errAt(tok.pos, "expected FILE, AUDIOFILE, DATAFILE, FIFO, SILENCE, ZERO, START or END in track, found %s", tok)
	}
	for p.isWord("INDEX") {
		kw, _ := p.take()
		m, err := p.msf("INDEX")
		if err != nil {
			return tr, err
		}
		tr.Indexes = append(tr.Indexes, Index{Pos: kw.pos, At: m})
	}
	return tr, nil
}

// item parses one data or position statement starting at tok, reporting
// false when tok starts none.
func (p *parser) item(tok token) (Item, bool, error) {
	it := Item{Pos: tok.pos}
	if tok.kind != tWord {
		return it, false, nil
	}
	var err error
	switch tok.text {
	case "FILE", "AUDIOFILE":
		p.take()
		it.Kind = AudioFile
		if it.File, _, err = p.str(tok.text, false); err != nil {
			return it, false, err
		}
		if p.isWord("SWAP") {
			p.take()
			it.Swap = true
		}
		if it.Offset, err = p.offset(); err != nil {
			return it, false, err
		}
		if it.Start, err = p.length(tok.text + " start"); err != nil {
			return it, false, err
		}
		if p.atInt() {
			l, err := p.length(tok.text + " length")
			if err != nil {
				return it, false, err
			}
			it.Length = &l
		}
	case "DATAFILE":
		p.take()
		it.Kind = DataFile
		if it.File, _, err = p.str(tok.text, false); err != nil {
			return it, false, err
		}
		if it.Offset, err = p.offset(); err != nil {
			return it, false, err
		}
		if p.atInt() {
			l, err := p.length("DATAFILE length")
			if err != nil {
				return it, false, err
			}
			it.Length = &l
		}
	case "FIFO":
		p.take()
		it.Kind = Fifo
		if it.File, _, err = p.str(tok.text, false); err != nil {
			return it, false, err
		}
		l, err := p.length("FIFO length")
		if err != nil {
			return it, false, err
		}
		it.Length = &l
	case "SILENCE":
		p.take()
		it.Kind = Silence
		l, err := p.length("SILENCE length")
		if err != nil {
			return it, false, err
		}
		it.Length = &l
	case "ZERO":
		p.take()
		it.Kind = Zero
		if t, _ := p.peek(0); t.kind == tWord && (isTrackMode(t.text) || t.text == "MODE0") {
			p.take()
			it.ZeroMode = Mode(t.text)
		}
		if p.isWord("RW") || p.isWord("RW_RAW") {
			s, _ := p.take()
			it.ZeroSubChannel = SubChannel(s.text)
		}
		l, err := p.length("ZERO length")
		if err != nil {
			return it, false, err
		}
		it.Length = &l
	case "START", "END":
		p.take()
		it.Kind = Start
		if tok.text == "END" {
			it.Kind = End
		}
		if p.atInt() {
			m, err := p.msf(tok.text)
			if err != nil {
				return it, false, err
			}
			it.At = &m
		}
	default:
		return it, false, nil
	}
	return it, true, nil
}

// offset reads an optional "#n" byte offset.
func (p *parser) offset() (int64, error) {
	if !p.isPunct("#") {
		return 0, nil
	}
	p.take()
	n, _, err := p.num("byte offset", 1<<62)
	return n, err
}

func (p *parser) cdText(global bool) (*CDText, error) {
	kw, _ := p.take()
	c := &CDText{Pos: kw.pos}
	if err := p.expectPunct("{", "after CD_TEXT"); err != nil {
		return nil, err
	}
	if global && p.isWord("LANGUAGE_MAP") {
		p.take()
		if err := p.expectPunct("{", "after LANGUAGE_MAP"); err != nil {
			return nil, err
		}
		for {
			if p.isPunct("}") && len(c.LanguageMap) > 0 {
				p.take()
				break
			}
			n, pos, err := p.num("language number", 1<<31-1)
			if err != nil {
				return nil, err
			}
			if err := p.expectPunct(":", "in LANGUAGE_MAP"); err != nil {
				return nil, err
			}
			var code int64
			if p.isWord("EN") {
				p.take()
				code = 9
			} else if code, _, err = p.num("language code (or EN)", 1<<31-1); err != nil {
				return nil, err
			}
			c.LanguageMap = append(c.LanguageMap, LanguageMapping{Pos: pos, Block: int(n), Code: int(code)})
		}
	}
	for p.isWord("LANGUAGE") {
		kw, _ := p.take()
		n, _, err := p.num("LANGUAGE block number", 1<<31-1)
		if err != nil {
			return nil, err
		}
		l := Language{Pos: kw.pos, Block: int(n)}
		if err := p.expectPunct("{", "after LANGUAGE n"); err != nil {
			return nil, err
		}
		if t, _ := p.peek(0); t.kind == tWord && isEncoding(t.text) {
			p.take()
			l.Encoding = t.text
		}
		for {
			t, err := p.take()
			if err != nil {
				return nil, err
			}
			if t.kind == tPunct && t.text == "}" {
				break
			}
			if t.kind != tWord || !isCDTextType(t.text) {
				return nil, errAt(t.pos, "expected a CD-TEXT item (TITLE, PERFORMER, ...) or \"}\", found %s", t)
			}
			it := CDTextItem{Pos: t.pos, Type: t.text}
			if p.isPunct("{") {
				it.Binary = true
				if it.Data, err = p.binary(); err != nil {
					return nil, err
				}
			} else if it.Text, _, err = p.str(t.text, true); err != nil {
				return nil, err
			}
			l.Items = append(l.Items, it)
		}
		c.Languages = append(c.Languages, l)
	}
	if err := p.expectPunct("}", "to close CD_TEXT (or LANGUAGE n {)"); err != nil {
		return nil, err
	}
	return c, nil
}

// binary reads "{ n, n, ... }" of values 0..255.
func (p *parser) binary() ([]byte, error) {
	p.take()
	data := []byte{}
	if p.isPunct("}") {
		p.take()
		return data, nil
	}
	for {
		n, pos, err := p.num("binary CD-TEXT data", 255)
		if err != nil {
			return nil, err
		}
		if len(data) >= maxBinary {
			return nil, errAt(pos, "binary CD-TEXT data longer than %d bytes", maxBinary)
		}
		data = append(data, byte(n))
		t, err := p.take()
		if err != nil {
			return nil, err
		}
		if t.kind == tPunct && t.text == "}" {
			return data, nil
		}
		if t.kind != tPunct || t.text != "," {
			return nil, errAt(t.pos, "expected \",\" or \"}\" in binary data, found %s", t)
		}
	}
}
