package mmctest_test

import (
	"os"
	"testing"

	"spindle/mmc/mmctest"
	"spindle/scsi/sgio"
)

// A test that checks a real drive named by SPINDLE_TEST_DEVICE holding a
// disc made from disc.iso, declaring the drive's known deviations.
func Example() {
	_ = func(t *testing.T) {
		img, _ := os.ReadFile("disc.iso")
		dev, err := sgio.Open(os.Getenv("SPINDLE_TEST_DEVICE"), &sgio.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer dev.Close()
		mmctest.Run(t, dev, mmctest.Disc{Image: img}, mmctest.NoResidual)
	}
}
