package cue

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // "line:col: substring", in order
	}{
		{"good", "CATALOG 0123456789012\nFILE a BINARY\nTRACK 01 AUDIO\nFLAGS DCP\nISRC GBAYE6800011\nPREGAP 00:02:00\nINDEX 00 00:00:00\nINDEX 01 00:02:00\nINDEX 02 00:03:00\nPOSTGAP 00:02:00\nTRACK 02 MODE1/2048\nINDEX 01 00:10:00\n", nil},
		{"no tracks", "FILE a BINARY\n", []string{" no TRACK"}},
		{"track numbers", "FILE a BINARY\nTRACK 02 AUDIO\nINDEX 01 00:00:00\nTRACK 04 AUDIO\nINDEX 01 00:10:00\nTRACK 03 AUDIO\nINDEX 01 00:20:00\n",
			[]string{"4:1: track 4 follows track 2", "6:1: track 3 follows track 4"}},
		{"no INDEX 01", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nTRACK 02 AUDIO\n",
			[]string{"2:1: track 1 has no INDEX 01", "4:1: track 2 has no INDEX 01"}},
		{"first index", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 02 00:00:00\n",
			[]string{"3:1: track 1: first index is 02", "2:1: track 1 has no INDEX 01"}},
		{"index sequence", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nINDEX 03 00:01:00\n",
			[]string{"4:1: track 1: INDEX 03 follows INDEX 01"}},
		{"INDEX 00 after 01", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nINDEX 00 00:01:00\n",
			[]string{"4:1: track 1: INDEX 00 follows INDEX 01"}},
		{"index times", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:00:00\n",
			[]string{"4:1: track 1: INDEX 01 at 00:00:00 does not come after", "6:1: track 2: INDEX 01 at 00:00:00 does not come after"}},
		{"first in file", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:01\n",
			[]string{`3:1: track 1: INDEX 01 at 00:00:01 is the first in FILE "a"`}},
		{"placement", "FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nFLAGS DCP\nISRC GBAYE6800011\nPREGAP 00:00:01\n",
			[]string{"4:1: track 1: FLAGS after INDEX", "5:1: track 1: ISRC after INDEX", "6:1: track 1: PREGAP after INDEX"}},
		{"POSTGAP placement", "FILE a BINARY\nTRACK 01 AUDIO\nPOSTGAP 00:00:01\nINDEX 01 00:00:00\n",
			[]string{"3:1: track 1: POSTGAP before INDEX"}},
		{"ISRC", "FILE a BINARY\nTRACK 01 AUDIO\nISRC 000000000000\nINDEX 01 00:00:00\n",
			[]string{`3:1: track 1: ISRC "000000000000"`}},
		{"data in WAVE", "FILE a.wav WAVE\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n",
			[]string{`2:1: track 1: MODE1/2352 track in WAVE file "a.wav"`}},
		{"sessions", "REM SESSION 02\nFILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nREM SESSION 04\nTRACK 02 AUDIO\nINDEX 01 00:10:00\n",
			[]string{"3:1: track 1: first session is 2", "6:1: track 2: session 4 follows session 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, c.in)
			errs := s.Validate()
			var got []string
			for _, e := range errs {
				var se *SyntaxError
				if !errors.As(e, &se) {
					t.Fatalf("%v is not a *SyntaxError", e)
				}
				got = append(got, e.Error())
			}
			if len(got) != len(c.want) {
				t.Fatalf("Validate:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], "test.cue:"+w) {
					t.Errorf("error %d = %q, want test.cue:%s...", i, got[i], w)
				}
			}
		})
	}
}

func TestValidateBuilt(t *testing.T) {
	s := &Sheet{
		Catalog: "12345",
		Files:   []File{{Name: "a", Type: "FLAC"}},
		Tracks:  []Track{{Number: 100, Mode: "MODE9", Indexes: []Index{{Number: 1}}}},
	}
	var got []string
	for _, e := range s.Validate() {
		got = append(got, e.Error())
	}
	want := []string{`cue: CATALOG "12345": want 13 digits`, `cue: FILE "a": unknown file type "FLAC"`,
		"cue: track number 100 out of range 1–99", `cue: track 100: unknown mode "MODE9"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Validate:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
