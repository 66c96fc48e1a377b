package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"spindle/internal/testtool"
	"spindle/toc"
)

// TestConvertCorpus converts real TOC files (cdrdao read-toc output from
// whipper's tests, cdrdao's own test TOCs) to CUE sheets and back, over
// data files of exactly the size the TOC needs, and has cdrdao lay out the
// original and the round trip: the same tracks, pre-gaps, indexes, flags,
// ISRCs and catalog. TOCs a sheet cannot describe over their files (tracks
// of generated silence only) are converted with --bin instead.
func TestConvertCorpus(t *testing.T) {
	cdrdao := testtool.Need(t, "cdrdao")
	var tocs []string
	for _, d := range []string{"whipper", "cdrdao"} {
		m, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "cuetoc", d, "*.toc"))
		tocs = append(tocs, m...)
	}
	if len(tocs) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no TOC fixtures")
		}
		t.Skip("no TOC fixtures")
	}
	compared := 0
	for _, src := range tocs {
		name := strings.TrimSuffix(filepath.Base(src), ".toc")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := toc.Parse(bytes.NewReader(b), src)
			if err != nil || len(tc.Validate()) > 0 {
				t.Skipf("not a valid TOC for cdrdao (%v): the toc package's own tests cover it", err)
			}
			dir := t.TempDir()
			// Data files of exactly the size the TOC reads.
			lay, err := tc.Layout(func(string) (int64, error) { return 1 << 40, nil })
			if err != nil {
				t.Skipf("layout needs the real files: %v", err)
			}
			need := map[string]int64{}
			for _, tr := range lay.Tracks {
				for _, e := range tr.Extents {
					if e.File != "" {
						need[e.File] = max(need[e.File], e.Offset+e.Size)
					}
				}
			}
			for f, n := range need {
				p := filepath.Join(dir, f)
				if strings.Contains(f, "/") {
					t.Skipf("%s: data files in other directories", f)
				}
				var head []byte
				if strings.HasSuffix(strings.ToLower(f), ".wav") {
					// A WAVE file: the header, then the samples the TOC reads.
					var h bytes.Buffer
					writeWAVHeader(&h, n)
					head = h.Bytes()
				}
				if err := os.WriteFile(p, head, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(p, int64(len(head))+n); err != nil {
					t.Fatal(err)
				}
			}
			os.WriteFile(filepath.Join(dir, "orig.toc"), b, 0o644)
			chdir(t, dir)
			out, code := runCaptured(t, "convert", "orig.toc", "out.cue")
			if code != exitOK {
				if _, code := runCaptured(t, "convert", "--bin", "out.bin", "orig.toc", "out.cue"); code != exitOK {
					t.Fatalf("convert and convert --bin fail: %s", out)
				}
			}
			if _, code := runCaptured(t, "convert", "out.cue", "back.toc"); code != exitOK {
				t.Fatal("convert back fails")
			}
			show := func(f string) string {
				o, err := exec.Command(cdrdao, "show-toc", f).CombinedOutput()
				if err != nil && f == "orig.toc" {
					t.Skipf("cdrdao does not take the original: %v\n%s", err, o)
				}
				if err != nil {
					t.Fatalf("cdrdao show-toc %s: %v\n%s", f, err, o)
				}
				var keep []string
				for _, l := range strings.Split(string(o), "\n") {
					// The data file names and the version banner differ, and
					// a data track written out with --bin is raw sectors of
					// the same mode (MODE1 becomes MODE1_RAW).
					if strings.Contains(l, "Cdrdao version") || strings.Contains(l, "FILE") || strings.Contains(l, "TOC TYPE") {
						continue
					}
					if i := strings.Index(l, "Mode MODE"); i >= 0 {
						l = strings.ReplaceAll(l[:i+9], "_RAW", "")
					}
					keep = append(keep, l)
				}
				return strings.Join(keep, "\n")
			}
			want, got := show("orig.toc"), show("back.toc")
			if got != want {
				t.Errorf("cdrdao lays out the round trip differently:\n--- original\n%s\n--- through the CUE sheet\n%s", want, got)
			}
			compared++
		})
	}
	t.Logf("%d of %d TOC files compared through cdrdao", compared, len(tocs))
}
