package toc

import (
	"fmt"
	"unicode/utf8"
)

type tokKind int8

const (
	tEOF    tokKind = iota
	tWord           // keyword: [A-Za-z_][A-Za-z0-9_]*
	tInt            // [0-9]+
	tString         // "..." (text is the decoded value)
	tPunct          // { } : , #
)

type token struct {
	kind tokKind
	text string
	pos  Pos
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tString:
		return "string"
	case tInt:
		return "number " + t.text
	default:
		return fmt.Sprintf("%q", t.text)
	}
}

// lexer splits a TOC file into tokens the way cdrdao's lexer does, with
// one deliberate difference: keywords must be separated from each other
// (cdrdao would also read "NOCOPY" as NO COPY).
type lexer struct {
	src       []byte
	off       int
	line, col int
}

func (l *lexer) pos() Pos { return Pos{l.line, l.col} }

// advance consumes one character (a rune, or one byte of invalid UTF-8).
func (l *lexer) advance() {
	if l.src[l.off] == '\n' {
		l.off++
		l.line++
		l.col = 1
		return
	}
	_, n := utf8.DecodeRune(l.src[l.off:])
	l.off += n
	l.col++
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isWordStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_'
}

// next returns the next token, or a *SyntaxError (without File).
func (l *lexer) next() (token, error) {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			l.advance()
			continue
		case c == '/' && l.off+1 < len(l.src) && l.src[l.off+1] == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
			continue
		}
		break
	}
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: p}, nil
	}
	c := l.src[l.off]
	start := l.off
	switch {
	case isDigit(c):
		for l.off < len(l.src) && isDigit(l.src[l.off]) {
			l.advance()
		}
		return token{tInt, string(l.src[start:l.off]), p}, nil
	case isWordStart(c):
		for l.off < len(l.src) && (isWordStart(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.advance()
		}
		return token{tWord, string(l.src[start:l.off]), p}, nil
	case c == '{' || c == '}' || c == ':' || c == ',' || c == '#':
		l.advance()
		return token{tPunct, string(c), p}, nil
	case c == '"':
		return l.str()
	case c == '/':
		return token{}, &SyntaxError{Line: p.Line, Col: p.Col, Msg: "unexpected '/' (comments start with //)"}
	}
	r, _ := utf8.DecodeRune(l.src[l.off:])
	return token{}, &SyntaxError{Line: p.Line, Col: p.Col, Msg: fmt.Sprintf("unexpected character %q", r)}
}

// str reads a string literal: \" is a quote, \\ a backslash, \ddd (three
// digits) the byte of that octal value (read as C's strtol does: up to the
// first non-octal digit, modulo 256), and a backslash before anything else
// is itself. Newlines and tabs are refused, as cdrdao does.
//
// cdrdao's releases differ on backslashes: up to 1.2.6 "\\" is two
// backslashes, and its development version reads it as one and refuses a
// lone backslash. Parse follows the latter for "\\" and the former for a
// lone backslash; Format writes neither (see quote).
func (l *lexer) str() (token, error) {
	p := l.pos()
	l.advance() // opening quote
	var buf []byte
	for {
		if l.off >= len(l.src) {
			return token{}, &SyntaxError{Line: p.Line, Col: p.Col, Msg: "unterminated string"}
		}
		c := l.src[l.off]
		switch c {
		case '"':
			l.advance()
			return token{tString, string(buf), p}, nil
		case '\n':
			return token{}, &SyntaxError{Line: p.Line, Col: p.Col, Msg: "newline in string"}
		case '\t':
			q := l.pos()
			return token{}, &SyntaxError{Line: q.Line, Col: q.Col, Msg: `tab in string (write \011)`}
		case '\\':
			rest := l.src[l.off+1:]
			switch {
			case len(rest) > 0 && (rest[0] == '"' || rest[0] == '\\'):
				buf = append(buf, rest[0])
				l.advance()
				l.advance()
			case len(rest) >= 3 && isDigit(rest[0]) && isDigit(rest[1]) && isDigit(rest[2]):
				v := 0
				for _, d := range rest[:3] {
					if d > '7' {
						break
					}
					v = v*8 + int(d-'0')
				}
				buf = append(buf, byte(v))
				for range 4 {
					l.advance()
				}
			default:
				buf = append(buf, c)
				l.advance()
			}
		default:
			buf = append(buf, c)
			l.off++
			if c < utf8.RuneSelf || utf8.RuneStart(c) {
				l.col++
			}
		}
	}
}
