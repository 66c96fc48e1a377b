package identify

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// MBR is a classic PC partition table (UEFI 2.10 §5.2.1 "Legacy MBR": four
// 16-byte entries at byte 446, signature 55h AAh at byte 510).
type MBR struct {
	DiskSignature uint32         `json:"disk_signature"`
	Partitions    []MBRPartition `json:"partitions"`
}

// MBRPartition is one used entry of an MBR.
type MBRPartition struct {
	Index    int    `json:"index"` // 1 to 4
	Bootable bool   `json:"bootable"`
	Type     uint8  `json:"type"`
	TypeName string `json:"type_name,omitempty"` // "Linux", "EFI System", "GPT protective", ...
	Start    uint32 `json:"start"`               // first 512-byte sector
	Sectors  uint32 `json:"sectors"`
	Contains string `json:"contains,omitempty"` // as in APMPartition
}

// GPT is a GUID Partition Table (UEFI 2.10 §5.3).
type GPT struct {
	// SectorSize is the logical block size the header was found with
	// (512, or 2048/4096 on media with larger blocks).
	SectorSize    int    `json:"sector_size"`
	Revision      string `json:"revision"`
	DiskGUID      string `json:"disk_guid"`
	CurrentLBA    uint64 `json:"current_lba"`
	BackupLBA     uint64 `json:"backup_lba"`
	FirstUsable   uint64 `json:"first_usable_lba"`
	LastUsable    uint64 `json:"last_usable_lba"`
	EntriesLBA    uint64 `json:"entries_lba"`
	EntryCount    uint32 `json:"entry_count"`
	EntrySize     uint32 `json:"entry_size"`
	HeaderCRCOK   bool   `json:"header_crc_ok"`
	EntriesCRCOK  bool   `json:"entries_crc_ok"`
	BackupPresent bool   `json:"backup_present"`
	// Partitions are the used entries.
	Partitions []GPTPartition `json:"partitions"`
}

// GPTPartition is one used GPT partition entry (UEFI 2.10 §5.3.3).
type GPTPartition struct {
	Index    int    `json:"index"` // from 1
	TypeGUID string `json:"type_guid"`
	TypeName string `json:"type_name,omitempty"`
	GUID     string `json:"guid"`
	FirstLBA uint64 `json:"first_lba"`
	LastLBA  uint64 `json:"last_lba"`
	Name     string `json:"name,omitempty"`
	Contains string `json:"contains,omitempty"`
}

const (
	mbrTable     = 446
	mbrSector    = 512
	typeGPTGuard = 0xEE
	// maxGPTEntryBytes bounds the entry array read (128 entries of 128
	// bytes is the usual 16 KiB).
	maxGPTEntryBytes = 1 << 20
	// maxLBA bounds an LBA taken as a size (2^48 512-byte sectors is
	// 128 PiB): beyond it the header is nonsense.
	maxLBA = 1 << 48
)

// probePC finds an MBR and a GPT.
func probePC(m *medium) []Structure {
	var out []Structure
	seen := containers{}
	if s, ok := probeMBR(m); ok {
		out = append(out, s)
		for _, p := range s.MBR.Partitions {
			if p.Type != typeGPTGuard {
				out = append(out, seen.probe(m, int64(p.Start)*mbrSector, fmt.Sprintf("MBR partition %d", p.Index))...)
			}
		}
	}
	if s, ok := probeGPT(m); ok {
		out = append(out, s)
		for _, p := range s.GPT.Partitions {
			if p.FirstLBA < maxLBA {
				out = append(out, seen.probe(m, int64(p.FirstLBA)*int64(s.GPT.SectorSize), fmt.Sprintf("GPT partition %d", p.Index))...)
			}
		}
	}
	return out
}

