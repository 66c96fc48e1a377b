package testtool

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// ISCSIGuestHarness returns the path of run-guest.sh, as GuestHarness
// does, for a test that attaches an iSCSI logical unit to the guest
// (run-guest.sh -g iscsi://...). That also needs QEMU's iSCSI block driver
// (libiscsi), which Debian ships in qemu-block-extra. Without it the test
// is skipped, except under CI=true.
func ISCSIGuestHarness(t testing.TB) string {
	t.Helper()
	harness := GuestHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Opening the drive fails either way, as nothing listens on port 1;
	// the message tells whether QEMU knows the protocol.
	out, _ := exec.CommandContext(ctx, "qemu-system-x86_64", "-nodefaults", "-machine", "none", "-display", "none",
		"-drive", "file=iscsi://127.0.0.1:1/iqn.2000-01.invalid:probe/0,if=none,format=raw").CombinedOutput()
	if strings.Contains(string(out), "Unknown protocol") {
		missing(t, "QEMU has no iSCSI block driver (Debian package qemu-block-extra): %s", strings.TrimSpace(string(out)))
	}
	return harness
}

// missing ends a test whose tool is not there: skipped normally, failed
// under CI=true.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (CI=true: .ci/run must install it)", args...)
	}
	t.Skipf(format, args...)
}
