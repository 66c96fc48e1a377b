//go:build linux

package mmctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/internal/testtool"
	"spindle/scsi/sgio"
)

// qemuQuirks are the declared deviations of QEMU's drives per bus.
var qemuQuirks = map[string][]Quirk{
	"virtio": {NoResidual, NoTrackInfo, NoSerialVPD, SessionInfoNoTrack, NoSubChannel},
	"ahci":   {NoResidual, NoTrackInfo, NoSerialVPD, SessionInfoNoTrack, LegacyTOCFormat, NoSubChannel},
}

// TestQEMU runs the suite inside a Linux guest against QEMU's scsi-cd
// (virtio) and ide-cd (AHCI) drives holding an image of random data.
func TestQEMU(t *testing.T) { testtool.RunTestInGuest(t, 500) }

// TestInGuest is the suite as the guest runs it on /dev/sr0 and on the
// drive's SCSI generic node.
func TestInGuest(t *testing.T) {
	bus := testtool.GuestBus()
	if bus == "" {
		t.Skip("runs inside the guest that TestQEMU starts")
	}
	img, err := os.ReadFile("disc.img")
	if err != nil {
		t.Fatal(err)
	}
	u, err := sgio.FindUnit("/sys", "/dev/sr0")
	if err != nil || u.Generic == "" {
		t.Fatalf("the SCSI generic node of /dev/sr0: %+v, %v", u, err)
	}
	// The way a real drive is tested, through the environment, with the
	// quirks by name.
	t.Run("SPINDLE_TEST_DEVICE", func(t *testing.T) {
		var names []string
		for _, q := range qemuQuirks[bus] {
			for n, x := range QuirkNames {
				if x == q {
					names = append(names, n)
				}
			}
		}
		t.Setenv("SPINDLE_TEST_DEVICE", "/dev/sr0")
		t.Setenv("SPINDLE_TEST_IMAGE", "disc.img")
		t.Setenv("SPINDLE_TEST_QUIRKS", strings.Join(names, ","))
		TestDevice(t)
	})
	for _, node := range []string{"/dev/sr0", u.Generic} {
		t.Run(filepath.Base(node), func(t *testing.T) {
			dev, err := sgio.Open(node, &sgio.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			Run(t, dev, Disc{Image: img}, qemuQuirks[bus]...)
		})
	}
}
