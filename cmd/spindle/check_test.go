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

// TestCheckRepair: damage in sectors of two files of a sheet is found at
// its sectors; --repair rewrites the files with the sectors the ECC can
// correct and leaves the rest, the result checks clean but for the sector
// beyond repair, and --in-place does the same within the files.
func TestCheckRepair(t *testing.T) {
	dir := t.TempDir()
	var m1, m2 bytes.Buffer
	var sec [cd.RawSectorSize]byte
	for i := 0; i < 40; i++ {
		user := bytes.Repeat([]byte{byte(i), byte(i * 7)}, cd.DataSectorSize/2)
		if err := cd.EncodeSector(&sec, cd.LBA(i), cd.Mode1, user, [4]byte{}); err != nil {
			t.Fatal(err)
		}
		m1.Write(sec[:])
	}
	// The second track, in its own file: Mode 2 Form 1 from LBA 40.
	for i := 0; i < 10; i++ {
		user := bytes.Repeat([]byte{byte(100 + i)}, cd.DataSectorSize)
		if err := cd.EncodeSector(&sec, cd.LBA(40+i), cd.Mode2Form1, user, [4]byte{0, 0, 8, 0}); err != nil {
			t.Fatal(err)
		}
		m2.Write(sec[:])
	}
	good1, good2 := m1.Bytes(), m2.Bytes()
	damage := func() ([]byte, []byte) {
		b1, b2 := bytes.Clone(good1), bytes.Clone(good2)
		b1[5*cd.RawSectorSize+700] ^= 0xFF   // a data byte
		b1[17*cd.RawSectorSize+2064] ^= 0x01 // the EDC
		b1[30*cd.RawSectorSize+12] = 0x77    // the header's minute
		for i := 0; i < 300; i++ {           // beyond the ECC
			b1[33*cd.RawSectorSize+16+7*i] ^= 0x5A
		}
		b2[3*cd.RawSectorSize+1000] ^= 0x10 // a Form 1 data byte
		return b1, b2
	}
	sheet := filepath.Join(dir, "disc.cue")
	os.WriteFile(sheet, []byte("FILE \"one.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n"+
		"FILE \"two.bin\" BINARY\n  TRACK 02 MODE2/2352\n    INDEX 01 00:00:00\n"), 0o644)
	write := func(b1, b2 []byte) {
		os.WriteFile(filepath.Join(dir, "one.bin"), b1, 0o640)
		os.WriteFile(filepath.Join(dir, "two.bin"), b2, 0o640)
	}
	report := func(args ...string) (checkReport, int) {
		t.Helper()
		out, code := runCaptured(t, append([]string{"check", "--json"}, append(args, sheet)...)...)
		var rep checkReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("check %v: %v\n%s", args, err, out)
		}
		return rep, code
	}
	type at struct {
		track      int
		sector     int64
		file       string
		repairable bool
	}
	want := []at{{1, 5, "one.bin", true}, {1, 17, "one.bin", true}, {1, 30, "one.bin", true}, {1, 33, "one.bin", false}, {2, 3, "two.bin", true}}

	write(damage())
	rep, code := report()
	if code != exitProblems || rep.Sectors != 50 || rep.Damaged != 5 || rep.Repairable != 4 || rep.Unrepairable != 1 || len(rep.Problems) != 5 {
		t.Fatalf("check: exit %d, %+v", code, rep)
	}
	for i, w := range want {
		p := rep.Problems[i]
		if p.Track != w.track || p.Sector != w.sector || p.File != w.file || p.Repairable != w.repairable || p.Offset != w.sector*cd.RawSectorSize || p.Repaired != nil {
			t.Errorf("problem %d: %+v, want %+v", i, p, w)
		}
	}
	if p := rep.Problems[4]; p.LBA == 0 {
		t.Errorf("the second track's problem has no address: %+v", p)
	}

	rep, code = report("--repair")
	if code != exitProblems || rep.Repaired != 4 || len(rep.RepairedFiles) != 2 {
		t.Fatalf("check --repair: exit %d, %+v", code, rep)
	}
	for i, w := range want {
		if p := rep.Problems[i]; p.Repaired == nil || *p.Repaired != w.repairable {
			t.Errorf("problem %d: repaired %v, want %v", i, p.Repaired, w.repairable)
		}
	}
	b1, _ := os.ReadFile(filepath.Join(dir, "one.bin"))
	b2, _ := os.ReadFile(filepath.Join(dir, "two.bin"))
	bad1, _ := damage()
	for s := 0; s < 40; s++ {
		got, good := b1[s*cd.RawSectorSize:(s+1)*cd.RawSectorSize], good1[s*cd.RawSectorSize:(s+1)*cd.RawSectorSize]
		if s == 33 {
			good = bad1[s*cd.RawSectorSize : (s+1)*cd.RawSectorSize] // left as it was
		}
		if !bytes.Equal(got, good) {
			t.Errorf("one.bin sector %d after the repair differs", s)
		}
	}
	if !bytes.Equal(b2, good2) {
		t.Error("two.bin is not repaired")
	}
	if fi, err := os.Stat(filepath.Join(dir, "one.bin")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("one.bin after the repair: %v, %v", fi.Mode(), err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
	rep, code = report()
	if code != exitProblems || rep.Damaged != 1 || rep.Problems[0].Sector != 33 {
		t.Errorf("check after the repair: exit %d, %+v", code, rep)
	}

	// Only repairable damage, repaired in place: exit 0, and clean after.
	b1, b2 = damage()
	copy(b1[33*cd.RawSectorSize:], good1[33*cd.RawSectorSize:34*cd.RawSectorSize])
	write(b1, b2)
	out, code := runCaptured(t, "check", "--repair", "--in-place", sheet)
	if code != exitOK || !strings.Contains(out, "repaired (1 bytes)") || !strings.Contains(out, "4 sectors repaired in one.bin, two.bin; 0 left damaged") {
		t.Errorf("check --repair --in-place: exit %d\n%s", code, out)
	}
	b1, _ = os.ReadFile(filepath.Join(dir, "one.bin"))
	b2, _ = os.ReadFile(filepath.Join(dir, "two.bin"))
	if !bytes.Equal(b1, good1) || !bytes.Equal(b2, good2) {
		t.Error("the files repaired in place differ from the originals")
	}
	if out, code := runCaptured(t, "check", sheet); code != exitOK || !strings.Contains(out, "50 data sectors checked: 50 good, 0 damaged") {
		t.Errorf("check after the repair in place: exit %d\n%s", code, out)
	}
	if _, code := runCaptured(t, "check", "--in-place", sheet); code != exitUsage {
		t.Errorf("--in-place without --repair: exit %d", code)
	}
}
