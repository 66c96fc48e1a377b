//go:build linux

package emu_test

import (
	"os"
	"testing"

	"spindle/mmc/mmctest"
	"spindle/scsi/sgio"
)

// TestInGuest is the conformance suite as the guest of
// TestGuestConformance runs it: on /dev/sr0, which is the emulated drive
// reached through the guest kernel, QEMU's scsi-generic pass-through and
// iSCSI. The one declared deviation is the transport's, not the
// emulator's: QEMU's iSCSI pass-through reports no residual.
func TestInGuest(t *testing.T) {
	if os.Getenv("SPINDLE_EMU_GUEST") == "" {
		t.Skip("runs inside the guest that TestGuestConformance starts")
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
	mmctest.Run(t, dev, mmctest.Disc{Image: img}, mmctest.NoResidual)
}
