package iso9660

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"unicode/utf16"

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
//
// Boot images marked HybridPartition (EFI images, for UEFI firmware
// booting the stick) get partitions of their own, as xorriso
// -isohybrid-gpt-basdat writes them: in the MBR, entries 2 and on of type
// EFh over the image's extent (entry 1 then has type 00h); and a GUID
// partition table (UEFI 2.x §5.3) in the rest of the system area, its
// header in sector 1 and 248 entries in sectors 2 to 63, with its backup
// in the image's last 63 sectors: partition 1 "ISOHybrid" over the ISO
// 9660 volume, then one "ISOHybrid1", ... per marked image, all of type
// Basic Data and flagged required and read-only. UEFI firmware that finds
// no protective MBR reads the MBR partitions (EDK2 does); others read the
// GPT.
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

// GPT layout in 512-byte sectors: header in sector 1, entries from
// sector 2 up to the end of the system area; the backup takes the last
// gptBackupSectors of the image.
const (
	gptEntries       = 248
	gptEntrySize     = 128
	gptEntrySectors  = gptEntries * gptEntrySize / 512 // 62
	gptFirstUsable   = 2 + gptEntrySectors             // 64
	gptBackupSectors = gptEntrySectors + 1
	// gptReserveBlocks keeps room for the backup behind the data of an
	// image without padding.
	gptReserveBlocks = (gptBackupSectors*512 + BlockSize - 1) / BlockSize
	// gptAttrs: required by the platform (bit 0) and read-only (bit 60).
	gptAttrs = 1<<0 | 1<<60
)

// gptBasicData is the Basic Data partition type GUID
// EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 in its on-disk byte order.
var gptBasicData = [16]byte{0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7}

// hybridParts returns the boot images recorded as partitions.
func (w *Writer) hybridParts() []*bootPlan {
	var ps []*bootPlan
	for i := range w.boot {
		if w.boot[i].entry.HybridPartition {
			ps = append(ps, &w.boot[i])
		}
	}
	return ps
}

