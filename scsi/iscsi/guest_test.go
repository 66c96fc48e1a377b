//go:build linux

package iscsi

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/scsi"
)

// TestGuestCDROM serves the test CD-ROM to a Linux guest through QEMU's
// iSCSI driver (run-guest.sh -g, which attaches it as scsi-generic on
// virtio-scsi): the guest's kernel must take it for a CD-ROM drive (sr
// binds) and read back the image through /dev/sr0. Then a command that
// takes 20 s (sg_raw of a vendor command) must end well without QEMU
// reconnecting: libiscsi pings every 5 s and reconnects after three
// unanswered pings, so the target has to answer them while it runs.
func TestGuestCDROM(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a guest")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the guest is x86-64")
	}
	harness := testtool.ISCSIGuestHarness(t)
	sgRaw := testtool.Need(t, "sg_raw")

	const blocks, read = 1200, 1000
	img := make([]byte, blocks*cdBlock)
	rand.Read(img)
	sum := md5.Sum(img[:read*cdBlock])
	want := hex.EncodeToString(sum[:])

	var reads, commands atomic.Int64
	var logins atomic.Int64
	text := TextLog(testWriter{t}, LevelInfo)
	tg := &Target{
		Name: testIQN,
		LUNs: []scsi.Transport{&cdrom{image: img, slow: 20 * time.Second}},
		Log: func(level Level, msg string, kv ...any) {
			if msg == "iscsi: logged in" {
				logins.Add(1)
			}
			text(level, msg, kv...)
		},
		Trace: func(_ int, c *scsi.Command, res scsi.Result, err error) {
			commands.Add(1)
			if (c.CDB[0] == 0x28 || c.CDB[0] == 0xa8) && res.Status == scsi.StatusGood {
				reads.Add(1)
			}
		},
	}
	url := tg.URL(startTarget(t, tg), 0)

	script := strings.Join([]string{
		"ls /sys/block",
		"echo type=$(cat /sys/block/sr0/device/type)",
		"echo model=$(cat /sys/block/sr0/device/vendor) $(cat /sys/block/sr0/device/model)",
		"dmesg | grep -iE 'sr0|cd-rom|cdrom' || true",
		fmt.Sprintf("echo md5=$(dd if=/dev/sr0 bs=2048 count=%d 2>/dev/null | md5sum)", read),
		"sg_raw -t 60 /dev/sg0 c1 00 00 00 00 00 && echo slow=ok",
	}, "; ")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", harness, "-t", "240", "-g", url, "-b", sgRaw, "--", script).CombinedOutput()
	t.Logf("guest:\n%s", out)
	if err != nil {
		t.Fatalf("run-guest.sh: %v", err)
	}
	if !regexp.MustCompile(`(?m)^type=5$`).Match(out) {
		t.Error("the guest did not see a CD-ROM (SCSI type 5) as sr0")
	}
	if !strings.Contains(string(out), "model=SPINDLE TEST CD-ROM") {
		t.Error("sr0 is not the served drive")
	}
	m := regexp.MustCompile(`md5=([0-9a-f]{32})`).FindSubmatch(out)
	if m == nil || string(m[1]) != want {
		t.Errorf("md5 of the first %d blocks read in the guest: %q, want %s", read, m, want)
	}
	t.Logf("%d commands, %d successful READs served", commands.Load(), reads.Load())
	if reads.Load() == 0 {
		t.Error("no READ reached the target")
	}
	if !strings.Contains(string(out), "slow=ok") {
		t.Error("the 20 s command failed in the guest")
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins: QEMU reconnected", n)
	}
}
