package identify

import (
	"encoding/binary"
	"fmt"
	"time"
)

// HFSVolume is what an HFS Master Directory Block records (Inside
// Macintosh: Files, 2-60 "Master Directory Blocks").
type HFSVolume struct {
	VolumeName string `json:"volume_name"`
	// Created is drCrDate (local time, so no zone), ISO 8601.
	Created string `json:"created,omitempty"`
	// AllocationBlocks (drNmAlBlks) of AllocationBlockSize (drAlBlkSiz)
	// bytes start at FirstAllocationBlock (drAlBlSt), in 512-byte sectors
	// from the start of the volume.
	AllocationBlocks     uint16 `json:"allocation_blocks"`
	AllocationBlockSize  uint32 `json:"allocation_block_size"`
	FirstAllocationBlock uint16 `json:"first_allocation_block"`
	FreeBlocks           uint16 `json:"free_blocks"`
	// AlternateMDB is the byte offset in the medium of the alternate
	// Master Directory Block (the volume's next-to-last 512-byte sector),
	// 0 when it was not found.
	AlternateMDB int64 `json:"alternate_mdb,omitempty"`
	// Embedded is "H+" when the volume is the wrapper of an HFS Plus
	// volume (drEmbedSigWord, Apple TN1150 "HFS Wrapper").
	Embedded string `json:"embedded,omitempty"`
}

// HFSPlusVolume is what an HFS Plus or HFSX volume header records (Apple
// TN1150 "Volume Header").
type HFSPlusVolume struct {
	Wrapped   bool   `json:"wrapped,omitempty"` // inside an HFS wrapper
	Signature string `json:"signature"`         // "H+" or "HX"
	Version   uint16 `json:"version"`           // 4 (HFS Plus) or 5 (HFSX)
	// LastMountedVersion says what last wrote the volume: "10.0" (Mac OS
	// X), "HFSJ" (journaled), "fsck", "H+Lx" (Linux), ...
	LastMountedVersion string `json:"last_mounted_version"`
	Created            string `json:"created,omitempty"` // createDate, local time
	BlockSize          uint32 `json:"block_size"`
	TotalBlocks        uint32 `json:"total_blocks"`
	FreeBlocks         uint32 `json:"free_blocks"`
}

// APM is an Apple Partition Map (Inside Macintosh: Devices, 3-25 "The
// Partition Map") and the Driver Descriptor Record before it (3-23).
type APM struct {
	// BlockSize is the size of the map's blocks: the spacing of its
	// entries, the unit of their starts and sizes.
	BlockSize uint32 `json:"block_size"`
	// DeviceBlockSize (sbBlkSize) and DeviceBlocks (sbBlkCount) are what
	// the Driver Descriptor Record says of the whole device; 0 without one.
	DeviceBlockSize uint16         `json:"device_block_size"`
	DeviceBlocks    uint32         `json:"device_blocks"`
	Partitions      []APMPartition `json:"partitions"`
}

// APMPartition is one partition map entry.
type APMPartition struct {
	Index  int    `json:"index"` // from 1, as the map's blocks
	Name   string `json:"name"`
	Type   string `json:"type"`   // "Apple_partition_map", "Apple_HFS", "Apple_Free", ...
	Start  uint32 `json:"start"`  // in map blocks
	Blocks uint32 `json:"blocks"` // in map blocks
	Status uint32 `json:"status"`
	// Contains names the file system found at its start ("HFS",
	// "ISO 9660", ...), "" when none is recognised.
	Contains string `json:"contains,omitempty"`
}

const (
	maxAPMEntries = 256
	hfsMDBOffset  = 1024 // the MDB and the HFS Plus volume header: 1024 bytes into the volume
	hfsSigHFS     = 0x4244
	hfsSigPlus    = 0x482B
	hfsSigX       = 0x4858
)

// probeApple finds an Apple partition map and the HFS, HFS Plus and HFSX
// volumes at the start of the medium and of its partitions.
func probeApple(m *medium) []Structure {
	var out []Structure
	if s, ok := probeAPM(m); ok {
		out = append(out, s)
		seen := containers{}
		for _, p := range s.APM.Partitions {
			base := int64(p.Start) * int64(s.APM.BlockSize)
			out = append(out, seen.probe(m, base, fmt.Sprintf("Apple partition %d", p.Index))...)
		}
	}
	return append(out, probeHFS(m)...)
}

