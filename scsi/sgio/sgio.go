//go:build linux

// Package sgio is the Linux SG_IO transport of package scsi: commands go to
// a SCSI generic (/dev/sg*), a CD-ROM block device (/dev/sr*) or any other
// node whose driver takes the SG_IO ioctl (a drive passed into a virtual
// machine as /dev/vda, say), without cgo. It is the only code of Spindle
// that issues ioctls on devices. Units and FindUnit find the drives and
// their nodes in sysfs: a drive's /dev/srN and /dev/sgN are one unit.
package sgio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"spindle/scsi"
)

// The sg_io_hdr of <scsi/sg.h> (interface 'S'), as the kernel lays it out
// on 64-bit and 32-bit Linux: Go aligns these fields as C does.
type sgIOHdr struct {
	interfaceID    int32
	dxferDirection int32
	cmdLen         uint8
	mxSbLen        uint8
	iovecCount     uint16
	dxferLen       uint32
	dxferp         uintptr
	cmdp           uintptr
	sbp            uintptr
	timeout        uint32 // milliseconds
	flags          uint32
	packID         int32
	usrPtr         uintptr
	status         uint8
	maskedStatus   uint8
	msgStatus      uint8
	sbLenWr        uint8
	hostStatus     uint16
	driverStatus   uint16
	resid          int32
	duration       uint32
	info           uint32
}

const (
	sgIO           = 0x2285 // SG_IO
	sgDxferNone    = -1
	sgDxferToDev   = -2
	sgDxferFromDev = -3
	sgInfoOKMask   = 0x1
	senseLen       = 252 // the largest sense SPC allows
	// defaultTimeout is for commands that give none; blanking and
	// formatting give their own.
	defaultTimeout = 60 * time.Second
)

// Device is an open device. It implements scsi.Transport.
type Device struct {
	f    *os.File
	path string
}

// Options for Open.
type Options struct {
	// Exclusive opens with O_EXCL: the kernel refuses when the device is
	// mounted or opened exclusively by another program, which a burner
	// wants to know before it starts.
	Exclusive bool
	// ReadOnly opens for reading: enough for the read commands of a drive
	// (MMC), not for writing.
	ReadOnly bool
}

// ErrPermission and ErrBusy are wrapped by Open's errors.
var (
	ErrPermission = errors.New("sgio: no permission to open the device")
	ErrBusy       = errors.New("sgio: the device is busy")
)

// Open opens the device node path. Non-blocking, so that a drive without a
// disc opens (O_NONBLOCK, as the sr driver needs for a tray that is open).
func Open(path string, opt *Options) (*Device, error) {
	if opt == nil {
		opt = &Options{}
	}
	flags := os.O_RDWR
	if opt.ReadOnly {
		flags = os.O_RDONLY
	}
	flags |= syscall.O_NONBLOCK
	if opt.Exclusive {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrPermission):
			return nil, fmt.Errorf("%w %s: add your user to the group that owns it (usually cdrom: sudo usermod -aG cdrom $USER, then log in again) or add a udev rule: %v", ErrPermission, path, err)
		case errors.Is(err, syscall.EBUSY):
			return nil, fmt.Errorf("%w: %s is in use: is a disc in it mounted? (mount | grep %s; umount it first): %v", ErrBusy, path, path, err)
		}
		return nil, err
	}
	return &Device{f: f, path: path}, nil
}

// Path is the device node.
func (d *Device) Path() string { return d.path }

// Close closes the device.
func (d *Device) Close() error { return d.f.Close() }

// Do sends one command with the SG_IO ioctl and waits for it.
func (d *Device) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	if err := ctx.Err(); err != nil {
		return scsi.Result{}, err
	}
	if len(c.CDB) == 0 || len(c.CDB) > 16 {
		return scsi.Result{}, fmt.Errorf("sgio: CDB of %d bytes", len(c.CDB))
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
		if timeout <= 0 {
			return scsi.Result{}, context.DeadlineExceeded
		}
	}
	sense := make([]byte, senseLen)
	h := sgIOHdr{
		interfaceID: 'S',
		cmdLen:      uint8(len(c.CDB)),
		mxSbLen:     senseLen,
		cmdp:        uintptr(unsafe.Pointer(&c.CDB[0])),
		sbp:         uintptr(unsafe.Pointer(&sense[0])),
		timeout:     uint32(min(timeout.Milliseconds(), 1<<31)),
	}
	switch {
	case c.Direction == scsi.None || len(c.Data) == 0:
		h.dxferDirection = sgDxferNone
	case c.Direction == scsi.FromDevice:
		h.dxferDirection = sgDxferFromDev
	default:
		h.dxferDirection = sgDxferToDev
	}
	if len(c.Data) > 0 && h.dxferDirection != sgDxferNone {
		h.dxferLen = uint32(len(c.Data))
		h.dxferp = uintptr(unsafe.Pointer(&c.Data[0]))
	}
	var errno syscall.Errno
	for {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, d.f.Fd(), sgIO, uintptr(unsafe.Pointer(&h)))
		if errno != syscall.EINTR {
			break
		}
	}
	// The buffers were passed as integers: keep them alive until the
	// kernel is done with them.
	runtime.KeepAlive(c.CDB)
	runtime.KeepAlive(c.Data)
	runtime.KeepAlive(sense)
	if errno != 0 {
		return scsi.Result{}, fmt.Errorf("sgio: %s: SG_IO: %w", d.path, errno)
	}
	res := scsi.Result{Status: scsi.Status(h.status), Sense: sense[:h.sbLenWr], Transferred: int(h.dxferLen) - int(h.resid)}
	if h.dxferDirection == sgDxferNone {
		res.Transferred = 0
	}
	// Host and driver errors: the command did not complete (a timeout, a
	// bus reset, a device that went away). A driver status of "sense"
	// only says sense data came back.
	const driverSense = 0x08
	if h.hostStatus != 0 || h.driverStatus&^driverSense != 0 {
		return res, fmt.Errorf("sgio: %s: command %#02x did not complete (host status %#x, driver status %#x)", d.path, c.CDB[0], h.hostStatus, h.driverStatus)
	}
	return res, nil
}
