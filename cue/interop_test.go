package cue

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestInteropCDInfo checks that libcdio's cd-info lists the same tracks
// for a sheet we formatted as for the original it was parsed from. cd-info
// reads the image named like the sheet with .bin, so each sheet gets a
// sparse image big enough for all its indexes.
func TestInteropCDInfo(t *testing.T) {
	cdInfo := needTool(t, "cd-info")
	compared := 0
	for _, path := range fixtures(t) {
		name := rel(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(bytes.NewReader(data), name)
		if err != nil {
			continue // rejected fixtures are covered by TestFixtures
		}
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := s.Format(&out); err != nil {
				t.Fatal(err)
			}
			var frames int64
			for _, tr := range s.Tracks {
				for _, x := range tr.Indexes {
					frames = max(frames, int64(x.Pos.Frames()))
				}
			}
			size := (frames + 750) * 2352
			dir := t.TempDir()
			run := func(base string, sheet []byte) []cdInfoTrack {
				cue := filepath.Join(dir, base+".cue")
				if err := os.WriteFile(cue, sheet, 0o644); err != nil {
					t.Fatal(err)
				}
				f, err := os.Create(filepath.Join(dir, base+".bin"))
				if err != nil {
					t.Fatal(err)
				}
				if err := f.Truncate(size); err != nil {
					t.Fatal(err)
				}
				f.Close()
				cmd := exec.Command(cdInfo, "--no-device-info", "--no-header", "--no-analyze", "--quiet", "--cue-file", cue)
				cmd.Dir = dir
				o, _ := cmd.CombinedOutput() // cd-info's exit status is not meaningful here
				return parseCDInfo(o)
			}
			want := run("orig", data)
			if len(want) == 0 {
				t.Skipf("cd-info does not read the original (multi-file sheets are not supported by its BIN/CUE driver)")
			}
			got := run("ours", out.Bytes())
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("cd-info track list\n ours %v\n orig %v\nsheet:\n%s", got, want, out.Bytes())
			}
			if len(s.Files) == 1 {
				// Our own layout of a single-file sheet agrees with cd-info's.
				if mine := trackList(t, s, size); fmt.Sprint(mine) != fmt.Sprint(want) {
					t.Errorf("Extents track list\n ours %v\n cd-info %v", mine, want)
				}
			}
			compared++
		})
	}
	if compared == 0 {
		t.Errorf("cd-info read none of the fixtures")
	}
	t.Logf("%d sheets compared", compared)
}
