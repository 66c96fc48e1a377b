package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/mmc/emu"
)

// TestEmulateServes: spindle emulate serves a pressed disc over iSCSI;
// libiscsi's tools, which we did not write, find an MMC device of the
// image's capacity at the URL it prints, and the command stops cleanly
// when cancelled.
func TestEmulateServes(t *testing.T) {
	inq := testtool.Need(t, "iscsi-inq")
	rc := testtool.Need(t, "iscsi-readcapacity16")
	dir := t.TempDir()
	iso := filepath.Join(dir, "x.iso")
	if err := os.WriteFile(iso, make([]byte, 300*2048), 0o644); err != nil {
		t.Fatal(err)
	}
	root := newRootCmd()
	var out, errb testtool.SyncBuffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"emulate", "--image", iso, "--listen", "127.0.0.1:0", "--log", filepath.Join(dir, "log")})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var url string
	for i := 0; i < 100 && url == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		url = strings.TrimSpace(out.String())
	}
	if !strings.HasPrefix(url, "iscsi://127.0.0.1:") {
		cancel()
		t.Fatalf("no URL printed: %q, %s", url, errb.String())
	}
	b, err := exec.Command(inq, url).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "SPINDLE") || !strings.Contains(string(b), "MMC") {
		t.Errorf("iscsi-inq: %v\n%s", err, b)
	}
	b, err = exec.Command(rc, url).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "LOGICAL BLOCK LENGTH IN BYTES:2048") || !strings.Contains(string(b), "Total size:614400") {
		t.Errorf("iscsi-readcapacity16: %v\n%s", err, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("emulate after cancel: %v", err)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if !bytes.Contains(log, []byte("12 00 00 00")) {
		t.Errorf("command log lacks the INQUIRY:\n%s", log)
	}
}

func TestEmulateRefusesRemoteAndBadInput(t *testing.T) {
	if _, code := runCaptured(t, "emulate", "--media", "cd-r", "--listen", "0.0.0.0:0"); code != exitUsage {
		t.Errorf("non-loopback listen: exit %d", code)
	}
	if _, code := runCaptured(t, "emulate", "--media", "floppy"); code != exitUsage {
		t.Errorf("unknown medium: exit %d", code)
	}
	if _, code := runCaptured(t, "emulate"); code != exitUsage {
		t.Errorf("no medium: exit %d", code)
	}
	dir := t.TempDir()
	if out, code := runCaptured(t, "emulate", "--dir", dir, "--media", "dvd+rw", "--create-only"); code != exitOK || !strings.Contains(out, "dvd+rw") {
		t.Errorf("create-only: %q exit %d", out, code)
	}
	if _, code := runCaptured(t, "emulate", "--dir", dir, "--media", "cd-r", "--create-only"); code != exitUsage {
		t.Errorf("second disc in one dir: exit %d", code)
	}
}

func TestEmulateFaultFlags(t *testing.T) {
	var f emu.Faults
	if err := faultFlags(&f, []string{"10+2"}, []string{"20:3"}, []string{"30"}, []string{"40+5:20ms"}); err != nil {
		t.Fatal(err)
	}
	if len(f.Unreadable) != 1 || f.Unreadable[0].Length != 2 || f.Retry[0].Attempts != 3 || f.C2[0].Start != 30 || f.Slow[0].Delay != 20*time.Millisecond {
		t.Errorf("faults %+v", f)
	}
	for _, bad := range [][4][]string{
		{{"x"}, nil, nil, nil},
		{nil, {"20"}, nil, nil},
		{nil, {"20:1"}, nil, nil},
		{nil, nil, {"-1"}, nil},
		{nil, nil, nil, {"40:forever"}},
	} {
		if err := faultFlags(&emu.Faults{}, bad[0], bad[1], bad[2], bad[3]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestEmulateSheet: a CUE image is served as a pressed CD read in place,
// and refused with --dir.
func TestEmulateSheet(t *testing.T) {
	dir := t.TempDir()
	bin := make([]byte, 300*2352)
	if err := os.WriteFile(filepath.Join(dir, "a.bin"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	cue := filepath.Join(dir, "a.cue")
	if err := os.WriteFile(cue, []byte("FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := emulatedMedium("", "", cue)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if tr := m.Tracks(); len(tr) != 1 || tr[0].Size != 300 || tr[0].Control&4 != 0 {
		t.Errorf("tracks %+v", tr)
	}
	if _, err := emulatedMedium(t.TempDir(), "", cue); err == nil {
		t.Error("--dir with a CUE image accepted")
	}
}