// probeAPM reads the Driver Descriptor Record ("ER" at byte 0) and the
// partition map entries ("PM") in the blocks after it. The map's block
// size is the first of 512, 1024, 2048 and sbBlkSize at which an entry is
// found: some writers record an sbBlkSize that is not the map's.
func probeAPM(m *medium) (Structure, bool) {
	s := Structure{Type: TypeAPM}
	a := &APM{}
	ddr := m.read(0, 512)
	hasDDR := ddr != nil && string(ddr[:2]) == "ER"
	cands := []int64{512, 1024, 2048}
	if hasDDR {
		f := fieldsOf(ddr)
		a.DeviceBlockSize, a.DeviceBlocks = f.be16(2), f.be32(4)
		if bs := int64(a.DeviceBlockSize); bs > 2048 && bs <= 4096 && bs&(bs-1) == 0 {
			cands = append(cands, bs)
		}
	}
	spacing := int64(0)
	for _, c := range cands {
		if m.has(c, "PM") {
			spacing = c
			break
		}
	}
	if spacing == 0 {
		return s, false
	}
	first := m.read(spacing, 512)
	if first == nil {
		return s, false
	}
	if !hasDDR && fieldsOf(first).achars(48, 32) != "Apple_partition_map" {
		return s, false
	}
	a.BlockSize = uint32(spacing)
	s.APM, s.Offset = a, spacing
	count := int64(binary.BigEndian.Uint32(first[4:]))
	if count > maxAPMEntries {
		s.note("the map claims %d entries; reading the first %d", count, maxAPMEntries)
		count = maxAPMEntries
	}
	end := int64(0)
	for i := int64(1); i <= count; i++ {
		e := m.read(i*spacing, 512)
		if e == nil || string(e[:2]) != "PM" {
			s.note("entry %d of %d (byte %d) is missing", i, count, i*spacing)
			break
		}
		f := fieldsOf(e)
		p := APMPartition{
			Index: int(i), Start: f.be32(8), Blocks: f.be32(12),
			Name: f.achars(16, 32), Type: f.achars(48, 32), Status: f.be32(88),
		}
		base := int64(p.Start) * spacing
		if base > 0 {
			p.Contains = contentAt(m, base)
		}
		end = max(end, (int64(p.Start)+int64(p.Blocks))*spacing)
		a.Partitions = append(a.Partitions, p)
	}
	if hasDDR {
		if int64(a.DeviceBlockSize) != spacing {
			s.note("the driver descriptor's block size %d is not the map's (%d): taking %d", a.DeviceBlockSize, spacing, spacing)
		}
		switch dev := int64(a.DeviceBlocks) * spacing; {
		case dev > end && len(a.Partitions) > 0 && ddrIsBootCode(ddr):
			// Hybrid images start with x86 code that doubles as the
			// Driver Descriptor Record: libisofs's -hfsplus and
			// -isohybrid-apm-hfsplus write "ER" (inc bp; push dx) and
			// then a jump or NOPs where sbBlkCount belongs. That is no
			// device size; the map's entries tell the extent.
			s.note("the driver descriptor's block count %d is boot code, not a device size: ignored", a.DeviceBlocks)
		default:
			end = max(end, dev)
		}
	}
	s.ImpliedSize = end
	return s, true
}

// ddrIsBootCode tells whether a Driver Descriptor Record (Inside
// Macintosh: Devices, 3-23) is x86 boot code in disguise: sbBlkCount
// (bytes 4-7) starting with a short or near jump (EBh, E9h) or ending in
// NOPs (90h 90h), or the sector carrying the PC boot signature 55h AAh
// (an isohybrid MBR shares the sector).
func ddrIsBootCode(ddr []byte) bool {
	return ddr[4] == 0xEB || ddr[4] == 0xE9 || ddr[6] == 0x90 && ddr[7] == 0x90 ||
		len(ddr) >= 512 && ddr[510] == 0x55 && ddr[511] == 0xAA
}

// probeHFS reads the HFS MDB or HFS Plus volume header 1024 bytes into the
// medium.
func probeHFS(m *medium) []Structure {
	d := m.read(hfsMDBOffset, 512)
	if d == nil {
		return nil
	}
	switch binary.BigEndian.Uint16(d) {
	case hfsSigHFS:
		return hfsMDB(m, d)
	case hfsSigPlus, hfsSigX:
		return []Structure{hfsPlus(m, 0, d, false)}
	}
	return nil
}

