package cue

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"spindle/cd"
)

const head = "FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n"

// TestParseCommands checks each command on its own: what Parse stores.
func TestParseCommands(t *testing.T) {
	cases := []struct {
		name, in string
		check    func(t *testing.T, s *Sheet)
	}{
		{"CATALOG", "CATALOG 0123456789012\n" + head, func(t *testing.T, s *Sheet) {
			eq(t, s.Catalog, "0123456789012")
			eq(t, s.CatalogPos, Pos{1, 1})
		}},
		{"CDTEXTFILE", "CDTEXTFILE \"disc text.cdt\"\n" + head, func(t *testing.T, s *Sheet) { eq(t, s.CDTextFile, "disc text.cdt") }},
		{"FILE types", "FILE a.bin BINARY\nFILE \"b c.raw\" motorola\nFILE c.wav Wave\nFILE d.mp3 MP3\nFILE e.aiff AIFF\n", func(t *testing.T, s *Sheet) {
			eq(t, len(s.Files), 5)
			eq(t, s.Files[1], File{Name: "b c.raw", Type: Motorola, Pos: Pos{2, 1}})
			for i, ty := range []FileType{Binary, Motorola, Wave, MP3, AIFF} {
				eq(t, s.Files[i].Type, ty)
			}
		}},
		{"TRACK modes", "FILE a BINARY\nTRACK 1 audio\nTRACK 2 CDG\nTRACK 3 MODE1/2048\nTRACK 4 MODE1/2352\nTRACK 5 MODE2/2048\nTRACK 6 MODE2/2324\nTRACK 7 MODE2/2336\nTRACK 8 MODE2/2352\nTRACK 9 CDI/2336\nTRACK 10 cdi/2352\n", func(t *testing.T, s *Sheet) {
			want := []Mode{Audio, CDG, Mode1_2048, Mode1_2352, Mode2_2048, Mode2_2324, Mode2_2336, Mode2_2352, CDI_2336, CDI_2352}
			sizes := []int{2352, 2448, 2048, 2352, 2048, 2324, 2336, 2352, 2336, 2352}
			for i, m := range want {
				eq(t, s.Tracks[i].Number, i+1)
				eq(t, s.Tracks[i].Mode, m)
				eq(t, s.Tracks[i].Mode.SectorSize(), sizes[i])
			}
		}},
		{"INDEX 00-99", head + "    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n    INDEX 99 255:59:74\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Tracks[0].Indexes, []Index{
				{0, cd.MSF{}, 0, Pos{3, 5}},
				{1, cd.MSF{M: 0, S: 2, F: 0}, 0, Pos{4, 5}},
				{99, cd.MSF{M: 255, S: 59, F: 74}, 0, Pos{5, 5}},
			})
		}},
		{"PREGAP POSTGAP", head + "PREGAP 00:02:00\nINDEX 01 00:00:00\nPOSTGAP 00:00:10\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Tracks[0].Pregap, cd.Frames(150))
			eq(t, s.Tracks[0].Postgap, cd.Frames(10))
			eq(t, s.Tracks[0].PregapPos, Pos{3, 1})
		}},
		{"FLAGS", head + "FLAGS dcp 4CH PRE SCMS DATA\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Tracks[0].Flags, DCP|FourCH|PRE|SCMS|DATA)
			eq(t, s.Tracks[0].Flags.String(), "DCP 4CH PRE SCMS DATA")
		}},
		{"ISRC", head + "ISRC USUM70846386\n", func(t *testing.T, s *Sheet) { eq(t, s.Tracks[0].ISRC, "USUM70846386") }},
		{"CD-TEXT disc and track", "TITLE \"Disc\"\nPERFORMER P\nSONGWRITER S\nCOMPOSER C\nARRANGER A\nMESSAGE M\nDISC_ID D\nGENRE G\nTOC_INFO1 T1\nTOC_INFO2 T2\nUPC_EAN U\nSIZE_INFO SI\n" + head + "TITLE \"Track one\"\nperformer \"\"\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Text, CDText{"Disc", "P", "S", "C", "A", "M", "D", "G", "T1", "T2", "U", "SI"})
			eq(t, s.Tracks[0].Text, CDText{Title: "Track one"})
		}},
		{"REM placement", "REM GENRE \"Alternative Rock\"\nREM DATE 2001\nFILE a.wav WAVE\nREM after file\n  TRACK 01 AUDIO\n    REM REPLAYGAIN_TRACK_GAIN -7.02 dB\n    INDEX 00 00:00:00\n    REM between\n    INDEX 01 00:02:00\nREM LEAD-OUT 00:10:00\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Rems, []Rem{{Text: `GENRE "Alternative Rock"`, Pos: Pos{1, 1}}, {Text: "DATE 2001", Pos: Pos{2, 1}}})
			eq(t, s.Files[0].Rems, []Rem{{Text: "after file", Pos: Pos{4, 1}}})
			eq(t, s.Tracks[0].Rems, []Rem{
				{Text: "REPLAYGAIN_TRACK_GAIN -7.02 dB", Pos: Pos{6, 5}},
				{Text: "between", After: 1, Pos: Pos{8, 5}},
				{Text: "LEAD-OUT 00:10:00", After: 2, Pos: Pos{10, 1}},
			})
			v, ok := s.Rem("genre")
			eq(t, v, "Alternative Rock")
			eq(t, ok, true)
		}},
		{"REM verbatim", "REM   COMMENT \"unterminated\nrem\nREM\tTAB  x  \n", func(t *testing.T, s *Sheet) {
			eq(t, s.Rems, []Rem{{Text: `COMMENT "unterminated`, Pos: Pos{1, 1}}, {Text: "", Pos: Pos{2, 1}}, {Text: "TAB  x", Pos: Pos{3, 1}}})
		}},
		{"REM SESSION", "REM SESSION 01\nFILE \"t1.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:10:00\nREM SESSION 02\nREM LEAD-IN 01:30:00\nFILE \"t3.bin\" BINARY\n  TRACK 03 MODE1/2352\n    INDEX 01 00:00:00\n", func(t *testing.T, s *Sheet) {
			eq(t, []int{s.Tracks[0].Session, s.Tracks[1].Session, s.Tracks[2].Session}, []int{1, 1, 2})
			eq(t, s.Tracks[2].SessionRems, []Rem{{Text: "LEAD-IN 01:30:00", Pos: Pos{8, 1}}})
			eq(t, len(s.Tracks[1].Rems), 0)
		}},
		{"REM SESSION not a number", "REM SESSION two\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Rems, []Rem{{Text: "SESSION two", Pos: Pos{1, 1}}})
		}},
		{"FILE between indexes", "FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 00 04:00:00\nFILE b.wav WAVE\nINDEX 01 00:00:00\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Tracks[1].File, 0)
			eq(t, s.Tracks[1].Indexes[0].File, 0)
			eq(t, s.Tracks[1].Indexes[1].File, 1)
		}},
		{"quoting", "FILE \"C:\\My Music\\01 - a.wav\" WAVE\nTRACK 01 AUDIO\nTITLE \"\"\nPERFORMER a\"b\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Files[0].Name, `C:\My Music\01 - a.wav`)
			eq(t, s.Tracks[0].Text.Performer, `a"b`)
			_ = s
		}},
		{"case and blanks", "\t file\t'a.bin'   binary  \n\n   track 1 mode1/2048\n index 1 0:2:0\n", func(t *testing.T, s *Sheet) {
			eq(t, s.Files[0].Name, "'a.bin'")
			eq(t, s.Tracks[0].Indexes[0].Pos, cd.MSF{M: 0, S: 2, F: 0})
		}},
		{"CRLF", "FILE a BINARY\r\nTRACK 01 AUDIO\r\nINDEX 01 00:00:00\r\n", func(t *testing.T, s *Sheet) {
			eq(t, s.CRLF, true)
			eq(t, len(s.Tracks[0].Indexes), 1)
		}},
		{"LF", "FILE a BINARY\nTRACK 01 AUDIO\r\n", func(t *testing.T, s *Sheet) { eq(t, s.CRLF, false) }},
		{"CR only", "FILE a BINARY\rTRACK 01 AUDIO\rINDEX 01 00:00:00", func(t *testing.T, s *Sheet) {
			eq(t, s.CRLF, false)
			eq(t, s.Tracks[0].Indexes[0].At, Pos{3, 1})
		}},
		{"no final newline", "FILE a BINARY\nTRACK 01 AUDIO", func(t *testing.T, s *Sheet) { eq(t, len(s.Tracks), 1) }},
		{"empty", "", func(t *testing.T, s *Sheet) { eq(t, len(s.Tracks), 0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, c.in)
			c.check(t, s)
			roundTrip(t, Options{}, s)
		})
	}
}

