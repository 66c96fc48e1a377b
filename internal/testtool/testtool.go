// Package testtool is what the interoperability tests of several packages
// share: finding the peer tools (xorriso, isoinfo, cdrdao, ...) they
// compare against. Without a tool a test is skipped, except under CI=true,
// where a missing tool is a failure: a skipped interop test proves
// nothing, and .ci/run installs every tool the tests need.
package testtool

import (
	"os"
	"os/exec"
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
