package iscsi

import (
	"context"
	"crypto/rand"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/scsi"
)

// The interoperability tests run libiscsi's command-line tools (Debian
// package libiscsi-bin), an initiator we did not write, against the
// target: LUN 0 is the test CD-ROM, LUN 1 the memory disk.

func startInteropTarget(t *testing.T) string {
	t.Helper()
	img := make([]byte, 300*cdBlock)
	rand.Read(img)
	tg := newTestTarget(t, &cdrom{image: img}, newMemDisk(8192))
	tg.Log = nil // libiscsi's tests drop connections on purpose; keep the log short
	return startTarget(t, tg)
}

// runTool runs a libiscsi tool with a time limit and returns its output.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	path := testtool.Need(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	t.Logf("%s %s:\n%s", name, strings.Join(args, " "), out)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

func TestLibiscsiTools(t *testing.T) {
	addr := startInteropTarget(t)
	url := "iscsi://" + addr + "/" + testIQN

	t.Run("iscsi-ls", func(t *testing.T) {
		out := runTool(t, "iscsi-ls", "-s", "iscsi://"+addr)
		for _, want := range []string{"Target:" + testIQN, "Lun:0", "Type:MMC", "Lun:1", "Type:DIRECT_ACCESS"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in the output", want)
			}
		}
		out = runTool(t, "iscsi-ls", "--url", "iscsi://"+addr)
		if !strings.Contains(out, url) {
			t.Errorf("no %q in the output", url)
		}
	})
	t.Run("iscsi-inq", func(t *testing.T) {
		out := runTool(t, "iscsi-inq", url+"/0")
		for _, want := range []string{"Peripheral Device Type:MMC", "Removable:1", "Vendor:SPINDLE", "Product:TEST CD-ROM"} {
			if !strings.Contains(strings.ReplaceAll(out, " ", ""), strings.ReplaceAll(want, " ", "")) {
				t.Errorf("no %q in the output", want)
			}
		}
		out = runTool(t, "iscsi-inq", "-e", "1", "-c", "131", url+"/0") // decimal only
		if !strings.Contains(out, "SPINDLE test-cdrom") {
			t.Error("VPD page 83h: designator missing")
		}
	})
	t.Run("iscsi-readcapacity16", func(t *testing.T) {
		out := runTool(t, "iscsi-readcapacity16", url+"/0")
		if !strings.Contains(out, "LOGICAL BLOCK LENGTH IN BYTES:2048") || !strings.Contains(out, "Total size:614400") {
			t.Error("CD-ROM: block size 2048 and 614400 bytes expected")
		}
		out = runTool(t, "iscsi-readcapacity16", url+"/1")
		if !strings.Contains(out, "Total size:4194304") {
			t.Error("disk: 4194304 bytes expected")
		}
	})
}

// TestLibiscsiSuite runs the iSCSI part of libiscsi's conformance suite
// (iscsi-test-cu): command and data numbering, residuals of reads and
// writes, task management.
func TestLibiscsiSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("about half a minute")
	}
	disk := newMemDisk(8192)
	tg := newTestTarget(t, disk)
	addr := startTarget(t, tg)
	out := runToolStatus(t, "iscsi-test-cu", "--test=iSCSI", "--dataloss", "iscsi://"+addr+"/"+testIQN+"/0")
	m := regexp.MustCompile(`(?m)^\s*tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no CUnit run summary")
	}
	if m[4] != "0" {
		t.Errorf("%s of %s tests failed", m[4], m[2])
	}
	if asserts := regexp.MustCompile(`(?m)^\s*asserts\s+\d+\s+\d+\s+\d+\s+(\d+)`).FindStringSubmatch(out); asserts == nil || asserts[1] != "0" {
		t.Errorf("failed asserts: %v", asserts)
	}
	if disk.overlap.Load() {
		t.Error("Do called concurrently")
	}
	var _ scsi.Transport = disk
}

// runToolStatus is runTool for a tool whose exit status reports test
// failures, which the caller reads from the output.
func runToolStatus(t *testing.T, name string, args ...string) string {
	t.Helper()
	path := testtool.Need(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	t.Logf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	if ctx.Err() != nil {
		t.Fatalf("%s: %v", name, ctx.Err())
	}
	return string(out)
}
