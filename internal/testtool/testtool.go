// Package testtool is what the interoperability tests of several packages
// share: finding the peer tools (xorriso, isoinfo, cdrdao, ...) they
// compare against. Without a tool a test is skipped, except under CI=true,
// where a missing tool is a failure: a skipped interop test proves
// nothing, and .ci/run installs every tool the tests need.
package testtool

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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

// NeedFile returns path if that file exists, or ends the test as Need
// does; pkg names the Debian package that installs it.
func NeedFile(t testing.TB, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (CI=true: .ci/run must install %s)", path, err, pkg)
		}
		t.Skipf("%s: %v (install %s)", path, err, pkg)
	}
	return path
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

// FakeUnit is a SCSI unit for FakeSysfs: its HCTL (host:channel:target:lun),
// peripheral device type (5 for an optical drive), INQUIRY identity, the
// kernel names of its block device (sr0, sda) and SCSI generic device
// (sg0), either empty when that driver is not bound, and the sysfs
// directory of its host adapter (ata1/host0, virtio1/host2).
type FakeUnit struct {
	HCTL, Type, Vendor, Model, Rev string
	Block, Generic                 string
	Host                           string
}

// FakeSysfs builds in a temporary directory the part of a Linux sysfs tree
// that lists SCSI units and their nodes, as Linux 6.1 lays it out (seen in
// the guests of RunTestInGuest): each unit is a directory named by its
// HCTL, with type, vendor, model and rev files, holding scsi_generic/sgN
// and block/NAME directories whose device links lead back to it, and
// class/scsi_generic/sgN and block/NAME link to those. Blocks lists block
// devices of other buses (vda) whose device is no SCSI unit. It returns
// the root, the stand-in for /sys.
func FakeSysfs(t testing.TB, units []FakeUnit, blocks ...string) string {
	t.Helper()
	sys := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// node makes dir/sub/name with a device link to dir, and the link to
	// it from class.
	node := func(dir, sub, name, class string) {
		nd := filepath.Join(sys, dir, sub, name)
		must(os.MkdirAll(nd, 0o755))
		must(os.Symlink(filepath.Join("..", "..", "..", filepath.Base(dir)), filepath.Join(nd, "device")))
		cd := filepath.Join(sys, class)
		must(os.MkdirAll(cd, 0o755))
		rel, err := filepath.Rel(cd, nd)
		must(err)
		must(os.Symlink(rel, filepath.Join(cd, name)))
	}
	for _, u := range units {
		target := u.HCTL[:strings.LastIndex(u.HCTL, ":")]
		dir := filepath.Join("devices/pci0000:00/0000:00:03.0", u.Host, "target"+target, u.HCTL)
		must(os.MkdirAll(filepath.Join(sys, dir), 0o755))
		for f, v := range map[string]string{"type": u.Type, "vendor": u.Vendor, "model": u.Model, "rev": u.Rev} {
			must(os.WriteFile(filepath.Join(sys, dir, f), []byte(v+"\n"), 0o644))
		}
		if u.Generic != "" {
			node(dir, "scsi_generic", u.Generic, "class/scsi_generic")
		}
		if u.Block != "" {
			node(dir, "block", u.Block, "block")
		}
	}
	for i, b := range blocks {
		dir := filepath.Join("devices/pci0000:00", fmt.Sprintf("0000:00:%02x.0", 5+i), fmt.Sprintf("virtio%d", 5+i))
		must(os.MkdirAll(filepath.Join(sys, dir), 0o755))
		node(dir, "block", b, "block")
	}
	return sys
}

// SyncBuffer is a bytes.Buffer that one goroutine (a child process's
// output copier, a command) writes while the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
