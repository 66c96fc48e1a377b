package toc

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testdataDir is the shared corpus of CUE sheets and TOC files from other
// projects, checked out beside the repository.
func testdataDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "testdata", "cuetoc")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data missing: %v", err)
		}
		t.Skipf("shared test data missing: %v", err)
	}
	return dir
}

// fixtures returns every .toc file of the shared corpus.
func fixtures(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(testdataDir(t), "*", "*.toc"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no TOC fixtures: %v", err)
	}
	return files
}

// fixtureName is the corpus-relative name, e.g. "libcdio/t1.toc".
func fixtureName(path string) string {
	return filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
}

// stripPos returns a copy of t without positions (and file name), for
// comparing parses of different texts.
func stripPos(t *TOC) *TOC {
	c := *t
	c.name, c.catalogPos, c.firstTrackPos = "", Pos{}, Pos{}
	c.CDText = stripCDText(t.CDText)
	c.Tracks = nil
	for _, tr := range t.Tracks {
		tr.Pos, tr.PregapPos, tr.isrcPos = Pos{}, Pos{}, Pos{}
		tr.CDText = stripCDText(tr.CDText)
		items := make([]Item, len(tr.Items))
		for i, it := range tr.Items {
			it.Pos = Pos{}
			items[i] = it
		}
		tr.Items = items
		idx := make([]Index, len(tr.Indexes))
		for i, x := range tr.Indexes {
			x.Pos = Pos{}
			idx[i] = x
		}
		if len(idx) == 0 {
			idx = nil
		}
		tr.Indexes = idx
		c.Tracks = append(c.Tracks, tr)
	}
	return &c
}

func stripCDText(c *CDText) *CDText {
	if c == nil {
		return nil
	}
	d := &CDText{}
	for _, m := range c.LanguageMap {
		m.Pos = Pos{}
		d.LanguageMap = append(d.LanguageMap, m)
	}
	for _, l := range c.Languages {
		l.Pos = Pos{}
		items := l.Items
		l.Items = nil
		for _, it := range items {
			it.Pos = Pos{}
			l.Items = append(l.Items, it)
		}
		d.Languages = append(d.Languages, l)
	}
	return d
}

func sameTOC(a, b *TOC) bool { return reflect.DeepEqual(stripPos(a), stripPos(b)) }

// roundTrip formats t, parses the result and checks it equals t and that
// formatting again gives the same text.
func roundTrip(t *testing.T, tc *TOC) string {
	t.Helper()
	var b strings.Builder
	if err := tc.Format(&b); err != nil {
		t.Fatalf("Format: %v", err)
	}
	out := b.String()
	again, err := Parse(strings.NewReader(out), "formatted")
	if err != nil {
		t.Fatalf("Parse(Format): %v\n%s", err, out)
	}
	if !sameTOC(tc, again) {
		t.Fatalf("Parse(Format(t)) != t\nformatted:\n%s\ngot:  %+v\nwant: %+v", out, stripPos(again), stripPos(tc))
	}
	var b2 strings.Builder
	if err := again.Format(&b2); err != nil {
		t.Fatalf("Format again: %v", err)
	}
	if b2.String() != out {
		t.Fatalf("Format not stable:\n%s\n---\n%s", out, b2.String())
	}
	return out
}

// showTrack is one track of cdrdao show-toc's output, in blocks from the
// start of the first track.
type showTrack struct {
	mode               string
	pregap, start, end int64
	indexes            []int64
}

var (
	reShowTrack = regexp.MustCompile(`^TRACK\s+\d+\s+Mode (.+):$`)
	reShowPos   = regexp.MustCompile(`^\s+(PREGAP|START|END\*?|INDEX\s+\d+)\s+\d+:\d+:\d+\(\s*(\d+)\)$`)
)

// parseShowTOC reads the track layout from cdrdao show-toc output.
func parseShowTOC(s string) []showTrack {
	var tracks []showTrack
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := sc.Text()
		if m := reShowTrack.FindStringSubmatch(line); m != nil {
			tracks = append(tracks, showTrack{mode: m[1]})
			continue
		}
		m := reShowPos.FindStringSubmatch(line)
		if m == nil || len(tracks) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(m[2], 10, 64)
		tr := &tracks[len(tracks)-1]
		switch {
		case m[1] == "PREGAP":
			tr.pregap = n
		case m[1] == "START":
			tr.start = n
		case strings.HasPrefix(m[1], "END"): // END* when the length came from a file
			tr.end = n
		default:
			tr.indexes = append(tr.indexes, n)
		}
	}
	return tracks
}

// showFromLayout renders a Layout the way parseShowTOC reads show-toc.
func showFromLayout(l *Layout) []showTrack {
	var out []showTrack
	for _, tl := range l.Tracks {
		mode := string(tl.Mode)
		if tl.SubChannel != "" {
			mode += " " + string(tl.SubChannel)
		}
		st := showTrack{mode: mode, pregap: int64(tl.Pregap),
			start: int64(tl.Start + tl.Pregap), end: int64(tl.Start + tl.Length)}
		for _, x := range tl.Indexes {
			st.indexes = append(st.indexes, int64(tl.Start+tl.Pregap+x))
		}
		out = append(out, st)
	}
	return out
}
