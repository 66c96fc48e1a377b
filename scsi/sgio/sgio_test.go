//go:build linux

package sgio

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"spindle/cd"
	"spindle/internal/testtool"
	"spindle/mmc"
	"spindle/scsi"
)

// The header must have the kernel's layout (<scsi/sg.h>) on 64-bit Linux.
func TestHeaderLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the offsets below are those of 64-bit Linux")
	}
	var h sgIOHdr
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"size", unsafe.Sizeof(h), 88},
		{"dxfer_len", unsafe.Offsetof(h.dxferLen), 12},
		{"dxferp", unsafe.Offsetof(h.dxferp), 16},
		{"cmdp", unsafe.Offsetof(h.cmdp), 24},
		{"sbp", unsafe.Offsetof(h.sbp), 32},
		{"timeout", unsafe.Offsetof(h.timeout), 40},
		{"usr_ptr", unsafe.Offsetof(h.usrPtr), 56},
		{"status", unsafe.Offsetof(h.status), 64},
		{"host_status", unsafe.Offsetof(h.hostStatus), 68},
		{"resid", unsafe.Offsetof(h.resid), 72},
		{"info", unsafe.Offsetof(h.info), 80},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nothing"), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing device: %v", err)
	}
	// A regular file opens, but does not take SG_IO.
	p := filepath.Join(t.TempDir(), "file")
	os.WriteFile(p, []byte("x"), 0o644)
	d, err := Open(p, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := scsi.Inquiry(context.Background(), d); err == nil {
		t.Error("INQUIRY through a regular file succeeded")
	}
}

// TestQEMUDrive runs TestInGuest inside a Linux guest whose CD-ROM drive
// is QEMU's emulated one (scsi-cd, and ide-cd on AHCI), backed by an image
// of random bytes: a drive we did not write answers our commands.
func TestQEMUDrive(t *testing.T) { testtool.RunTestInGuest(t, 600) }

// TestInGuest runs inside the guest TestQEMUDrive starts: identity,
// readiness, capacity and data of /dev/sr0 through SG_IO.
func TestInGuest(t *testing.T) {
	if testtool.GuestBus() == "" {
		t.Skip("runs inside the guest that TestQEMUDrive starts")
	}
	img, err := os.ReadFile("disc.img")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open("/dev/sr0", &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	inq, err := scsi.Inquiry(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("INQUIRY: %+v", inq)
	if inq.DeviceType != scsi.TypeMMC || !strings.Contains(inq.Vendor+inq.Product, "QEMU") {
		t.Errorf("INQUIRY: type %d, %q %q", inq.DeviceType, inq.Vendor, inq.Product)
	}
	// In sysfs, /dev/sr0 and its SCSI generic node are one unit (found
	// by device number), and the generic node answers the same INQUIRY.
	u, err := FindUnit("/sys", "/dev/sr0")
	if err != nil || u.Type != int(scsi.TypeMMC) || u.Block != "/dev/sr0" || u.Generic == "" || u.Vendor != inq.Vendor {
		t.Fatalf("FindUnit(/dev/sr0) = %+v, %v", u, err)
	}
	if g, err := FindUnit("/sys", u.Generic); err != nil || g.HCTL != u.HCTL {
		t.Errorf("FindUnit(%s) = %+v, %v; want unit %s", u.Generic, g, err, u.HCTL)
	}
	if units, err := Units("/sys"); err != nil || len(units) != 1 {
		t.Errorf("Units: %+v, %v; the guest has one SCSI unit", units, err)
	}
	sg, err := Open(u.Generic, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if inq2, err := scsi.Inquiry(ctx, sg); err != nil || !reflect.DeepEqual(inq2, inq) {
		t.Errorf("INQUIRY through %s: %+v, %v; through /dev/sr0: %+v", u.Generic, inq2, err, inq)
	}
	sg.Close()
	// A fresh drive reports a unit attention first; ask until ready.
	for i := 0; ; i++ {
		err := scsi.TestUnitReady(ctx, d)
		if err == nil {
			break
		}
		if i == 5 || !(errors.Is(err, scsi.ErrUnitAttention) || errors.Is(err, scsi.ErrNotReady)) {
			t.Fatalf("TEST UNIT READY: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cdb := mmc.ReadCapacity()
	buf := make([]byte, 8)
	res, err := d.Do(ctx, &scsi.Command{CDB: cdb[:], Direction: scsi.FromDevice, Data: buf})
	if err == nil {
		err = scsi.CheckStatus(res)
	}
	if err != nil {
		t.Fatalf("READ CAPACITY: %v", err)
	}
	capa, err := mmc.ParseCapacity(buf)
	if err != nil || int(capa.LastLBA) != len(img)/2048-1 || capa.BlockSize != 2048 {
		t.Fatalf("READ CAPACITY: %+v, %v; the image has %d blocks", capa, err, len(img)/2048)
	}
	for _, lba := range []int{0, 17, len(img)/2048 - 2} {
		cdb := mmc.Read10(cd.LBA(lba), 2, false)
		data := make([]byte, 2*2048)
		res, err := d.Do(ctx, &scsi.Command{CDB: cdb[:], Direction: scsi.FromDevice, Data: data})
		if err == nil {
			err = scsi.CheckStatus(res)
		}
		if err != nil {
			t.Fatalf("READ(10) at %d: %v", lba, err)
		}
		if !bytes.Equal(data, img[lba*2048:(lba+2)*2048]) {
			t.Errorf("READ(10) at %d: the blocks differ from the image", lba)
		}
	}
	// Past the end: an ILLEGAL REQUEST (LBA out of range), as sense.
	cdb = mmc.Read10(cd.LBA(len(img)/2048+10), 1, false)
	res, err = d.Do(ctx, &scsi.Command{CDB: cdb[:], Direction: scsi.FromDevice, Data: make([]byte, 2048)})
	if err != nil {
		t.Fatalf("READ(10) past the end: transport error %v", err)
	}
	if err := scsi.CheckStatus(res); !errors.Is(err, scsi.ErrIllegalRequest) {
		t.Errorf("READ(10) past the end: %v, want ILLEGAL REQUEST", err)
	}
}
