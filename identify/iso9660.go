package identify

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"spindle/iso9660/eltorito"
)

// ISO9660Volume is what an ISO 9660 volume descriptor (ECMA-119 §8.4 PVD,
// §8.5 SVD) or a High Sierra Standard File Structure Volume Descriptor
// records. Identifiers have their padding removed; dates are ISO 8601
// ("" when not set).
type ISO9660Volume struct {
	// Sector is where the descriptor is, in 2048-byte sectors of the
	// medium (of the partition, for a volume inside one: see
	// Structure.Container).
	Sector int64 `json:"sector"`
	// VolumeStart is the sector of the medium (or partition) where the
	// volume's block 0 is: 0 normally; -SectorOffset for an image of a
	// later session on its own; positive for a volume found further into
	// the medium (a later session of a whole-disc image, a volume after
	// other data).
	VolumeStart int64 `json:"volume_start"`
	// DescriptorType: 1 primary, 2 supplementary (ECMA-119 §8.1.1).
	DescriptorType int `json:"descriptor_type"`
	// Version is the descriptor version (2 for an ISO 9660:1999 enhanced
	// volume descriptor).
	Version              int    `json:"version"`
	SystemID             string `json:"system_id"`
	VolumeID             string `json:"volume_id"`
	VolumeSpaceSize      uint32 `json:"volume_space_size"`
	LogicalBlockSize     uint16 `json:"logical_block_size"`
	VolumeSetSize        uint16 `json:"volume_set_size"`
	VolumeSequenceNumber uint16 `json:"volume_sequence_number"`
	PathTableSize        uint32 `json:"path_table_size"`
	PathTableL           uint32 `json:"path_table_l"`
	PathTableM           uint32 `json:"path_table_m"`
	RootLBA              uint32 `json:"root_directory_lba"`
	VolumeSetID          string `json:"volume_set_id,omitempty"`
	Publisher            string `json:"publisher_id,omitempty"`
	Preparer             string `json:"preparer_id,omitempty"`
	Application          string `json:"application_id,omitempty"`
	CopyrightFile        string `json:"copyright_file_id,omitempty"`
	AbstractFile         string `json:"abstract_file_id,omitempty"`
	BibliographicFile    string `json:"bibliographic_file_id,omitempty"`
	Created              string `json:"created,omitempty"`
	Modified             string `json:"modified,omitempty"`
	Expires              string `json:"expires,omitempty"`
	Effective            string `json:"effective,omitempty"`
	// JolietLevel is 1, 2 or 3 for a Joliet SVD (its escape sequence
	// %/@, %/C or %/E), else 0.
	JolietLevel int `json:"joliet_level,omitempty"`
	// Have is how many bytes of the descriptor the medium holds (2048
	// unless it ends inside it): fields past them read as zero.
	Have int `json:"descriptor_bytes"`
}

// ElTorito is an El Torito Boot Record (El Torito 1.0 §2.0) and the
// entries of the boot catalog it points to.
type ElTorito struct {
	// CatalogLBA is the recorded address of the boot catalog.
	CatalogLBA uint32      `json:"catalog_lba"`
	Entries    []BootEntry `json:"entries,omitempty"`
	// CatalogError says why the catalog could not be read.
	CatalogError string `json:"catalog_error,omitempty"`
}

// BootEntry is one boot image of an El Torito catalog (§2.2, §2.4).
type BootEntry struct {
	Platform    string `json:"platform"`  // "x86", "EFI", "PowerPC", "Mac"
	Emulation   string `json:"emulation"` // "no emulation", "1.44M floppy", "hard disk", ...
	Bootable    bool   `json:"bootable"`
	LoadRBA     uint32 `json:"load_rba"`     // first sector of the image
	SectorCount uint16 `json:"sector_count"` // 512-byte virtual sectors loaded
}

// ECMA-119 §8.1: the volume descriptor set starts at logical sector 16.
const vdsFirst = 16

// maxVDs bounds the walk of a volume descriptor set (ECMA-119 sets no
// limit; real sets have three to six).
const maxVDs = 64

// Volume descriptor types (ECMA-119 §8.1.1).
const (
	vdBoot       = 0
	vdPrimary    = 1
	vdSupplement = 2
	vdPartition  = 3
	vdTerminator = 255
)

