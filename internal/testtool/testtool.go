// Package testtool is what the interoperability tests of several packages
// share: finding the peer tools (xorriso, isoinfo, cdrdao, ...) they
// compare against. Without a tool a test is skipped, except under CI=true,
// where a missing tool is a failure: a skipped interop test proves
// nothing, and .ci/run installs every tool the tests need.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need returns the path of the program name, or ends the test: skipped
// normally, failed under CI=true.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (CI=true: .ci/run must install it)", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// GuestHarness returns the path of run-guest.sh, the harness that boots a
// Linux guest with emulated drives (it lives in the shared tools beside the
// checkout), with qemu-system-x86_64 needed. Without them the test is
// skipped, except under CI=true.
func GuestHarness(t testing.TB) string {
	t.Helper()
	Need(t, "qemu-system-x86_64")
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory: cannot locate run-guest.sh")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "tools", "qemu-drive", "run-guest.sh")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("run-guest.sh: %v", err)
		}
		t.Skipf("run-guest.sh: %v", err)
	}
	return p
}
