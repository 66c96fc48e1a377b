//go:build linux

package sgio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Unit is a SCSI logical unit as Linux's sysfs shows it: its peripheral
// device type, identity, and the device nodes the kernel's drivers made
// for it. An optical drive (type 5) usually has both a block device
// (/dev/srN, the sr driver) and a SCSI generic device (/dev/sgN, the sg
// driver); either takes SG_IO, and the numbers need not match.
type Unit struct {
	// HCTL is the kernel's name of the unit, host:channel:target:lun.
	HCTL string
	// Type is the peripheral device type (5 for a CD/DVD/BD drive).
	Type int
	// Vendor, Model and Revision are the INQUIRY fields as the kernel
	// read them, trimmed.
	Vendor, Model, Revision string
	// Block is the block device node (/dev/srN for a drive), empty when
	// no block driver is bound; Generic is the SCSI generic node
	// (/dev/sgN), empty when the sg driver is not loaded.
	Block, Generic string

	dir string // the unit's directory in sysfs, symbolic links resolved
}

// Nodes returns the unit's device nodes, the block device first.
func (u Unit) Nodes() []string {
	var n []string
	for _, p := range []string{u.Block, u.Generic} {
		if p != "" {
			n = append(n, p)
		}
	}
	return n
}

// devDir is where the kernel's device nodes are (devtmpfs names them as
// sysfs does).
const devDir = "/dev"

// Units lists the SCSI units of the sysfs mounted at sys (normally
// "/sys"), in HCTL order, with the nodes found for each: every SCSI
// generic device (class/scsi_generic/sgN/device) and every block device
// (block/NAME/device) leads to its unit's directory, and units reached
// both ways are the same unit. Block devices that are not SCSI units (a
// virtio disk, say) are not listed. An error is returned only when
// neither directory can be read.
func Units(sys string) ([]Unit, error) {
	byDir := map[string]*Unit{}
	var order []*Unit
	read := 0
	var firstErr error
	for _, src := range []struct {
		dir     string
		generic bool
	}{{"class/scsi_generic", true}, {"block", false}} {
		ents, err := os.ReadDir(filepath.Join(sys, src.dir))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		read++
		for _, e := range ents {
			dir, err := filepath.EvalSymlinks(filepath.Join(sys, src.dir, e.Name(), "device"))
			if err != nil {
				continue
			}
			u, ok := byDir[dir]
			if !ok {
				nu, ok := readUnit(dir)
				if !ok {
					continue
				}
				u = &nu
				byDir[dir] = u
				order = append(order, u)
			}
			node := filepath.Join(devDir, e.Name())
			if src.generic {
				u.Generic = node
			} else {
				u.Block = node
			}
		}
	}
	if read == 0 {
		return nil, fmt.Errorf("sgio: no sysfs at %s: %w", sys, firstErr)
	}
	out := make([]Unit, 0, len(order))
	for _, u := range order {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return slices.Compare(hctl(out[i].HCTL), hctl(out[j].HCTL)) < 0 })
	return out, nil
}

// readUnit reads a SCSI unit's directory: its name is its HCTL and it has
// a type file.
func readUnit(dir string) (Unit, bool) {
	name := filepath.Base(dir)
	if len(hctl(name)) != 4 {
		return Unit{}, false
	}
	attr := func(f string) string {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	t, err := strconv.Atoi(attr("type"))
	if err != nil {
		return Unit{}, false
	}
	return Unit{HCTL: name, Type: t, Vendor: attr("vendor"), Model: attr("model"), Revision: attr("rev"), dir: dir}, true
}

// hctl splits "h:c:t:l" into its numbers; anything else gives fewer than
// four.
func hctl(s string) []int {
	f := strings.Split(s, ":")
	if len(f) != 4 {
		return nil
	}
	n := make([]int, 4)
	for i, x := range f {
		v, err := strconv.Atoi(x)
		if err != nil || v < 0 {
			return nil
		}
		n[i] = v
	}
	return n
}

// ErrNoUnit is returned by FindUnit for a node that is no SCSI unit's.
var ErrNoUnit = errors.New("sgio: not a SCSI device node")

// FindUnit returns the unit that the device node path belongs to, among
// the Units of the sysfs at sys. Symbolic links are followed (the names
// of /dev/disk/by-id and /dev/cdrom). A character or block device is
// found by its device number (sysfs dev/char/MAJ:MIN or dev/block/MAJ:MIN
// leads into the unit's directory), anything else by its kernel name
// (sr0, sg1), so that /dev/sg0 and /dev/sr0 of one drive give the same
// Unit. A node of another driver (a virtio disk /dev/vda) gives
// ErrNoUnit; it may still take SG_IO.
func FindUnit(sys, path string) (Unit, error) {
	units, err := Units(sys)
	if err != nil {
		return Unit{}, err
	}
	p := resolve(path)
	if fi, err := os.Stat(p); err == nil && fi.Mode()&fs.ModeDevice != 0 {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			class := "block"
			if fi.Mode()&fs.ModeCharDevice != 0 {
				class = "char"
			}
			num := devNumber(uint64(st.Rdev))
			if dir, err := filepath.EvalSymlinks(filepath.Join(sys, "dev", class, num)); err == nil {
				for _, u := range units {
					if strings.HasPrefix(dir, u.dir+string(filepath.Separator)) {
						return u, nil
					}
				}
				return Unit{}, fmt.Errorf("%w: %s (device %s)", ErrNoUnit, path, num)
			}
		}
	}
	name := filepath.Base(p)
	for _, u := range units {
		for _, n := range u.Nodes() {
			if filepath.Base(n) == name {
				return u, nil
			}
		}
	}
	return Unit{}, fmt.Errorf("%w: %s", ErrNoUnit, path)
}

// resolve follows symbolic links: fully where the target exists, else link
// by link as far as they go (a by-id name whose device is not there).
func resolve(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	p := path
	for range 40 {
		t, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = filepath.Clean(t)
	}
	return p
}

// devNumber formats a Linux device number as sysfs names it, MAJ:MIN
// (the dev_t encoding of glibc's major and minor: minor bits 0–7 and
// 20–43, major bits 8–19 and 44–63).
func devNumber(rdev uint64) string {
	major := (rdev>>8)&0xfff | (rdev>>32)&0xfffff000
	minor := rdev&0xff | (rdev>>12)&0xffffff00
	return fmt.Sprintf("%d:%d", major, minor)
}
