package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/cd"
)

// runCaptured runs one command line in process and returns its standard
// output and exit status.
func runCaptured(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	ctx := context.Background()
	if err := root.ExecuteContext(ctx); err != nil {
		return out.String(), exitCode(ctx, err)
	}
	return out.String(), exitOK
}

// TestCheck: a raw Mode 1 image (libcdio's, and one we encode) checks
// clean; single damaged bytes anywhere in a sector are reported at that
// sector, as repairable, and a wrong address as a header fault.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	// Our own image: 40 Mode 1 sectors from LBA 0.
	var bin bytes.Buffer
	var sec [cd.RawSectorSize]byte
	for i := 0; i < 40; i++ {
		user := bytes.Repeat([]byte{byte(i * 3)}, cd.DataSectorSize)
		if err := cd.EncodeSector(&sec, cd.LBA(i), cd.Mode1, user, [4]byte{}); err != nil {
			t.Fatal(err)
		}
		bin.Write(sec[:])
	}
	good := filepath.Join(dir, "good.bin")
	os.WriteFile(good, bin.Bytes(), 0o644)
	cueText := "FILE \"GOOD.BIN\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n"
	os.WriteFile(filepath.Join(dir, "good.cue"), []byte(cueText), 0o644)
	for _, name := range []string{good, filepath.Join(dir, "good.cue")} {
		out, code := runCaptured(t, "check", name)
		if code != exitOK || !strings.Contains(out, "40 data sectors checked: 40 good, 0 damaged") {
			t.Errorf("check %s: exit %d\n%s", name, code, out)
		}
	}
	// Damage: a data byte of sector 5, the EDC of sector 17, a header
	// address byte of sector 30.
	b := bin.Bytes()
	b[5*cd.RawSectorSize+700] ^= 0xFF
	b[17*cd.RawSectorSize+2064] ^= 0x01
	b[30*cd.RawSectorSize+12] = 0x77
	bad := filepath.Join(dir, "bad.bin")
	os.WriteFile(bad, b, 0o644)
	out, code := runCaptured(t, "check", "--json", bad)
	if code != exitProblems {
		t.Fatalf("check of a damaged image: exit %d", code)
	}
	var rep checkReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Sectors != 40 || rep.Damaged != 3 || rep.Repairable != 3 || len(rep.Problems) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	for i, want := range []int64{5, 17, 30} {
		if p := rep.Problems[i]; p.Sector != want || p.Offset != want*cd.RawSectorSize || !p.Repairable {
			t.Errorf("problem %d: %+v, want sector %d", i, p, want)
		}
	}
	if !strings.Contains(rep.Problems[2].What, "header") {
		t.Errorf("address damage reported as %q", rep.Problems[2].What)
	}

	// libcdio's raw Mode 1 test image.
	fx := filepath.Join("..", "..", "..", "shared", "testdata", "cuetoc", "libcdio", "isofs-m1.bin")
	if _, err := os.Stat(fx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixture: %v", err)
		}
		t.Skipf("fixture: %v", err)
	}
	out, code = runCaptured(t, "check", fx)
	if code != exitOK || !strings.Contains(out, "302 data sectors checked: 302 good") {
		t.Errorf("check %s: exit %d\n%s", fx, code, out)
	}
}
