//go:build linux

package mmctest

import (
	"os"
	"testing"

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
func TestQEMU(t *testing.T) { testtool.RunTestInGuest(t, 500) }

// TestInGuest is the suite as the guest runs it on /dev/sr0.
func TestInGuest(t *testing.T) {
	bus := testtool.GuestBus()
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
