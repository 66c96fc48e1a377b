package toc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts Format
// writes and Parse reads back equal, and that Validate and Layout do not
// panic either.
func FuzzParse(f *testing.F) {
	if dirExists(filepath.Join("..", "..", "shared", "testdata", "cuetoc")) {
		for _, path := range fixtures(f) {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`CD_TEXT { LANGUAGE_MAP { 0 : EN } LANGUAGE 0 { TITLE "a\"\\\101" GENRE { 1, 2 } } }
TRACK MODE1 RW PREGAP 0:2:0 DATAFILE "d" #10 100 ZERO MODE0 RW_RAW 1:0:0 FIFO "f" 1 END INDEX 0:0:1`))
	f.Add([]byte(`TRACK AUDIO COPY NO PRE_EMPHASIS ISRC "x" AUDIOFILE "a" SWAP #4 0 0:1:0 START SILENCE 5`))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		tc, err := Parse(strings.NewReader(string(src)), "fuzz.toc")
		if err != nil {
			return
		}
		var b strings.Builder
		if err := tc.Format(&b); err != nil {
			t.Fatalf("Format of a parsed TOC: %v", err)
		}
		again, err := Parse(strings.NewReader(b.String()), "again.toc")
		if err != nil {
			t.Fatalf("Parse(Format): %v\n%s", err, b.String())
		}
		if !sameTOC(tc, again) {
			t.Fatalf("Parse(Format(t)) != t\n%s", b.String())
		}
		tc.Validate()
		tc.Layout(func(string) (int64, error) { return 1 << 20, nil })
	})
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