// hfsMDB decodes a Master Directory Block. The volume is the boot blocks,
// the MDB, the volume bitmap and the allocation blocks from drAlBlSt, then
// the alternate MDB in the next-to-last 512-byte sector and a last, unused
// one (Inside Macintosh: Files, 2-53): its size is where the alternate MDB
// is plus 1024, at least the end of the allocation blocks plus 1024.
func hfsMDB(m *medium, d []byte) []Structure {
	f := fieldsOf(d)
	v := &HFSVolume{
		Created:              macDate(f.be32(2)),
		AllocationBlocks:     f.be16(18),
		AllocationBlockSize:  f.be32(20),
		FirstAllocationBlock: f.be16(28),
		FreeBlocks:           f.be16(34),
	}
	if n := int(d[36]); n <= 27 {
		v.VolumeName = macRoman(d[37 : 37+n])
	}
	s := Structure{Type: TypeHFS, Offset: hfsMDBOffset, HFS: v, Label: v.VolumeName}
	out := []Structure{s}
	bs := int64(v.AllocationBlockSize)
	if bs == 0 || bs%512 != 0 || v.AllocationBlocks == 0 {
		out[0].note("implausible allocation blocks: %d of %d bytes", v.AllocationBlocks, bs)
		return out
	}
	allocEnd := int64(v.FirstAllocationBlock)*512 + int64(v.AllocationBlocks)*bs
	// The alternate MDB: a copy (same signature and creation date) near
	// the end of the allocation blocks.
	lo := max(hfsMDBOffset+512, allocEnd-2*bs)
	hi := min(allocEnd+bs+1024, lo+256<<10)
	for off := lo &^ 511; off <= hi; off += 512 {
		if c := m.read(off, 6); c != nil && string(c[:6]) == string(d[:6]) {
			v.AlternateMDB = off
		}
	}
	if v.AlternateMDB > 0 {
		out[0].ImpliedSize = v.AlternateMDB + 1024
	} else {
		out[0].ImpliedSize = allocEnd + 1024
		if allocEnd+1024 <= m.size {
			out[0].note("no alternate master directory block after the allocation blocks")
		}
	}
	if binary.BigEndian.Uint16(d[124:]) == hfsSigPlus {
		// An HFS wrapper (TN1150): drEmbedExtent (start block, count) in
		// allocation blocks holds the HFS Plus volume.
		v.Embedded = "H+"
		start := int64(v.FirstAllocationBlock)*512 + int64(f.be16(126))*bs
		if h := m.read(start+hfsMDBOffset, 512); h != nil && binary.BigEndian.Uint16(h) != hfsSigHFS {
			if sig := binary.BigEndian.Uint16(h); sig == hfsSigPlus || sig == hfsSigX {
				out = append(out, hfsPlus(m, start, h, true))
			}
		}
	}
	return out
}

// hfsPlus decodes an HFS Plus or HFSX volume header (TN1150): the volume
// is totalBlocks blocks of blockSize bytes, its alternate header 1024
// bytes before its end.
func hfsPlus(m *medium, base int64, d []byte, wrapped bool) Structure {
	f := fieldsOf(d)
	v := &HFSPlusVolume{
		Wrapped:   wrapped,
		Signature: string(d[:2]), Version: f.be16(2),
		LastMountedVersion: f.achars(8, 4),
		Created:            macDate(f.be32(16)),
		BlockSize:          f.be32(40), TotalBlocks: f.be32(44), FreeBlocks: f.be32(48),
	}
	s := Structure{Type: TypeHFSPlus, Offset: base + hfsMDBOffset, HFSPlus: v}
	if v.Signature == "HX" {
		s.Type = TypeHFSX
	}
	bs := int64(v.BlockSize)
	if bs < 512 || bs&(bs-1) != 0 || v.TotalBlocks == 0 {
		s.note("implausible allocation blocks: %d of %d bytes", v.TotalBlocks, bs)
		return s
	}
	s.ImpliedSize = base + int64(v.TotalBlocks)*bs
	if alt := s.ImpliedSize - 1024; alt+2 <= m.size && !m.has(alt, v.Signature) {
		s.note("no alternate volume header at byte %d (TN1150)", alt)
	}
	return s
}

// macDate formats a Mac OS date (seconds since 1904-01-01, local time) as
// ISO 8601 without a zone, or "" when it is 0.
func macDate(sec uint32) string {
	if sec == 0 {
		return ""
	}
	t := time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	return t.Format("2006-01-02T15:04:05")
}

// macRoman decodes a Mac OS Roman string; bytes above 7Fh, rare in volume
// names, become U+FFFD.
func macRoman(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		if c < 0x80 {
			r[i] = rune(c)
		} else {
			r[i] = '\uFFFD'
		}
	}
	return string(r)
}

// contentAt names the file system that starts at byte off, or "".
func contentAt(m *medium, off int64) string {
	switch {
	case hasPVDAt(m, off):
		return "ISO 9660"
	case m.has(off+hfsMDBOffset, "BD"):
		return "HFS"
	case m.has(off+hfsMDBOffset, "H+"):
		return "HFS Plus"
	case m.has(off+hfsMDBOffset, "HX"):
		return "HFSX"
	case m.has(off+hfsMDBOffset+56, "\x53\xEF"):
		return "ext2/3/4"
	case m.has(off+510, "\x55\xAA") && (m.has(off+54, "FAT1") || m.has(off+82, "FAT32")):
		return "FAT"
	case m.has(off+3, "NTFS    "):
		return "NTFS"
	case m.has(off+512, "EFI PART"):
		return "GPT"
	}
	return ""
}
