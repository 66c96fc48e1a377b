//go:build linux

package sgio

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"spindle/internal/testtool"
)

// fakeSysfs is a sysfs tree with these units:
//
//	0:0:0:0   CD-ROM (type 5), sr0 and sg0 (AHCI; ATAPI through libata)
//	1:0:0:0   disk (type 0), sda and sg1
//	10:0:0:0  CD-ROM without the sr driver: sg2 only
//	2:0:1:0   CD-ROM, sr1 and sg3 (numbers that do not match)
//	vda       a virtio disk: not a SCSI unit
//	sg9       a stale class entry whose device is gone
func fakeSysfs(t *testing.T) string {
	t.Helper()
	sys := testtool.FakeSysfs(t, []testtool.FakeUnit{
		{HCTL: "0:0:0:0", Type: "5", Vendor: "QEMU", Model: "QEMU DVD-ROM", Rev: "2.5+", Block: "sr0", Generic: "sg0", Host: "ata1/host0"},
		{HCTL: "1:0:0:0", Type: "0", Vendor: "QEMU", Model: "QEMU HARDDISK", Rev: "2.5+", Block: "sda", Generic: "sg1", Host: "virtio1/host1"},
		{HCTL: "10:0:0:0", Type: "5", Vendor: "HL-DT-ST", Model: "BD-RE  BH16NS40", Rev: "1.02", Generic: "sg2", Host: "virtio1/host10"},
		{HCTL: "2:0:1:0", Type: "5", Vendor: "ASUS", Model: "DRW-24D5MT", Rev: "1.00", Block: "sr1", Generic: "sg3", Host: "virtio1/host2"},
	}, "vda")
	if err := os.Symlink("../../devices/gone/sg9", filepath.Join(sys, "class/scsi_generic/sg9")); err != nil {
		t.Fatal(err)
	}
	return sys
}

func TestUnits(t *testing.T) {
	sys := fakeSysfs(t)
	got, err := Units(sys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].dir = ""
	}
	want := []Unit{
		{HCTL: "0:0:0:0", Type: 5, Vendor: "QEMU", Model: "QEMU DVD-ROM", Revision: "2.5+", Block: "/dev/sr0", Generic: "/dev/sg0"},
		{HCTL: "1:0:0:0", Type: 0, Vendor: "QEMU", Model: "QEMU HARDDISK", Revision: "2.5+", Block: "/dev/sda", Generic: "/dev/sg1"},
		{HCTL: "2:0:1:0", Type: 5, Vendor: "ASUS", Model: "DRW-24D5MT", Revision: "1.00", Block: "/dev/sr1", Generic: "/dev/sg3"},
		{HCTL: "10:0:0:0", Type: 5, Vendor: "HL-DT-ST", Model: "BD-RE  BH16NS40", Revision: "1.02", Generic: "/dev/sg2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Units:\n got %+v\nwant %+v", got, want)
	}
	if n := want[3].Nodes(); !reflect.DeepEqual(n, []string{"/dev/sg2"}) {
		t.Errorf("Nodes of a unit without sr: %v", n)
	}

	if _, err := Units(t.TempDir()); err == nil {
		t.Error("Units of an empty directory: no error")
	}
	// Without the sg driver there is no class/scsi_generic: the block
	// devices are still found.
	if err := os.RemoveAll(filepath.Join(sys, "class")); err != nil {
		t.Fatal(err)
	}
	got, err = Units(sys)
	if err != nil || len(got) != 3 || got[0].Block != "/dev/sr0" || got[0].Generic != "" {
		t.Errorf("without sg: %+v, %v", got, err)
	}
}

func TestFindUnit(t *testing.T) {
	sys := fakeSysfs(t)
	// A by-id link to the block device, as udev makes it (it resolves
	// into a directory of its own here: no device nodes in a test).
	dev := t.TempDir()
	byID := filepath.Join(dev, "disk", "by-id")
	if err := os.MkdirAll(byID, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../sr1", filepath.Join(byID, "ata-ASUS_DRW-24D5MT_K0000000")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, hctl string
	}{
		{"/dev/sr0", "0:0:0:0"},
		{"/dev/sg0", "0:0:0:0"},
		{"/dev/sg3", "2:0:1:0"},
		{"/dev/sr1", "2:0:1:0"},
		{filepath.Join(byID, "ata-ASUS_DRW-24D5MT_K0000000"), "2:0:1:0"},
		{"/dev/sg2", "10:0:0:0"},
	} {
		u, err := FindUnit(sys, c.path)
		if err != nil || u.HCTL != c.hctl {
			t.Errorf("FindUnit(%s) = %+v, %v; want %s", c.path, u, err, c.hctl)
		}
	}
	for _, p := range []string{"/dev/vda", "/dev/sg9", "/dev/sr7"} {
		if u, err := FindUnit(sys, p); !errors.Is(err, ErrNoUnit) {
			t.Errorf("FindUnit(%s) = %+v, %v; want ErrNoUnit", p, u, err)
		}
	}
	if _, err := FindUnit(t.TempDir(), "/dev/sr0"); err == nil || errors.Is(err, ErrNoUnit) {
		t.Errorf("FindUnit without sysfs: %v", err)
	}
}

func TestDevNumber(t *testing.T) {
	for _, c := range []struct {
		rdev uint64
		want string
	}{
		{0x0103, "1:3"},            // /dev/null
		{0x0b00, "11:0"},           // /dev/sr0
		{0x15_01, "21:1"},          // /dev/sg1
		{0x1001_0300, "259:65536"}, // a minor above 255
		{0x1000_0000_0000_0000 | 0x2300, "268435491:0"}, // a major above 4095
	} {
		if got := devNumber(c.rdev); got != c.want {
			t.Errorf("devNumber(%#x) = %s, want %s", c.rdev, got, c.want)
		}
	}
	// The device number of /dev/null, as stat gives it.
	fi, err := os.Stat("/dev/null")
	if err != nil {
		t.Skip(err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if got := devNumber(uint64(st.Rdev)); got != "1:3" {
			t.Errorf("/dev/null is %s, want 1:3", got)
		}
	}
}