func eq[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestParseEncodings checks the detection of the text encoding.
func TestParseEncodings(t *testing.T) {
	title := "Björk – Jóga"
	sheet := "TITLE \"" + title + "\"\r\nFILE \"a\" BINARY\r\n"
	latin := []byte("TITLE \"Bj\xf6rk\"\nFILE \"a\" BINARY\n")
	utf16le := []byte{0xFF, 0xFE}
	utf16be := []byte{0xFE, 0xFF}
	for _, r := range sheet {
		utf16le = append(utf16le, byte(r), byte(r>>8))
		utf16be = append(utf16be, byte(r>>8), byte(r))
	}
	cases := []struct {
		name  string
		in    []byte
		enc   Encoding
		title string
	}{
		{"UTF-8", []byte(sheet), UTF8, title},
		{"UTF-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, sheet...), UTF8BOM, title},
		{"Latin-1", latin, Latin1, "Björk"},
		{"BOM then invalid UTF-8", append([]byte{0xEF, 0xBB, 0xBF}, latin...), Latin1, "Björk"},
		{"UTF-16LE", utf16le, UTF16LE, title},
		{"UTF-16BE", utf16be, UTF16BE, title},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(bytes.NewReader(c.in), "x.cue")
			if err != nil {
				t.Fatal(err)
			}
			eq(t, s.Encoding, c.enc)
			eq(t, s.Text.Title, c.title)
			out := roundTrip(t, Options{}, s)
			if c.name != "BOM then invalid UTF-8" && !bytes.Equal(out, c.in) {
				t.Errorf("Format wrote\n%q\nwant\n%q", out, c.in)
			}
		})
	}
	if _, err := Parse(bytes.NewReader([]byte{0xFF, 0xFE, 'A'}), "odd.cue"); err == nil {
		t.Error("odd-length UTF-16 accepted")
	}
}

