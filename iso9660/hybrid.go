package iso9660

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"

	"spindle/iso9660/eltorito"
)

// An isohybrid image also boots from a USB stick or hard disk through a PC
// BIOS: block 0 holds a master boot record whose code (Syslinux's
// isohdpfx.bin, say) loads the El Torito boot image (ISOLINUX) by the
// address recorded beside it, and whose partition table describes the
// image as one bootable partition. This is what Syslinux's isohybrid
// program does to a finished image, and xorriso's -isohybrid-mbr while
// writing. The layout of the 512 bytes:
//
//	0..431    boot code, from the template
//	432..439  the boot image's address in 512-byte sectors (64-bit LE)
//	440..443  disk signature
//	446..461  partition entry 1: bootable, type 17h, from sector 0 over
//	          the whole image, with CHS values for 64 heads, 32 sectors
//	510..511  55h AAh
//
// The image is padded to a whole number of cylinders (1 MiB), as isohybrid
// and xorriso do, so that the partition ends on a cylinder boundary.
const (
	hybridCodeLen = 432
	hybridHeads   = 64
	hybridSectors = 32
	// hybridCylBlocks is one cylinder in 2048-byte blocks (1 MiB).
	hybridCylBlocks = hybridHeads * hybridSectors * 512 / BlockSize
	// hybridPartType is the partition type isohybrid and xorriso record
	// (17h, "hidden IFS"; ISO 9660 has no type of its own).
	hybridPartType = 0x17
)

// hybridSignature is what ISOLINUX boot files that can be started from an
// isohybrid MBR carry at byte 64 (checked, as isohybrid does, to warn).
var hybridSignature = []byte{0xFB, 0xC0, 0x78, 0x70}

// checkHybrid validates Options.HybridMBR against the rest of the options.
func (w *Writer) checkHybrid() error {
	t := w.opt.HybridMBR
	switch {
	case t == nil:
		return nil
	case len(t) < hybridCodeLen || len(t) > 512:
		return fmt.Errorf("isohybrid MBR template of %d bytes: want %d (Syslinux isohdpfx.bin) to 512", len(t), hybridCodeLen)
	case w.opt.SessionStart != 0 || w.opt.Growable || w.opt.MD5:
		return errors.New("an isohybrid MBR is written only on a single-session image (not with -C, --growable or --md5)")
	case len(w.boot) == 0:
		return errors.New("an isohybrid MBR needs a boot image for its code to load (-b)")
	case w.boot[0].entry.Platform != eltorito.PlatformX86 || w.boot[0].emu != eltorito.NoEmulation:
		return errors.New("an isohybrid MBR loads the first boot image, which must be an x86 no-emulation one (-b with -no-emul-boot)")
	}
	if head, err := readHead(w.boot[0].node, 68); err == nil && (len(head) < 68 || string(head[64:68]) != string(hybridSignature)) {
		w.warn(&PathError{Path: w.boot[0].node.Source(), Err: errors.New("boot image lacks the isohybrid signature of ISOLINUX at byte 64: the MBR code may not start it")})
	}
	return nil
}

// hybridPad is the number of blocks that pads an image of total blocks to
// a whole number of cylinders.
func hybridPad(total uint32) uint32 {
	return (hybridCylBlocks - total%hybridCylBlocks) % hybridCylBlocks
}

// hybridMBR returns block 0's first 512 bytes for an image of total
// blocks whose boot image starts at block bootLBA.
func hybridMBR(tmpl []byte, bootLBA, total uint32, sig uint32) []byte {
	m := make([]byte, 512)
	copy(m, tmpl[:hybridCodeLen])
	binary.LittleEndian.PutUint64(m[432:], uint64(bootLBA)*BlockSize/512)
	binary.LittleEndian.PutUint32(m[440:], sig)
	sectors := uint64(total) * BlockSize / 512
	p := m[446:462]
	p[0] = 0x80 // bootable
	putCHS(p[1:4], 0)
	p[4] = hybridPartType
	putCHS(p[5:8], sectors-1)
	binary.LittleEndian.PutUint32(p[8:], 0)
	binary.LittleEndian.PutUint32(p[12:], uint32(min(sectors, 0xFFFFFFFF)))
	m[510], m[511] = 0x55, 0xAA
	return m
}

// putCHS encodes sector lba as an MBR cylinder/head/sector triple: head,
// then sector (bits 0-5) with the cylinder's bits 8-9 (bits 6-7), then the
// cylinder's low byte. Beyond 1024 cylinders the largest triple stands in.
func putCHS(b []byte, lba uint64) {
	c := lba / (hybridHeads * hybridSectors)
	h := lba / hybridSectors % hybridHeads
	s := lba%hybridSectors + 1
	if c > 1023 {
		c, h, s = 1023, hybridHeads-1, hybridSectors
	}
	b[0] = byte(h)
	b[1] = byte(s) | byte(c>>8)<<6
	b[2] = byte(c)
}

// hybridDiskSignature derives the MBR's disk signature from the volume's
// identity, so that a reproducible image stays reproducible.
func (w *Writer) hybridDiskSignature() uint32 {
	h := fnv.New32a()
	h.Write([]byte(w.opt.Volume.VolumeID))
	h.Write([]byte(w.opt.Volume.Created.UTC().Format("20060102150405.000000000")))
	return h.Sum32()
}