// probeISO finds the ISO 9660 (or High Sierra) volume descriptor set: at
// sector 16, or (when sector 16 holds none) at the first 2048-byte multiple
// within the scan limit that starts with a volume descriptor.
func probeISO(m *medium, o *Options, rep *Report) []Structure {
	first := int64(vdsFirst)
	b := m.partial(vdsFirst*SectorSize, 14)
	switch {
	case len(b) >= 6 && string(b[1:6]) == "CD001":
	case len(b) >= 14 && string(b[9:14]) == "CDROM":
		return probeHSF(m, o)
	default:
		first = scanVDS(m, o.ScanLimit)
		if first < 0 {
			return nil
		}
	}

	var out []Structure
	pvd := -1
	pl := place{fileStart: first - vdsFirst}
	terminated, ended := false, false
	for i := int64(0); i < maxVDs; i++ {
		sec := first + i
		d := m.partial(sec*SectorSize, SectorSize)
		ended = len(d) < SectorSize
		if len(d) < 7 || string(d[1:6]) != "CD001" {
			break
		}
		s := Structure{Offset: sec * SectorSize}
		switch d[0] {
		case vdPrimary:
			if pvd >= 0 {
				continue // a second PVD (ECMA-119 allows copies): the first rules
			}
			v := parseVolume(d, sec)
			s.Type, s.ISO9660, s.Label = TypeISO9660, v, v.VolumeID
			pl = isoPlace(m, o, rep, &s, v, first, len(d))
			v.VolumeStart = pl.volumeStart()
			isoSize(&s, v, d, pl)
			pvd = len(out)
		case vdSupplement:
			v := parseVolume(d, sec)
			s.Type, s.ISO9660 = TypeSupplementary, v
			if v.JolietLevel > 0 {
				s.Type = TypeJoliet
			}
			s.Label = v.VolumeID
			v.VolumeStart = pl.volumeStart()
			isoSize(&s, v, d, pl)
		case vdBoot:
			if !strings.HasPrefix(string(d[7:min(len(d), 39)]), "EL TORITO SPECIFICATION") {
				continue
			}
			s.Type = TypeElTorito
			s.ElTorito = elTorito(m, d, pl.volumeStart(), &s)
		case vdTerminator:
			terminated = true
		}
		if s.Type != "" {
			if len(d) < SectorSize {
				s.note("the medium ends %d bytes into this descriptor", len(d))
			}
			out = append(out, s)
		}
		if terminated || len(d) < SectorSize {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	if !terminated && !ended && pvd >= 0 {
		out[pvd].note("the volume descriptor set has no terminator (ECMA-119 §8.3)")
	}
	if pvd < 0 {
		out[0].note("no primary volume descriptor (ECMA-119 §8.4) in the set")
	}
	if first != vdsFirst {
		for i := range out {
			out[i].note("found by scanning: sector 16 holds no volume descriptor; this set starts at sector %d", first)
		}
	}
	return out
}

// hasPVDAt reports whether a volume descriptor set starting 16 sectors
// after byte off holds a Primary Volume Descriptor (ECMA-119 §8.4) before
// its terminator. A partition that merely starts a sector or more into an
// ISO 9660 volume (an Apple partition map's own entry, from block 1 of an
// isohybrid image) finds the volume's later descriptors (El Torito's boot
// record, Joliet's) at its sector 16, and is no volume of its own.
func hasPVDAt(m *medium, off int64) bool {
	for i := int64(0); i < maxVDs; i++ {
		h := m.partial(off+(vdsFirst+i)*SectorSize, 7)
		if len(h) < 7 || string(h[1:6]) != "CD001" || h[0] == vdTerminator {
			return false
		}
		if h[0] == vdPrimary {
			return true
		}
	}
	return false
}

// scanVDS returns the first sector after 16 that starts with an ISO 9660
// volume descriptor, looking no further than limit bytes, or -1.
func scanVDS(m *medium, limit int64) int64 {
	if limit <= 0 {
		return -1
	}
	end := min(m.size, limit) / SectorSize
	for sec := int64(vdsFirst + 1); sec < end; sec++ {
		h := m.read(sec*SectorSize, 7)
		if h == nil {
			return -1
		}
		if string(h[1:6]) == "CD001" && h[6] == 1 && (h[0] <= vdPartition) {
			return sec
		}
	}
	return -1
}

// parseVolume decodes a PVD or SVD (ECMA-119 §8.4, §8.5). d may be cut
// short by the end of the medium: fields past its end stay zero. Numbers
// recorded both-endian (§7.2.3, §7.3.3) are taken from their little-endian
// half.
func parseVolume(d []byte, sec int64) *ISO9660Volume {
	f := fieldsOf(d)
	v := &ISO9660Volume{Sector: sec, DescriptorType: int(d[0]), Version: int(d[6]), Have: len(d)}
	esc := f.bytes(88, 32) // §8.5.6 escape sequences
	for lvl, seq := range []string{"%/@", "%/C", "%/E"} {
		if strings.Contains(string(esc), seq) && v.DescriptorType == vdSupplement {
			v.JolietLevel = lvl + 1
		}
	}
	text := f.achars
	if v.JolietLevel > 0 {
		text = f.ucs2
	}
	v.SystemID = text(8, 32)
	v.VolumeID = text(40, 32)
	v.VolumeSpaceSize = f.le32(80)
	v.VolumeSetSize = f.le16(120)
	v.VolumeSequenceNumber = f.le16(124)
	v.LogicalBlockSize = f.le16(128)
	v.PathTableSize = f.le32(132)
	v.PathTableL = f.le32(140)
	v.PathTableM = f.be32(148)
	v.RootLBA = f.le32(156 + 2) // §9.1.3 in the root directory record at 156
	v.VolumeSetID = text(190, 128)
	v.Publisher = text(318, 128)
	v.Preparer = text(446, 128)
	v.Application = text(574, 128)
	v.CopyrightFile = text(702, 37)
	v.AbstractFile = text(739, 37)
	v.BibliographicFile = text(776, 37)
	v.Created = decDate(f.bytes(813, 17))
	v.Modified = decDate(f.bytes(830, 17))
	v.Expires = decDate(f.bytes(847, 17))
	v.Effective = decDate(f.bytes(864, 17))
	return v
}

// isoSize sets the size a PVD or SVD implies, and notes what is odd.
func isoSize(s *Structure, v *ISO9660Volume, d []byte, pl place) {
	if len(d) < 88 {
		s.note("the medium ends before the volume space size (byte 80 of the descriptor)")
		return
	}
	if be := binary.BigEndian.Uint32(d[84:]); be != v.VolumeSpaceSize {
		s.note("volume space size is %d little-endian but %d big-endian (ECMA-119 §7.3.3)", v.VolumeSpaceSize, be)
	}
	bs := int64(v.LogicalBlockSize)
	switch {
	case len(d) < 132:
		s.note("the medium ends before the logical block size (byte 128): 2048 assumed")
		bs = SectorSize
	case bs == 0:
		s.note("logical block size 0: 2048 assumed")
		bs = SectorSize
	case bs != 512 && bs != 1024 && bs != 2048:
		s.note("logical block size %d is not 512, 1024 or 2048 (ECMA-119 §6.1.2)", bs)
	}
	if len(d) >= 132 && binary.BigEndian.Uint16(d[130:]) != v.LogicalBlockSize {
		be := binary.BigEndian.Uint16(d[130:])
		s.note("logical block size is %d little-endian but %d big-endian (ECMA-119 §7.2.3)", v.LogicalBlockSize, be)
	}
	s.ImpliedSize = pl.end(s, int64(v.VolumeSpaceSize), bs)
}

// place says where a session is: its first sector is sector fileStart
// of the medium and has the disc address start (its sector offset). The
// volume's block x is then at sector fileStart + x - start.
type place struct {
	fileStart int64
	start     int64
}

// volumeStart is the sector of the medium where block 0 would be.
func (p place) volumeStart() int64 { return p.fileStart - p.start }

// end is the size a volume space size of vss blocks of bs bytes implies.
// A volume space counts from the start of the disc (ECMA-119 §6.2.1: a
// grown multi-session volume's last PVD covers all sessions), except that
// mkisofs -C without -M and xorriso write a session's own size: a volume
// space size not beyond the session start is taken as that.
func (p place) end(s *Structure, vss, bs int64) int64 {
	if p.start > 0 && vss <= p.start {
		s.note("the volume space size (%d) does not reach the session start (%d): taken as the session's own size", vss, p.start)
		return p.fileStart*SectorSize + vss*bs
	}
	return p.fileStart*SectorSize + (vss-p.start)*bs
}

// isoPlace works out where the session is, by finding the volume's root
// directory, whose first record (".") points to itself (ECMA-119 §6.8.2.2,
// §9.1): at its block counted from the set's session (a plain image, a
// volume inside a partition), from the start of the medium (a later
// session of a whole-disc image), or elsewhere — then the image starts at
// a later session's first sector, whose address Options.SectorOffset
// gives or the root's place tells.
func isoPlace(m *medium, o *Options, rep *Report, s *Structure, v *ISO9660Volume, first int64, n int) place {
	fileStart := first - vdsFirst
	pl := place{fileStart: fileStart, start: o.SectorOffset}
	bs := int64(v.LogicalBlockSize)
	if o.SectorOffset != 0 || n < 190 || bs != SectorSize || o.nested {
		// Given; or the root directory record (bytes 156-189) is cut
		// off; or blocks are not sectors: take the set's place.
		return pl
	}
	root := int64(v.RootLBA)
	at := func(sec int64) bool { return rootAt(m, sec*SectorSize, v.RootLBA) }
	switch {
	case at(fileStart + root):
		if fileStart > 0 {
			s.note("the volume starts at sector %d of the medium and counts its blocks from there", fileStart)
		}
		return place{fileStart: fileStart}
	case fileStart > 0 && at(root):
		s.note("the volume counts its blocks from the start of the medium: a later session (at sector %d) of a whole-disc image", fileStart)
		return place{fileStart: fileStart, start: fileStart}
	}
	// A later session copied on its own: the root directory is fewer
	// sectors into the medium than its address says.
	end := min(fileStart+root, m.size/SectorSize, fileStart+DefaultScanLimit/SectorSize)
	for sec := fileStart + vdsFirst + 1; sec < end; sec++ {
		if at(sec) {
			start := fileStart + root - sec
			rep.SectorOffset, rep.SectorOffsetDetected = start, true
			s.note("the root directory (block %d) is at sector %d: the image is a later session, copied on its own, that starts at disc sector %d", root, sec, start)
			return place{fileStart: fileStart, start: start}
		}
	}
	if (fileStart+root+1)*SectorSize <= m.size {
		s.note("no root directory at block %d (ECMA-119 §6.8.2.2)", root)
	}
	return pl
}

// rootAt reports whether the directory record at off is the "." record of
// the directory at block lba (ECMA-119 §9.1: length ≥ 34, extent, flags
// bit 1 "directory", identifier 00h of length 1).
func rootAt(m *medium, off int64, lba uint32) bool {
	d := m.read(off, 34)
	return d != nil && d[0] >= 34 && binary.LittleEndian.Uint32(d[2:]) == lba &&
		d[25]&2 != 0 && d[32] == 1 && d[33] == 0
}

// elTorito reads the boot catalog a Boot Record (El Torito 1.0 §2.0: its
// address at byte 47h) points to.
func elTorito(m *medium, d []byte, origin int64, s *Structure) *ElTorito {
	f := fieldsOf(d)
	e := &ElTorito{CatalogLBA: f.le32(0x47)}
	off := (origin + int64(e.CatalogLBA)) * SectorSize
	cat := m.read(off, SectorSize)
	if cat == nil {
		e.CatalogError = fmt.Sprintf("catalog sector %d is beyond the end of the medium", e.CatalogLBA)
		return e
	}
	c, err := eltorito.Parse(cat)
	if err != nil {
		e.CatalogError = err.Error()
		s.note("boot catalog at sector %d: %v", e.CatalogLBA, err)
		return e
	}
	for _, en := range c.Entries {
		e.Entries = append(e.Entries, BootEntry{
			Platform: en.Platform.String(), Emulation: en.Emulation.String(), Bootable: en.Bootable,
			LoadRBA: en.LoadRBA, SectorCount: en.SectorCount,
		})
	}
	return e
}

// High Sierra (CDROM Working Paper, 1986): the volume descriptors start at
// logical sector 16 like ECMA-119's, but each begins with its own logical
// block number (8 bytes, both-endian), so the type is at byte 8, the
// standard identifier "CDROM" at byte 9, and every later field is 8 or 24
// bytes further on than in ECMA-119.
func probeHSF(m *medium, o *Options) []Structure {
	for i := int64(0); i < maxVDs; i++ {
		sec := vdsFirst + i
		d := m.partial(sec*SectorSize, SectorSize)
		if len(d) < 15 || string(d[9:14]) != "CDROM" || d[8] == vdTerminator {
			return nil
		}
		if d[8] != vdPrimary {
			continue
		}
		f := fieldsOf(d)
		v := &ISO9660Volume{
			Sector: sec, DescriptorType: int(d[8]), Version: int(d[14]), Have: len(d),
			SystemID: f.achars(16, 32), VolumeID: f.achars(48, 32),
			VolumeSpaceSize:      f.le32(88),
			VolumeSetSize:        f.le16(128),
			VolumeSequenceNumber: f.le16(132),
			LogicalBlockSize:     f.le16(136),
			PathTableSize:        f.le32(140),
			PathTableL:           f.le32(148),
			PathTableM:           f.be32(164),
			RootLBA:              f.le32(180 + 2),
			VolumeSetID:          f.achars(214, 128),
			Publisher:            f.achars(342, 128),
			Preparer:             f.achars(470, 128),
			Application:          f.achars(598, 128),
			CopyrightFile:        f.achars(726, 32),
			AbstractFile:         f.achars(758, 32),
			Created:              decDate(f.bytes(790, 16)),
			Modified:             decDate(f.bytes(806, 16)),
			Expires:              decDate(f.bytes(822, 16)),
			Effective:            decDate(f.bytes(838, 16)),
		}
		v.VolumeStart = -o.SectorOffset
		s := Structure{Type: TypeHighSierra, Offset: sec * SectorSize, Label: v.VolumeID, ISO9660: v}
		if len(d) < 140 {
			s.note("the medium ends %d bytes into the descriptor, before its sizes", len(d))
			return []Structure{s}
		}
		bs := int64(v.LogicalBlockSize)
		if bs == 0 {
			bs = SectorSize
			s.note("logical block size 0: 2048 assumed")
		}
		if size := (int64(v.VolumeSpaceSize) - o.SectorOffset) * bs; size > 0 {
			s.ImpliedSize = size
		}
		return []Structure{s}
	}
	return nil
}

// fields reads little- and big-endian numbers and strings from a
// descriptor that may be cut short: what is past its end reads as zero.
type fields []byte

func fieldsOf(d []byte) fields { return fields(d) }

func (f fields) bytes(off, n int) []byte {
	if off >= len(f) {
		return nil
	}
	return f[off:min(len(f), off+n)]
}

func (f fields) full(off, n int) []byte {
	if off+n > len(f) {
		return make([]byte, n)
	}
	return f[off : off+n]
}

func (f fields) le16(off int) uint16 { return binary.LittleEndian.Uint16(f.full(off, 2)) }
func (f fields) le32(off int) uint32 { return binary.LittleEndian.Uint32(f.full(off, 4)) }
func (f fields) le64(off int) uint64 { return binary.LittleEndian.Uint64(f.full(off, 8)) }
func (f fields) be16(off int) uint16 { return binary.BigEndian.Uint16(f.full(off, 2)) }
func (f fields) be32(off int) uint32 { return binary.BigEndian.Uint32(f.full(off, 4)) }

// achars returns an a- or d-character field (ECMA-119 §7.4) without its
// padding; bytes outside printable ASCII become U+FFFD.
func (f fields) achars(off, n int) string {
	b := f.bytes(off, n)
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else if c != 0 {
			sb.WriteRune('\uFFFD')
		} else {
			sb.WriteByte(' ')
		}
	}
	return strings.TrimSpace(sb.String())
}

// ucs2 returns a Joliet identifier: UCS-2 big-endian, space-padded.
func (f fields) ucs2(off, n int) string {
	b := f.bytes(off, n)
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.BigEndian.Uint16(b[i:]))
	}
	return strings.TrimRight(string(utf16.Decode(u)), " \x00")
}

// decDate formats a dec-datetime (ECMA-119 §8.4.26.1: 16 digits
// YYYYMMDDHHMMSScc and, in ISO 9660 but not High Sierra, an offset from
// GMT in 15-minute steps) as ISO 8601, or "" when it is not set (all
// zeros) or not digits.
func decDate(b []byte) string {
	if len(b) < 16 {
		return ""
	}
	digits := string(b[:16])
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 {
		return ""
	}
	s := fmt.Sprintf("%s-%s-%sT%s:%s:%s.%s", digits[0:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12], digits[12:14], digits[14:16])
	if len(b) >= 17 {
		tz := int(int8(b[16])) * 15
		sign := '+'
		if tz < 0 {
			sign, tz = '-', -tz
		}
		s += fmt.Sprintf("%c%02d:%02d", sign, tz/60, tz%60)
	}
	return s
}