// TestParseErrors checks that bad text gives a SyntaxError at the right
// place, strictly, and what lenient parsing makes of it.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		col      int
		msg      string
		lenient  bool // lenient parsing accepts it
	}{
		{"unknown command", "FOO bar\n", 1, 1, `unknown command "FOO"`, true},
		{"quoted keyword", "\"TITLE\" x\n", 1, 1, "unknown command", true},
		{"unterminated quote", "TITLE \"abc\n", 1, 7, "unterminated", true},
		{"CATALOG missing", "CATALOG\n", 1, 8, "missing argument", false},
		{"CATALOG short", "CATALOG 123\n", 1, 9, "13 digits", true},
		{"CATALOG twice", "CATALOG 0000000000000\nCATALOG 0000000000000\n", 2, 1, "given twice (first at line 1)", true},
		{"TITLE twice", head + "TITLE a\nTITLE b\n", 4, 1, "TITLE given twice", true},
		{"TITLE extra", "TITLE Only By the Night\n", 1, 12, `unexpected "By"`, true},
		{"TITLE quote and blank", "TITLE a b\"c\n", 1, 9, "", true},
		{"FILE missing type", "FILE a.bin\n", 1, 11, "missing argument", false},
		{"FILE unknown type", "FILE a.flac FLAC\n", 1, 13, `unknown file type "FLAC"`, true},
		{"FILE unquoted blanks", "FILE my file.bin BINARY\n", 1, 18, "quote names", true},
		{"TRACK before FILE", "TRACK 01 AUDIO\n", 1, 1, "TRACK before the first FILE", false},
		{"TRACK number", "FILE a BINARY\nTRACK 100 AUDIO\n", 2, 7, "track number 100 out of range", false},
		{"TRACK zero", "FILE a BINARY\nTRACK 0 AUDIO\n", 2, 7, "out of range", false},
		{"TRACK not a number", "FILE a BINARY\nTRACK x1 AUDIO\n", 2, 7, "want a number", false},
		{"TRACK mode", "FILE a BINARY\nTRACK 01 MODE3\n", 2, 10, `unknown mode "MODE3"`, true},
		{"TRACK missing mode", "FILE a BINARY\nTRACK 01\n", 2, 9, "missing argument", false},
		{"TRACK extra", "FILE a BINARY\nTRACK 01 AUDIO x\n", 2, 16, `unexpected "x"`, false},
		{"INDEX before TRACK", "FILE a BINARY\nINDEX 01 00:00:00\n", 2, 1, "INDEX before the first TRACK", false},
		{"INDEX number", head + "INDEX 100 00:00:00\n", 3, 7, "out of range", false},
		{"INDEX frames", head + "INDEX 01 00:00:75\n", 3, 10, "frames below 75", false},
		{"INDEX seconds", head + "INDEX 01 00:60:00\n", 3, 10, "seconds below 60", false},
		{"INDEX minutes", head + "INDEX 01 256:00:00\n", 3, 10, "minutes 0–255", false},
		{"INDEX shape", head + "INDEX 01 00:00\n", 3, 10, "want mm:ss:ff", false},
		{"INDEX sign", head + "INDEX 01 +0:00:00\n", 3, 10, "want mm:ss:ff", false},
		{"PREGAP outside", "PREGAP 00:02:00\n", 1, 1, "before the first TRACK", false},
		{"POSTGAP twice", head + "POSTGAP 00:00:01\nPOSTGAP 00:00:01\n", 4, 1, "given twice", true},
		{"FLAGS empty", head + "FLAGS\n", 3, 6, "missing argument", true},
		{"FLAGS unknown", head + "FLAGS DCP COPY\n", 3, 11, `unknown flag "COPY"`, true},
		{"ISRC shape", head + "ISRC US-UM7-08-46386\n", 3, 6, "12 letters and digits", true},
		{"ISRC outside", "ISRC USUM70846386\n", 1, 1, "before the first TRACK", false},
		{"REM SESSION dangling", head + "REM SESSION 02\n", 3, 1, "not followed by a TRACK", true},
		{"too many tracks", "FILE a BINARY\n" + strings.Repeat("TRACK 01 AUDIO\n", 100), 101, 1, "more than 99 TRACK", false},
		{"too many indexes", head + strings.Repeat("INDEX 01 00:00:00\n", 101), 103, 1, "more than 100 INDEX", false},
		{"too many files", strings.Repeat("FILE a BINARY\n", 1000), 1000, 1, "more than 999 FILE", false},
		{"column in runes", "TITLE \"é\" x\n", 1, 11, `unexpected "x"`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in), "in.cue")
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want *SyntaxError", err)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("errors.Is(err, ErrSyntax) is false")
			}
			if se.Line != c.line || se.Col != c.col || !strings.Contains(se.Msg, c.msg) || se.File != "in.cue" {
				t.Errorf("got %v, want in.cue:%d:%d: ...%s...", err, c.line, c.col, c.msg)
			}
			s, err := Options{Lenient: true}.Parse(strings.NewReader(c.in), "in.cue")
			if c.lenient != (err == nil) {
				t.Fatalf("lenient Parse: %v, want accepted=%v", err, c.lenient)
			}
			if err == nil {
				roundTrip(t, Options{Lenient: true}, s)
			}
		})
	}
}

