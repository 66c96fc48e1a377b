package cue

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixtureRoot is the shared test data, checked out beside the repository.
const fixtureRoot = "../../shared/testdata/cuetoc"

// fixtures returns the .cue files of the shared test data, skipping the
// test when they are absent (but failing in CI, where they must be).
func fixtures(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(fixtureRoot, "*", "*.cue"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no CUE fixtures under %s", fixtureRoot)
		}
		t.Skipf("no CUE fixtures under %s", fixtureRoot)
	}
	return files
}

// needTool skips the test when the peer tool is missing, except under
// CI=true where a missing tool is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// stripPos clears the parse positions and the name so that sheets parsed
// from different text can be compared.
func stripPos(s *Sheet) *Sheet {
	c := *s
	c.Name, c.CatalogPos = "", Pos{}
	c.Rems = stripRems(s.Rems)
	c.Files = append([]File(nil), s.Files...)
	for i := range c.Files {
		c.Files[i].Pos = Pos{}
		c.Files[i].Rems = stripRems(c.Files[i].Rems)
	}
	c.Tracks = append([]Track(nil), s.Tracks...)
	for i := range c.Tracks {
		t := &c.Tracks[i]
		t.Pos, t.FlagsPos, t.ISRCPos, t.PregapPos, t.PostgapPos = Pos{}, Pos{}, Pos{}, Pos{}, Pos{}
		t.Rems = stripRems(t.Rems)
		t.SessionRems = stripRems(t.SessionRems)
		t.Indexes = append([]Index(nil), t.Indexes...)
		for j := range t.Indexes {
			t.Indexes[j].At = Pos{}
		}
	}
	return &c
}

func stripRems(rs []Rem) []Rem {
	if rs == nil {
		return nil
	}
	out := append([]Rem(nil), rs...)
	for i := range out {
		out[i].Pos = Pos{}
	}
	return out
}

// roundTrip formats s, parses the result with the same options, and
// checks that the sheets are equal and that formatting again gives the
// same bytes. It returns the formatted text.
func roundTrip(t testing.TB, o Options, s *Sheet) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := s.Format(&out); err != nil {
		t.Fatalf("Format: %v", err)
	}
	s2, err := o.Parse(bytes.NewReader(out.Bytes()), s.Name)
	if err != nil {
		t.Fatalf("parsing formatted sheet: %v\n%s", err, out.Bytes())
	}
	if a, b := stripPos(s), stripPos(s2); !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the sheet:\nbefore %+v\nafter  %+v\ntext:\n%s", a, b, out.Bytes())
	}
	var again bytes.Buffer
	if err := s2.Format(&again); err != nil {
		t.Fatalf("Format again: %v", err)
	}
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Fatalf("Format not stable:\n%s\n---\n%s", out.Bytes(), again.Bytes())
	}
	return out.Bytes()
}

func mustParse(t testing.TB, text string) *Sheet {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "test.cue")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}
