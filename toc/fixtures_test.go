package toc

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rejectedFixtures are the corpus files meant to be refused (libcdio's
// bad-*.toc): by Parse with the syntax error at line:col, or by Validate.
var rejectedFixtures = map[string]struct {
	line, col int    // Parse's error position; 0: Parse accepts, Validate refuses
	msg       string // part of the (first) message
}{
	"libcdio/bad-cat1.toc":  {6, 1, "quoted string after CATALOG"},
	"libcdio/bad-cat2.toc":  {4, 9, "quoted string after CATALOG"},
	"libcdio/bad-cat3.toc":  {0, 0, "not 13 digits"},
	"libcdio/bad-file.toc":  {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/bad-mode1.toc": {4, 7, "invalid track mode"},
	"libcdio/bad-msf-1.toc": {6, 21, "frames field 75"},
	"libcdio/bad-msf-2.toc": {6, 19, "seconds field 60"},
	"libcdio/bad-msf-3.toc": {6, 17, "expected a number"},
	// libcdio's own reader accepts FILE and SILENCE in data tracks; cdrdao
	// (and Validate) do not.
	"libcdio/data1.toc":    {0, 0, "SILENCE is only allowed in AUDIO tracks"},
	"libcdio/data2.toc":    {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/data5.toc":    {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/data6.toc":    {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/data7.toc":    {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/isofs-m1.toc": {0, 0, "FILE is only allowed in AUDIO tracks"},
	"libcdio/vcd_demo.toc": {0, 0, "FILE is only allowed in AUDIO tracks"},
}

func TestFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		name := fixtureName(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := Parse(strings.NewReader(string(src)), filepath.Base(path))
			want, bad := rejectedFixtures[name]
			if bad && want.line > 0 {
				var se *SyntaxError
				if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
					t.Fatalf("Parse = %v, want a SyntaxError", err)
				}
				if se.Line != want.line || se.Col != want.col || !strings.Contains(se.Msg, want.msg) {
					t.Fatalf("Parse error %v, want %d:%d: ...%s...", err, want.line, want.col, want.msg)
				}
				if !strings.HasPrefix(err.Error(), filepath.Base(path)+":") {
					t.Errorf("error %q does not start with the file name", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			roundTrip(t, tc)
			errs := tc.Validate()
			switch {
			case bad && len(errs) == 0:
				t.Errorf("Validate accepted it, want %q", want.msg)
			case bad && !strings.Contains(errs[0].Error(), want.msg):
				t.Errorf("Validate: %v, want %q", errs, want.msg)
			case !bad && len(errs) > 0:
				t.Errorf("Validate: %v", errs)
			}
			for _, e := range errs {
				var se *SyntaxError
				if !errors.As(e, &se) || se.Line == 0 {
					t.Errorf("Validate error %v has no line", e)
				}
			}
		})
	}
}

// TestGold checks Layout against cdrdao's testtocs/gold/*.showtoc: the
// output of "cdrdao show-toc -v 9" for each test TOC, which lists each
// track's mode, pre-gap, start, index and end positions.
func TestGold(t *testing.T) {
	golds, _ := filepath.Glob(filepath.Join(testdataDir(t), "cdrdao", "gold", "*.showtoc"))
	if len(golds) == 0 {
		t.Fatal("no gold files")
	}
	for _, gold := range golds {
		base := strings.TrimSuffix(filepath.Base(gold), ".showtoc")
		t.Run(base, func(t *testing.T) {
			want, err := os.ReadFile(gold)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.Join(filepath.Dir(gold), "..", base+".toc"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tc, err := Parse(f, base+".toc")
			if err != nil {
				t.Fatal(err)
			}
			l, err := tc.Layout(nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := showFromLayout(l), parseShowTOC(string(want)); !reflect.DeepEqual(got, want) {
				t.Errorf("layout\n got %+v\nwant %+v", got, want)
			}
			if strings.Contains(string(want), "CATALOG NUMBER: "+tc.Catalog+"\n") != (tc.Catalog != "") {
				t.Errorf("catalog %q not in gold", tc.Catalog)
			}
			if tt, ok := tc.CDText.Get(0, Title); ok && !strings.Contains(string(want), "TITLE \""+tt+"\"") {
				t.Errorf("title %q not in gold", tt)
			}
		})
	}
}
