package boottest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSerialImageLayout(t *testing.T) {
	img := SerialImage("hello")
	if len(img) != ImageSize {
		t.Fatalf("len = %d, want %d", len(img), ImageSize)
	}
	// Byte 0 must jump to codeStart so that -boot-info-table (bytes 8..63)
	// cannot hit code: EB rel8 with rel8 = 64 - 2.
	if img[0] != 0xEB || int(img[1])+2 != codeStart {
		t.Fatalf("bytes 0-1 = % X, want EB %02X", img[:2], codeStart-2)
	}
	if !bytes.Equal(img[2:codeStart], make([]byte, codeStart-2)) {
		t.Errorf("bytes 2..63 not zero: % X", img[2:codeStart])
	}
	if !bytes.Contains(img, []byte("hello\r\n\x00")) {
		t.Errorf("message not found in image")
	}
	t.Logf("listing:\n%s", assemble("hello").listing())
}

func TestSerialImagePanics(t *testing.T) {
	for name, msg := range map[string]string{
		"nul":      "a\x00b",
		"too long": strings.Repeat("x", ImageSize),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("SerialImage(%q...) did not panic", msg[:3])
				}
			}()
			SerialImage(msg)
		})
	}
	// The longest message that fits must not panic: the empty message
	// leaves ImageSize-len(code)-3 bytes ("\r\n\x00") of room.
	code := bytes.Index(SerialImage(""), []byte("\r\n\x00"))
	longest := strings.Repeat("x", ImageSize-code-3)
	if img := SerialImage(longest); len(img) != ImageSize {
		t.Errorf("longest message: len = %d", len(img))
	}
}

// TestEntryPoints runs the image in a small 8086 interpreter (emu_test.go)
// entered both ways a BIOS may enter it, and after boot info table patching.
func TestEntryPoints(t *testing.T) {
	const msg = "entry point test"
	for _, tc := range []struct {
		name   string
		cs, ip uint16
		patch  bool
	}{
		{"0000:7C00", 0x0000, 0x7C00, false},
		{"07C0:0000", 0x07C0, 0x0000, false},
		{"1000:0000", 0x1000, 0x0000, false},
		{"07C0:0000 patched", 0x07C0, 0x0000, true},
		{"0000:7C00 patched", 0x0000, 0x7C00, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := SerialImage(msg)
			if tc.patch {
				for i := 8; i < 64; i++ {
					img[i] = byte(0xA5 ^ i) // arbitrary table contents
				}
			}
			m := newMachine(img, tc.cs, tc.ip)
			if err := m.run(100000); err != nil {
				t.Fatal(err)
			}
			if got, want := m.serial.String(), msg+"\r\n"; got != want {
				t.Errorf("serial = %q, want %q", got, want)
			}
			if !m.exited || m.exitValue != ExitValue {
				t.Errorf("exit: wrote=%v value=%#x, want %#x", m.exited, m.exitValue, ExitValue)
			}
			if m.baudDivisor != divisor || m.lcr != lcr8N1 {
				t.Errorf("UART divisor=%d lcr=%#x, want %d, %#x", m.baudDivisor, m.lcr, divisor, lcr8N1)
			}
		})
	}
}

// requireTools returns the paths of the named programs. A missing program
// skips the test on a developer machine but fails it under CI=true, where
// the tools are part of the contract.
func requireTools(t *testing.T, names ...string) []string {
	t.Helper()
	var paths []string
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found (required under CI=true): %v", n, err)
			}
			t.Skipf("%s not found: %v", n, err)
		}
		paths = append(paths, p)
	}
	return paths
}

// kvmUsable reports whether /dev/kvm can be opened for reading and writing.
// BOOTTEST_NO_KVM=1 forces plain TCG emulation, to check the no-KVM path.
func kvmUsable() bool {
	if os.Getenv("BOOTTEST_NO_KVM") == "1" {
		return false
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

func TestBootsUnderQEMU(t *testing.T) {
	tools := requireTools(t, "xorriso", "qemu-system-x86_64")
	xorriso, qemu := tools[0], tools[1]

	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"boot-info-table", []string{"-boot-load-size", strconv.Itoa(LoadSectors), "-boot-info-table"}},
		{"plain", []string{"-boot-load-size", strconv.Itoa(LoadSectors)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := "spindle boottest " + tc.name
			dir := t.TempDir()
			root := filepath.Join(dir, "root")
			if err := os.Mkdir(root, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "boot.img"), SerialImage(msg), 0o644); err != nil {
				t.Fatal(err)
			}
			iso := filepath.Join(dir, "x.iso")

			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()

			args := append([]string{"-as", "mkisofs", "-o", iso, "-b", "boot.img", "-no-emul-boot"}, tc.extra...)
			args = append(args, root)
			if out, err := exec.CommandContext(ctx, xorriso, args...).CombinedOutput(); err != nil {
				t.Fatalf("xorriso %v: %v\n%s", args, err, out)
			}

			qargs := []string{
				"-nodefaults", "-display", "none", "-serial", "stdio",
				"-cdrom", iso,
				"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
				"-no-reboot", "-m", "64",
			}
			if kvmUsable() {
				// A second -accel is QEMU's fallback if KVM fails to start.
				qargs = append(qargs, "-accel", "kvm", "-accel", "tcg")
			}
			qctx, qcancel := context.WithTimeout(ctx, 60*time.Second)
			defer qcancel()
			cmd := exec.CommandContext(qctx, qemu, qargs...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = 5 * time.Second
			start := time.Now()
			err := cmd.Run()
			t.Logf("qemu ran %v; serial output %q", time.Since(start).Round(time.Millisecond), stdout.String())
			if qctx.Err() != nil {
				t.Fatalf("qemu timed out; stderr:\n%s", stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != QEMUExitStatus {
				t.Errorf("qemu exit = %v, want status %d (guest wrote %#x to isa-debug-exit); stderr:\n%s",
					err, QEMUExitStatus, ExitValue, stderr.String())
			}
			if !strings.Contains(stdout.String(), msg+"\r\n") {
				t.Errorf("serial output %q lacks %q", stdout.String(), msg+"\r\n")
			}
		})
	}
}
