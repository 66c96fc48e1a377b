//go:build linux

package mmctest

import (
	"os"
	"testing"

	"spindle/scsi/sgio"
)

// TestDevice runs the suite against a real drive: SPINDLE_TEST_DEVICE
// names it, SPINDLE_TEST_IMAGE the image the disc in it was made from,
// and SPINDLE_TEST_QUIRKS its declared deviations (comma-separated
// QuirkNames). See the package documentation for how to make the disc.
//
// Hardware cannot be in CI: no CI machine has an optical drive, so there
// this test is skipped, and says why. It is run by hand on a machine with
// a drive; the emulated drive (TestEmu) and QEMU's drives (TestQEMU) are
// what CI checks the suite against.
func TestDevice(t *testing.T) {
	dev, image := os.Getenv("SPINDLE_TEST_DEVICE"), os.Getenv("SPINDLE_TEST_IMAGE")
	if dev == "" || image == "" {
		t.Skip("no real drive to test (CI has none): set SPINDLE_TEST_DEVICE to the drive (/dev/sr0) and " +
			"SPINDLE_TEST_IMAGE to the image the disc in it was made from, and SPINDLE_TEST_QUIRKS to its quirks " +
			"(go doc spindle/mmc/mmctest)")
	}
	quirks, err := ParseQuirks(os.Getenv("SPINDLE_TEST_QUIRKS"))
	if err != nil {
		t.Fatalf("SPINDLE_TEST_QUIRKS: %v", err)
	}
	img, err := os.ReadFile(image)
	if err != nil {
		t.Fatalf("SPINDLE_TEST_IMAGE: %v", err)
	}
	if len(img) == 0 || len(img)%2048 != 0 {
		t.Fatalf("SPINDLE_TEST_IMAGE: %s has %d bytes, not a whole number of 2048-byte blocks", image, len(img))
	}
	d, err := sgio.Open(dev, &sgio.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("SPINDLE_TEST_DEVICE: %v", err)
	}
	defer d.Close()
	t.Logf("%s holding a disc made from %s (%d blocks), quirks %q", dev, image, len(img)/2048, quirks)
	Run(t, d, Disc{Image: img}, quirks...)
}