// probeMBR reads the table at byte 446. 55 AA alone is not enough: the
// system area of an ISO 9660 image, a FAT boot sector, or random data may
// have it. An MBR needs boot indicators of 00h or 80h and at least one
// used entry whose sectors fit the 32-bit address space.
func probeMBR(m *medium) (Structure, bool) {
	s := Structure{Type: TypeMBR, Offset: mbrTable}
	d := m.read(0, mbrSector)
	if d == nil || d[510] != 0x55 || d[511] != 0xAA {
		return s, false
	}
	mbr := &MBR{DiskSignature: binary.LittleEndian.Uint32(d[440:])}
	end := int64(0)
	for i := range 4 {
		e := d[mbrTable+16*i : mbrTable+16*(i+1)]
		if e[0] != 0 && e[0] != 0x80 {
			return s, false
		}
		p := MBRPartition{
			Index: i + 1, Bootable: e[0] == 0x80, Type: e[4], TypeName: mbrTypeName(e[4]),
			Start: binary.LittleEndian.Uint32(e[8:]), Sectors: binary.LittleEndian.Uint32(e[12:]),
		}
		if p.Type == 0 || p.Sectors == 0 {
			continue
		}
		if p.Start > 0 {
			p.Contains = contentAt(m, int64(p.Start)*mbrSector)
		}
		if p.Type != typeGPTGuard {
			end = max(end, (int64(p.Start)+int64(p.Sectors))*mbrSector)
		}
		mbr.Partitions = append(mbr.Partitions, p)
	}
	if len(mbr.Partitions) == 0 {
		return s, false
	}
	s.MBR, s.ImpliedSize = mbr, end
	return s, true
}

// mbrTypeName names the partition types found on optical media and the
// common ones.
func mbrTypeName(t uint8) string {
	switch t {
	case 0x01:
		return "FAT12"
	case 0x04, 0x06, 0x0E:
		return "FAT16"
	case 0x05, 0x0F:
		return "extended"
	case 0x07:
		return "NTFS/exFAT"
	case 0x0B, 0x0C:
		return "FAT32"
	case 0x17:
		return "hidden NTFS/ISO 9660"
	case 0x82:
		return "Linux swap"
	case 0x83:
		return "Linux"
	case 0x96:
		return "ISO 9660 (CHRP)"
	case 0xA5:
		return "FreeBSD"
	case 0xAF:
		return "HFS/HFS+"
	case 0xCD:
		return "ISO 9660 (xorriso)"
	case 0xEE:
		return "GPT protective"
	case 0xEF:
		return "EFI System"
	}
	return ""
}

// probeGPT reads the GPT header at LBA 1 (UEFI 2.10 §5.3.2), trying 512-,
// 2048- and 4096-byte blocks, checks its CRC-32 and that of the partition
// entry array (§5.3.2 Table 5-5), and reads the used entries.
func probeGPT(m *medium) (Structure, bool) {
	for _, ss := range []int64{512, 2048, 4096} {
		if s, ok := gptAt(m, ss); ok {
			return s, true
		}
	}
	return Structure{}, false
}

