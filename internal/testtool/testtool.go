// Package testtool is what the interoperability tests of several packages
// share: finding the peer tools (xorriso, isoinfo, cdrdao, ...) they
// compare against. Without a tool a test is skipped, except under CI=true,
// where a missing tool is a failure: a skipped interop test proves
// nothing, and .ci/run installs every tool the tests need.
package testtool

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

// GuestBuses are the two ways run-guest.sh attaches a drive: QEMU's
// scsi-cd on virtio-scsi, and ide-cd on AHCI (ATAPI through libata).
var GuestBuses = []string{"virtio", "ahci"}

// RunTestInGuest builds the calling package's test binary (static) and,
// for each bus, runs its TestInGuest inside a Linux guest whose drive
// holds a fresh image of blocks 2048-byte blocks of random data, copied
// into the guest's working directory as disc.img. The guest test finds
// the bus in the environment variable TESTTOOL_GUEST_BUS.
func RunTestInGuest(t *testing.T, blocks int) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the guest is x86-64")
	}
	harness := GuestHarness(t)
	dir := t.TempDir()
	img := make([]byte, blocks*2048)
	rand.Read(img)
	if err := os.WriteFile(filepath.Join(dir, "disc.img"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(dir, "pkg.test"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	for _, bus := range GuestBuses {
		t.Run(bus, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", harness, "-t", "240", "-B", bus, "-c", filepath.Join(dir, "disc.img"), "-d", dir, "--",
				"TESTTOOL_GUEST_BUS="+bus+" ./pkg.test -test.run TestInGuest -test.v")
			out, err := cmd.CombinedOutput()
			t.Logf("guest:\n%s", out)
			if err != nil || !strings.Contains(string(out), "--- PASS: TestInGuest") {
				t.Fatalf("guest: %v", err)
			}
		})
	}
}

// GuestBus is the bus RunTestInGuest started the guest with; empty when
// not running in such a guest.
func GuestBus() string { return os.Getenv("TESTTOOL_GUEST_BUS") }
