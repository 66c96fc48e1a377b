package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
)

// TestDrivesInGuest runs spindle drives and disc-info inside a Linux guest
// against QEMU's emulated drives (virtio scsi-cd and AHCI ide-cd) holding
// the sample image, and compares with cd-info in the same guest: the same
// identity, track list and lead-out.
func TestDrivesInGuest(t *testing.T) {
	cdInfo := testtool.Need(t, "cd-info")
	sgInq := testtool.Need(t, "sg_inq")
	sgReadcap := testtool.Need(t, "sg_readcap")
	harness := testtool.GuestHarness(t)
	dir := t.TempDir()
	img := filepath.Join(dir, "sample.iso")
	if code := run(context.Background(), []string{"master", "--sample", "-q", "-o", img}); code != 0 {
		t.Fatalf("master: exit %d", code)
	}
	fi, _ := os.Stat(img)
	blocks := fi.Size() / 2048
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "spindle"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, bus := range []string{"virtio", "ahci"} {
		t.Run(bus, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			script := `./spindle drives --json; echo '=== disc-info'; ./spindle disc-info --json; echo '=== cd-info'; cd-info --no-cddb --no-header /dev/sr0; echo '=== sg_inq'; sg_inq /dev/sr0; echo '=== sg_readcap'; sg_readcap /dev/sr0; echo '=== end'`
			cmd := exec.CommandContext(ctx, "bash", harness, "-t", "240", "-B", bus, "-c", img, "-d", bin, "-b", cdInfo, "-b", sgInq, "-b", sgReadcap, "--", script)
			raw, err := cmd.CombinedOutput()
			out := string(raw)
			if err != nil {
				t.Fatalf("guest: %v\n%s", err, out)
			}
			t.Logf("guest:\n%s", out)
			drivesJSON, rest, ok := strings.Cut(out, "=== disc-info")
			infoJSON, cdi, ok2 := strings.Cut(rest, "=== cd-info")
			if !ok || !ok2 {
				t.Fatalf("guest output:\n%s", out)
			}
			var drives []driveJSON
			if err := json.Unmarshal([]byte(drivesJSON[strings.Index(drivesJSON, "["):]), &drives); err != nil {
				t.Fatalf("drives: %v\n%s", err, drivesJSON)
			}
			if len(drives) != 1 || drives[0].Path != "/dev/sr0" || drives[0].Vendor != "QEMU" || !drives[0].Disc {
				t.Errorf("drives: %+v", drives)
			}
			var info discInfoJSON
			if err := json.Unmarshal([]byte(infoJSON[strings.Index(infoJSON, "{"):]), &info); err != nil {
				t.Fatalf("disc-info: %v\n%s", err, infoJSON)
			}
			if info.Blocks != blocks || len(info.Tracks) != 1 || info.Tracks[0].Start != 0 || info.Class != "data" || int64(info.LeadOut) != blocks {
				t.Errorf("disc-info: %+v; the image has %d blocks", info, blocks)
			}
			// cd-info: "  1: 00:02:00  000000 data ..." and "170: ... LSN leadout".
			m := regexp.MustCompile(`(?m)^\s*170: \S+\s+0*(\d+) leadout`).FindStringSubmatch(cdi)
			if m == nil {
				t.Fatalf("cd-info lists no lead-out:\n%s", cdi)
			}
			if lo, _ := strconv.Atoi(m[1]); int32(lo) != info.LeadOut {
				t.Errorf("lead-out: cd-info %d, spindle %d", lo, info.LeadOut)
			}
			if !regexp.MustCompile(`(?m)^\s*1: 00:02:00\s+000000 data`).MatchString(cdi) {
				t.Errorf("cd-info's track 1 differs from spindle's (data at 0):\n%s", cdi)
			}
			// sg3_utils: the same identity and capacity.
			inq := regexp.MustCompile(`(?m)Vendor identification: (.*)\n\s*Product identification: (.*)\n\s*Product revision level: (.*)`).FindStringSubmatch(cdi)
			if inq == nil || strings.TrimSpace(inq[1]) != drives[0].Vendor || strings.TrimSpace(inq[2]) != drives[0].Product || strings.TrimSpace(inq[3]) != drives[0].Revision {
				t.Errorf("sg_inq identity %q, spindle %+v", inq, drives[0])
			}
			rc := regexp.MustCompile(`Last LBA=(\d+)`).FindStringSubmatch(cdi)
			if rc == nil {
				t.Fatalf("sg_readcap printed no last LBA:\n%s", cdi)
			}
			if last, _ := strconv.ParseInt(rc[1], 10, 64); last+1 != info.Blocks {
				t.Errorf("sg_readcap: last LBA %d; spindle: %d blocks", last, info.Blocks)
			}
		})
	}
}