func gptAt(m *medium, ss int64) (Structure, bool) {
	s := Structure{Type: TypeGPT, Offset: ss}
	h := m.read(ss, int(ss))
	if h == nil || string(h[:8]) != "EFI PART" {
		return s, false
	}
	f := fieldsOf(h)
	g := &GPT{
		SectorSize: int(ss),
		Revision:   fmt.Sprintf("%d.%d", f.le16(10), f.le16(8)),
		CurrentLBA: f.le64(24), BackupLBA: f.le64(32),
		FirstUsable: f.le64(40), LastUsable: f.le64(48),
		DiskGUID:   guid(h[56:72]),
		EntriesLBA: f.le64(72), EntryCount: f.le32(80), EntrySize: f.le32(84),
	}
	s.GPT = g
	hs := f.le32(12)
	if hs < 92 || int64(hs) > ss {
		s.note("header size %d out of range (92 to %d)", hs, ss)
	} else {
		c := make([]byte, hs)
		copy(c, h)
		binary.LittleEndian.PutUint32(c[16:], 0)
		g.HeaderCRCOK = crc32IEEE(c) == f.le32(16)
		if !g.HeaderCRCOK {
			s.note("header CRC-32 mismatch (UEFI 2.10 §5.3.2)")
		}
	}
	if g.CurrentLBA != 1 {
		s.note("header says it is at LBA %d, not 1", g.CurrentLBA)
	}
	if g.BackupLBA > 0 && g.BackupLBA < maxLBA {
		s.ImpliedSize = (int64(g.BackupLBA) + 1) * ss
		if b := m.read(int64(g.BackupLBA)*ss, 8); b != nil && string(b) == "EFI PART" {
			g.BackupPresent = true
		} else if s.ImpliedSize <= m.size {
			s.note("no backup header at LBA %d", g.BackupLBA)
		}
	} else {
		s.note("backup LBA %d out of range", g.BackupLBA)
	}
	n, es := int64(g.EntryCount), int64(g.EntrySize)
	if es < 128 || es%8 != 0 || n*es > maxGPTEntryBytes || g.EntriesLBA >= maxLBA {
		s.note("partition entry array of %d entries of %d bytes is out of range", n, es)
		return s, true
	}
	arr := m.read(int64(g.EntriesLBA)*ss, int(n*es))
	if arr == nil {
		s.note("partition entry array at LBA %d is beyond the end of the medium", g.EntriesLBA)
		return s, true
	}
	g.EntriesCRCOK = crc32IEEE(arr) == f.le32(88)
	if !g.EntriesCRCOK {
		s.note("partition entry array CRC-32 mismatch (UEFI 2.10 §5.3.2)")
	}
	for i := int64(0); i < n; i++ {
		e := arr[i*es : (i+1)*es]
		if allZero(e[:16]) {
			continue
		}
		ef := fieldsOf(e)
		p := GPTPartition{
			Index: int(i + 1), TypeGUID: guid(e[:16]), GUID: guid(e[16:32]),
			FirstLBA: ef.le64(32), LastLBA: ef.le64(40), Name: utf16le(e[56:128]),
		}
		p.TypeName = gptTypeName(p.TypeGUID)
		if p.FirstLBA > 0 && p.FirstLBA < maxLBA {
			p.Contains = contentAt(m, int64(p.FirstLBA)*ss)
		}
		g.Partitions = append(g.Partitions, p)
	}
	return s, true
}

// guid formats a GUID stored as UEFI does (§Appendix A: the first three
// fields little-endian).
func guid(b []byte) string {
	return fmt.Sprintf("%08X-%04X-%04X-%X-%X", binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint16(b[4:]),
		binary.LittleEndian.Uint16(b[6:]), b[8:10], b[10:16])
}

// gptTypeName names a GPT partition type GUID (UEFI 2.x Table 5.7 and the
// common OS types); a switch, so that nothing runs at program start.
func gptTypeName(g string) string {
	switch g {
	case "C12A7328-F81F-11D2-BA4B-00A0C93EC93B":
		return "EFI System"
	case "21686148-6449-6E6F-744E-656564454649":
		return "BIOS boot"
	case "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7":
		return "Microsoft basic data"
	case "0FC63DAF-8483-4772-8E79-3D69D8477DE4":
		return "Linux filesystem"
	case "48465300-0000-11AA-AA11-00306543ECAC":
		return "Apple HFS+"
	case "7C3457EF-0000-11AA-AA11-00306543ECAC":
		return "Apple APFS"
	case "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F":
		return "Linux swap"
	}
	return ""
}

func utf16le(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u)))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// crc32IEEE is the CRC-32 that GPT headers and partition arrays carry
// (UEFI 2.10 §5.3.2: the ISO 3309 / ITU-T V.42 CRC, polynomial 0x04C11DB7
// reflected, initial value and final XOR all ones). It is computed bit by
// bit: the inputs are at most a header and one partition array, and
// hash/crc32 would build its table at every program start.
func crc32IEEE(b []byte) uint32 {
	crc := ^uint32(0)
	for _, v := range b {
		crc ^= uint32(v)
		for range 8 {
			crc = crc>>1 ^ 0xEDB88320&-(crc&1)
		}
	}
	return ^crc
}
