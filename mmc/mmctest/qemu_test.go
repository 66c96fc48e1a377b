//go:build linux

package mmctest

import (
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/scsi/sgio"
)

// qemuQuirks are the declared deviations of QEMU's drives per bus.
var qemuQuirks = map[string][]Quirk{
	"virtio": {NoResidual, NoTrackInfo, NoSerialVPD},
	"ahci":   {NoResidual, NoTrackInfo, NoSerialVPD, LegacyTOCFormat},
}

// TestQEMU runs the suite inside a Linux guest against QEMU's scsi-cd
// (virtio) and ide-cd (AHCI) drives holding an image of random data.
func TestQEMU(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the guest is x86-64")
	}
	harness := testtool.GuestHarness(t)
	dir := t.TempDir()
	img := make([]byte, 500*2048)
	rand.Read(img)
	if err := os.WriteFile(filepath.Join(dir, "disc.img"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(dir, "mmctest.test"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	for _, bus := range []string{"virtio", "ahci"} {
		t.Run(bus, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", harness, "-t", "240", "-B", bus, "-c", filepath.Join(dir, "disc.img"), "-d", dir, "--",
				"MMCTEST_GUEST="+bus+" ./mmctest.test -test.run TestInGuest -test.v")
			out, err := cmd.CombinedOutput()
			t.Logf("guest:\n%s", out)
			if err != nil || !strings.Contains(string(out), "--- PASS: TestInGuest") {
				t.Fatalf("guest: %v\n%s", err, out)
			}
		})
	}
}

// TestInGuest is the suite as the guest runs it on /dev/sr0.
func TestInGuest(t *testing.T) {
	bus := os.Getenv("MMCTEST_GUEST")
	if bus == "" {
		t.Skip("runs inside the guest that TestQEMU starts")
	}
	img, err := os.ReadFile("disc.img")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := sgio.Open("/dev/sr0", &sgio.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	Run(t, dev, Disc{Image: img}, qemuQuirks[bus]...)
}