func TestLenient(t *testing.T) {
	in := "FOO bar  baz\nTITLE Only By the Night\nFILE My File.wav WAVE\nWEIRD\n  TRACK 01 MODEx/2xxx\n    FLAGS\n    FLAGS DCP X\n    TITLE \"a\" b\n    INDEX 01 00:00:00\n    ; comment\n"
	s, err := Options{Lenient: true}.Parse(strings.NewReader(in), "l.cue")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, s.Rems, []Rem{{Text: "FOO bar  baz", Unknown: true, Pos: Pos{1, 1}}})
	eq(t, s.Text.Title, "Only By the Night")
	eq(t, s.Files[0].Name, "My File.wav")
	eq(t, s.Files[0].Rems, []Rem{{Text: "WEIRD", Unknown: true, Pos: Pos{4, 1}}})
	eq(t, s.Tracks[0].Mode, Mode("MODEX/2XXX"))
	eq(t, s.Tracks[0].Flags, DCP)
	eq(t, s.Tracks[0].Text.Title, "a b")
	eq(t, s.Tracks[0].Rems, []Rem{{Text: "; comment", Unknown: true, After: 1, Pos: Pos{10, 5}}})
	roundTrip(t, Options{Lenient: true}, s)
}

// Exact Audio Copy writes CD-TEXT with double quotes inside as it is,
// between a pair of quotes: the text runs from the first quote to the
// last. Such a sheet converts (to a TOC, which can hold the quotes) and
// formats back in the same form.
func TestLenientEACQuotes(t *testing.T) {
	in := "TITLE \"Greatest Hits\"\nPERFORMER \"The \"Band\"\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    TITLE \"12\" Mix\"\n    PERFORMER \"\"Weird\" Al\"\n    INDEX 01 00:00:00\n"
	if _, err := Parse(strings.NewReader(in), "eac.cue"); err == nil {
		t.Error("strict Parse accepted quotes inside quotes")
	}
	s, err := Options{Lenient: true}.Parse(strings.NewReader(in), "eac.cue")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, s.Text.Performer, `The "Band"`)
	eq(t, s.Text.Title, "Greatest Hits")
	eq(t, s.Tracks[0].Text.Title, `12" Mix`)
	eq(t, s.Tracks[0].Text.Performer, `"Weird" Al`)
	out := roundTrip(t, Options{Lenient: true}, s)
	eq(t, string(out), in)
}

func TestTooLarge(t *testing.T) {
	_, err := Options{MaxSize: 10}.Parse(strings.NewReader("REM 0123456789"), "big.cue")
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("got %v, want ErrTooLarge", err)
	}
}

func TestRemField(t *testing.T) {
	cases := []struct{ text, key, value string }{
		{`GENRE "Alternative Rock"`, "GENRE", "Alternative Rock"},
		{"date 2001", "DATE", "2001"},
		{"REPLAYGAIN_ALBUM_GAIN -6.55 dB", "REPLAYGAIN_ALBUM_GAIN", "-6.55 dB"},
		{`COMMENT "a" "b"`, "COMMENT", `"a" "b"`},
		{"LONE", "LONE", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		k, v := Rem{Text: c.text}.Field()
		if k != c.key || v != c.value {
			t.Errorf("Field(%q) = %q, %q; want %q, %q", c.text, k, v, c.key, c.value)
		}
	}
}