// checkHybrid validates Options.HybridMBR against the rest of the options.
func (w *Writer) checkHybrid() error {
	t := w.opt.HybridMBR
	parts := w.hybridParts()
	switch {
	case t == nil && len(parts) > 0:
		return errors.New("a boot image recorded as a partition (-isohybrid-gpt-basdat) needs an isohybrid MBR (-isohybrid-mbr)")
	case t == nil:
		return nil
	case len(parts) > 3:
		return fmt.Errorf("%d boot images recorded as partitions: the MBR holds 3 besides the image's own", len(parts))
	case len(t) < hybridCodeLen || len(t) > 512:
		return fmt.Errorf("isohybrid MBR template of %d bytes: want %d (Syslinux isohdpfx.bin) to 512", len(t), hybridCodeLen)
	case w.opt.SessionStart != 0 || w.opt.Growable || w.opt.MD5:
		return errors.New("an isohybrid MBR is written only on a single-session image (not with -C, --growable or --md5)")
	case len(w.boot) == 0:
		return errors.New("an isohybrid MBR needs a boot image for its code to load (-b)")
	case w.boot[0].entry.Platform != eltorito.PlatformX86 || w.boot[0].emu != eltorito.NoEmulation:
		return errors.New("an isohybrid MBR loads the first boot image, which must be an x86 no-emulation one (-b with -no-emul-boot)")
	}
	for _, p := range parts {
		if p.node.Size == 0 {
			return &PathError{Path: p.node.Source(), Err: errors.New("an empty boot image cannot be recorded as a partition")}
		}
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

// sectorRange is a partition's extent in 512-byte sectors.
type sectorRange struct{ start, count uint64 }

// partRanges returns the extents of the boot images recorded as
// partitions (their data, rounded up to whole sectors).
func (w *Writer) partRanges() []sectorRange {
	var rs []sectorRange
	for _, p := range w.hybridParts() {
		rs = append(rs, sectorRange{uint64(p.node.lba) * BlockSize / 512, (uint64(p.node.Size) + 511) / 512})
	}
	return rs
}

// hybridSystemArea returns the system area (blocks 0 to 15) of an
// isohybrid image of total blocks: the MBR and, with partitions for boot
// images, the primary GPT.
func (w *Writer) hybridSystemArea() []byte {
	sa := make([]byte, 16*BlockSize)
	sectors := uint64(w.total) * BlockSize / 512
	parts := w.partRanges()
	m := sa[:512]
	copy(m, w.opt.HybridMBR[:hybridCodeLen])
	binary.LittleEndian.PutUint64(m[432:], uint64(w.boot[0].node.lba)*BlockSize/512)
	binary.LittleEndian.PutUint32(m[440:], w.hybridDiskSignature())
	typ := byte(hybridPartType)
	if len(parts) > 0 {
		typ = 0 // as xorriso: the GPT describes the volume
	}
	putMBRPartition(m[446:462], 0x80, typ, sectorRange{0, sectors})
	for i, r := range parts {
		putMBRPartition(m[446+16*(i+1):], 0, 0xEF, r)
	}
	m[510], m[511] = 0x55, 0xAA
	if len(parts) > 0 {
		hdr, entries := w.gpt(sectors, parts, false)
		copy(sa[512:], hdr)
		copy(sa[1024:], entries)
	}
	return sa
}

// putMBRPartition writes one 16-byte MBR partition entry.
func putMBRPartition(p []byte, status, typ byte, r sectorRange) {
	p[0] = status
	putCHS(p[1:4], r.start)
	p[4] = typ
	putCHS(p[5:8], r.start+r.count-1)
	binary.LittleEndian.PutUint32(p[8:], uint32(min(r.start, 0xFFFFFFFF)))
	binary.LittleEndian.PutUint32(p[12:], uint32(min(r.count, 0xFFFFFFFF)))
}

// gpt returns a GPT header sector and its entry array for an image of
// sectors 512-byte sectors: the primary (sector 1, entries from sector 2)
// or the backup (last sector, entries just before it).
func (w *Writer) gpt(sectors uint64, parts []sectorRange, backup bool) (hdr, entries []byte) {
	last := sectors - 1
	disk := w.gptGUID(0)
	entries = make([]byte, gptEntries*gptEntrySize)
	all := append([]sectorRange{{0, sectors - gptFirstUsable}}, parts...)
	for i, r := range all {
		e := entries[i*gptEntrySize:][:gptEntrySize]
		copy(e, gptBasicData[:])
		g := w.gptGUID(i + 1)
		copy(e[16:], g[:])
		binary.LittleEndian.PutUint64(e[32:], r.start)
		binary.LittleEndian.PutUint64(e[40:], r.start+r.count-1)
		binary.LittleEndian.PutUint64(e[48:], gptAttrs)
		name := "ISOHybrid"
		if i > 0 {
			name += fmt.Sprint(i)
		}
		for j, u := range utf16.Encode([]rune(name)) {
			binary.LittleEndian.PutUint16(e[56+2*j:], u)
		}
	}
	hdr = make([]byte, 512)
	copy(hdr, "EFI PART")
	binary.LittleEndian.PutUint32(hdr[8:], 0x00010000)
	binary.LittleEndian.PutUint32(hdr[12:], 92)
	my, alt, at := uint64(1), last, uint64(2)
	if backup {
		my, alt, at = last, 1, last-gptEntrySectors
	}
	binary.LittleEndian.PutUint64(hdr[24:], my)
	binary.LittleEndian.PutUint64(hdr[32:], alt)
	binary.LittleEndian.PutUint64(hdr[40:], gptFirstUsable)
	binary.LittleEndian.PutUint64(hdr[48:], last-gptBackupSectors)
	copy(hdr[56:], disk[:])
	binary.LittleEndian.PutUint64(hdr[72:], at)
	binary.LittleEndian.PutUint32(hdr[80:], gptEntries)
	binary.LittleEndian.PutUint32(hdr[84:], gptEntrySize)
	binary.LittleEndian.PutUint32(hdr[88:], crc32.ChecksumIEEE(entries))
	binary.LittleEndian.PutUint32(hdr[16:], crc32.ChecksumIEEE(hdr[:92]))
	return hdr, entries
}

// gptGUID derives GUID i (0 for the disk, then one per partition) from
// the volume's identity, as a version 4 GUID, so that reproducible images
// stay reproducible.
func (w *Writer) gptGUID(i int) [16]byte {
	h := fnv.New128a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", w.opt.Volume.VolumeID, w.opt.Volume.Created.UTC().Format("20060102150405.000000000"), i)
	var g [16]byte
	h.Sum(g[:0])
	g[7] = g[7]&0x0F | 0x40 // version 4 (the third field is stored little-endian)
	g[8] = g[8]&0x3F | 0x80 // RFC 4122 variant
	return g
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
