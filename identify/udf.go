package identify

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// UDFVolume is what a UDF volume records (ECMA-167 3rd edition; OSTA UDF).
type UDFVolume struct {
	// Recognition lists the Volume Recognition Sequence's descriptors after
	// the ISO 9660 ones (ECMA-167 2/8.3): "BEA01", "NSR02", "TEA01", ...
	Recognition []string `json:"recognition"`
	// SectorSize is the sector size the anchors were found with.
	SectorSize int `json:"sector_size"`
	// Anchors are the sectors holding a valid Anchor Volume Descriptor
	// Pointer (3/10.2), normally 256 and the last sector (3/8.4.2.1).
	Anchors []int64 `json:"anchors"`
	// MainVDS and ReserveVDS are the Volume Descriptor Sequence extents
	// the first anchor records (3/10.2.2, 3/10.2.3).
	MainVDS    Extent `json:"main_vds"`
	ReserveVDS Extent `json:"reserve_vds"`
	// VolumeID and VolumeSetID come from the Primary Volume Descriptor
	// (3/10.1), the logical volume's fields from the Logical Volume
	// Descriptor (3/10.6).
	VolumeID         string `json:"volume_id,omitempty"`
	VolumeSetID      string `json:"volume_set_id,omitempty"`
	LogicalVolumeID  string `json:"logical_volume_id,omitempty"`
	LogicalBlockSize uint32 `json:"logical_block_size,omitempty"`
	// Domain is the LVD's domain identifier ("*OSTA UDF Compliant") and
	// Revision the UDF revision in its suffix ("1.02", "2.01").
	Domain         string `json:"domain,omitempty"`
	Revision       string `json:"udf_revision,omitempty"`
	Implementation string `json:"implementation,omitempty"`
	// Partitions are the Partition Descriptors (3/10.5).
	Partitions []UDFPartition `json:"partitions,omitempty"`
	// Integrity is the LVD's integrity sequence extent (3/10.6.12);
	// IntegrityType ("open" or "close") and Recorded (its recording time)
	// come from the Logical Volume Integrity Descriptor there (3/10.10).
	Integrity     Extent `json:"integrity_sequence"`
	IntegrityType string `json:"integrity_type,omitempty"`
	Recorded      string `json:"recorded,omitempty"`
}

// Extent is an extent_ad (ECMA-167 3/7.1): a length in bytes and the
// sector where it starts.
type Extent struct {
	Length   uint32 `json:"length"`
	Location uint32 `json:"location"`
}

// end is the sector after the extent.
func (e Extent) end(ss int64) int64 {
	return int64(e.Location) + (int64(e.Length)+ss-1)/ss
}

// UDFPartition is one Partition Descriptor (ECMA-167 3/10.5).
type UDFPartition struct {
	Number uint16 `json:"number"`
	// Contents is the partition contents identifier: "+NSR02", "+NSR03".
	Contents   string `json:"contents"`
	AccessType string `json:"access_type"` // "read-only", "write-once", "rewritable", "overwritable"
	Start      uint32 `json:"start"`       // first sector
	Length     uint32 `json:"length"`      // in sectors
}

// Descriptor tag identifiers (ECMA-167 3/7.2.1, 4/7.2.1).
const (
	tagPVD  = 1
	tagAVDP = 2
	tagVDP  = 3
	tagPD   = 5
	tagLVD  = 6
	tagTD   = 8
	tagLVID = 9
)

// ECMA-167 3/8.4.2.1: an anchor at sector 256 and at N-256 or N (the last
// sector), where N is counted in the medium's sectors.
const udfAnchor = 256

const (
	maxVRS         = 80   // sectors of the recognition sequence walked (after ISO 9660's set)
	maxVDSSectors  = 64   // sectors of one Volume Descriptor Sequence extent walked
	maxVDPHops     = 4    // Volume Descriptor Pointers followed (3/10.3)
	anchorLookBack = 1024 // sectors searched back from the end for the last anchor
)

// probeUDF finds a UDF volume: its recognition sequence from byte 32768,
// then its anchors and descriptor sequences.
func probeUDF(m *medium) []Structure {
	var rec []string
	recAt := int64(-1)
	nsr, bea := false, false
	for i := int64(0); i < maxVRS; i++ {
		h := m.read((vdsFirst+i)*SectorSize, 7)
		if h == nil {
			break
		}
		id := string(h[1:6])
		switch id {
		case "CD001", "CDW02":
			continue
		case "BEA01":
			bea = true
		case "NSR02", "NSR03":
			nsr = nsr || bea
		case "BOOT2", "TEA01":
		default:
			i = maxVRS // the sequence ends at the first other sector (2/8.3.1)
			continue
		}
		if recAt < 0 {
			recAt = vdsFirst + i
		}
		rec = append(rec, id)
	}

	s := Structure{Type: TypeUDF, Offset: udfAnchor * SectorSize}
	u := &UDFVolume{Recognition: rec}
	s.UDF = u
	if recAt >= 0 {
		s.Offset = recAt * SectorSize
	}

	// The sector size: the one an anchor at 256 is valid with.
	ss := int64(0)
	for _, try := range []int64{2048, 512, 4096} {
		if _, ok := udfTag(m, udfAnchor, try, tagAVDP); ok {
			ss = try
			break
		}
	}
	if ss == 0 {
		if !nsr {
			return nil // neither recognition sequence nor anchor: not UDF
		}
		ss = SectorSize
		if (udfAnchor+1)*ss > m.size {
			s.note("no anchor volume descriptor pointer: the medium ends before sector 256 (ECMA-167 3/8.4.2.1)")
			s.ImpliedSize = (udfAnchor + 1) * ss
		} else {
			s.note("no valid anchor volume descriptor pointer at sector 256 (ECMA-167 3/8.4.2.1)")
		}
	} else if !nsr {
		s.note("anchor at sector 256 but no NSR descriptor in the volume recognition sequence (ECMA-167 3/9.1)")
	}
	u.SectorSize = int(ss)

	// Anchors at 256, N-256 and N-1; when the last sector holds none, the
	// last anchor within anchorLookBack sectors of it.
	n := m.size / ss
	var first []byte
	for _, sec := range []int64{udfAnchor, n - 256, n - 1} {
		if sec < udfAnchor || slices.Contains(u.Anchors, sec) {
			continue
		}
		if d, ok := udfTag(m, sec, ss, tagAVDP); ok {
			u.Anchors = append(u.Anchors, sec)
			if first == nil {
				first = d
			}
		}
	}
	if len(u.Anchors) > 0 && !slices.Contains(u.Anchors, n-1) {
		for sec := n - 2; sec > udfAnchor && sec >= n-1-anchorLookBack; sec-- {
			if d, ok := udfTag(m, sec, ss, tagAVDP); ok {
				u.Anchors = append(u.Anchors, sec)
				if first == nil {
					first = d
				}
				s.note("the last anchor is at sector %d, not at the last sector (%d): the medium goes on after the UDF volume", sec, n-1)
				break
			}
		}
	}
	if len(u.Anchors) == 1 {
		s.note("only one anchor volume descriptor pointer: ECMA-167 3/8.4.2.1 wants two of sectors 256, N-256 and N (the last)")
	}
	if first == nil {
		if len(s.Notes) == 0 {
			s.note("no valid anchor volume descriptor pointer (ECMA-167 3/8.4.2.1)")
		}
		return []Structure{s}
	}
	f := fieldsOf(first)
	u.MainVDS = Extent{Length: f.le32(16), Location: f.le32(20)}
	u.ReserveVDS = Extent{Length: f.le32(24), Location: f.le32(28)}
	if !udfVDS(m, ss, u.MainVDS, u, &s) {
		s.note("main volume descriptor sequence at sector %d unreadable: using the reserve at %d", u.MainVDS.Location, u.ReserveVDS.Location)
		udfVDS(m, ss, u.ReserveVDS, u, &s)
	}
	if u.Integrity.Length > 0 {
		if d, ok := udfTag(m, int64(u.Integrity.Location), ss, tagLVID); ok {
			g := fieldsOf(d)
			switch g.le32(28) {
			case 0:
				u.IntegrityType = "open"
			case 1:
				u.IntegrityType = "close"
			default:
				u.IntegrityType = fmt.Sprint(g.le32(28))
			}
			u.Recorded = udfTime(g.bytes(16, 12))
		} else {
			s.note("no logical volume integrity descriptor at sector %d (ECMA-167 3/10.10)", u.Integrity.Location)
		}
	}
	s.Label = u.LogicalVolumeID
	if s.Label == "" {
		s.Label = u.VolumeID
	}

	// The implied size: the sector after the last one any descriptor
	// references.
	last := int64(0)
	for _, a := range u.Anchors {
		last = max(last, a+1)
	}
	for _, e := range []Extent{u.MainVDS, u.ReserveVDS, u.Integrity} {
		if e.Length > 0 {
			last = max(last, e.end(ss))
		}
	}
	for _, p := range u.Partitions {
		last = max(last, int64(p.Start)+int64(p.Length))
	}
	s.ImpliedSize = max(s.ImpliedSize, last*ss)
	return []Structure{s}
}

// udfVDS walks a Volume Descriptor Sequence (ECMA-167 3/8.4.3) and fills u
// from its PVD, PDs and LVD. It reports whether the first descriptor was
// valid.
func udfVDS(m *medium, ss int64, e Extent, u *UDFVolume, s *Structure) bool {
	ok := false
	hops := 0
	for i := int64(0); i < min(int64(e.Length)/ss, maxVDSSectors); i++ {
		sec := int64(e.Location) + i
		d, valid := udfTag(m, sec, ss, -1)
		if !valid {
			break
		}
		ok = true
		f := fieldsOf(d)
		switch binary.LittleEndian.Uint16(d) {
		case tagPVD: // 3/10.1
			if u.VolumeID == "" {
				u.VolumeID = dstring(f.bytes(24, 32))
				u.VolumeSetID = dstring(f.bytes(72, 128))
			}
		case tagPD: // 3/10.5
			p := UDFPartition{
				Number:     f.le16(22),
				Contents:   strings.TrimRight(string(f.bytes(25, 23)), "\x00"),
				AccessType: accessType(f.le32(184)),
				Start:      f.le32(188),
				Length:     f.le32(192),
			}
			if !slices.ContainsFunc(u.Partitions, func(q UDFPartition) bool { return q.Number == p.Number }) {
				u.Partitions = append(u.Partitions, p)
			}
		case tagLVD: // 3/10.6
			if u.LogicalVolumeID == "" {
				u.LogicalVolumeID = dstring(f.bytes(84, 128))
				u.LogicalBlockSize = f.le32(212)
				u.Domain = strings.TrimRight(string(f.bytes(217, 23)), "\x00")
				if rev := f.le16(240); rev != 0 {
					u.Revision = fmt.Sprintf("%x.%02x", rev>>8, rev&0xff)
				}
				u.Implementation = strings.TrimRight(string(f.bytes(273, 23)), "\x00")
				u.Integrity = Extent{Length: f.le32(432), Location: f.le32(436)}
				if u.LogicalBlockSize != 0 && int64(u.LogicalBlockSize) != ss {
					s.note("logical block size %d differs from the sector size %d", u.LogicalBlockSize, ss)
				}
			}
		case tagVDP: // 3/10.3: the sequence continues elsewhere
			if hops++; hops > maxVDPHops {
				return ok
			}
			e = Extent{Length: f.le32(20), Location: f.le32(24)}
			i = -1
		case tagTD:
			return ok
		}
	}
	return ok
}

// udfTag reads sector sec (of size ss) and checks its descriptor tag
// (ECMA-167 3/7.2): identifier want (any when negative), version 2 or 3,
// checksum (3/7.2.3), CRC (3/7.2.6) and location (3/7.2.8).
func udfTag(m *medium, sec, ss int64, want int) ([]byte, bool) {
	if sec < 0 || sec > m.size/ss {
		return nil, false
	}
	// The 16-byte tag first: most sectors fail here, cheaply.
	h := m.read(sec*ss, 16)
	if h == nil {
		return nil, false
	}
	id := binary.LittleEndian.Uint16(h)
	if want >= 0 && int(id) != want {
		return nil, false
	}
	if v := binary.LittleEndian.Uint16(h[2:]); v != 2 && v != 3 {
		return nil, false
	}
	var sum byte
	for i := 0; i < 16; i++ {
		if i != 4 {
			sum += h[i]
		}
	}
	if sum != h[4] || int64(binary.LittleEndian.Uint32(h[12:])) != sec {
		return nil, false
	}
	d := m.read(sec*ss, int(ss))
	if d == nil {
		return nil, false
	}
	crcLen := int(binary.LittleEndian.Uint16(d[10:]))
	if 16+crcLen <= len(d) && crcITU(d[16:16+crcLen]) != binary.LittleEndian.Uint16(d[8:]) {
		return nil, false
	}
	return d, true
}

// crcITU is the CRC of ECMA-167 3/7.2.6: CRC-ITU-T, polynomial
// x^16 + x^12 + x^5 + 1, initial value 0, bits taken most significant
// first. Bit by bit: a descriptor is at most a block, and a table would be
// built at the start of every program that links the package.
func crcITU(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// dstring decodes a dstring (ECMA-167 1/7.2.12) in OSTA CS0 (UDF 2.1.1):
// the last byte is the length used, the first the compression ID (8: one
// byte a character, 16: UCS-2 big-endian).
func dstring(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	n := int(b[len(b)-1])
	if n < 2 || n > len(b)-1 {
		return ""
	}
	return cs0(b[:n])
}

// cs0 decodes OSTA compressed Unicode (UDF 2.1.1): the compression ID and
// the characters.
func cs0(b []byte) string {
	switch b[0] {
	case 8:
		r := make([]rune, 0, len(b)-1)
		for _, c := range b[1:] {
			r = append(r, rune(c))
		}
		return string(r)
	case 16:
		u := make([]uint16, 0, len(b)/2)
		for i := 1; i+1 < len(b); i += 2 {
			u = append(u, binary.BigEndian.Uint16(b[i:]))
		}
		return string(utf16.Decode(u))
	}
	return ""
}

// accessType names a Partition Descriptor's access type (ECMA-167
// 3/10.5.7).
func accessType(t uint32) string {
	switch t {
	case 0:
		return "unspecified"
	case 1:
		return "read-only"
	case 2:
		return "write-once"
	case 3:
		return "rewritable"
	case 4:
		return "overwritable"
	}
	return fmt.Sprint(t)
}

// udfTime formats a timestamp (ECMA-167 1/7.3) as ISO 8601, or "".
func udfTime(b []byte) string {
	if len(b) < 12 {
		return ""
	}
	f := fieldsOf(b)
	tt := f.le16(0)
	year := f.le16(2)
	if year == 0 {
		return ""
	}
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", year, b[4], b[5], b[6], b[7], b[8])
	if tt>>12 == 1 { // local time with a time zone offset in minutes
		tz := int(int16(tt<<4) >> 4)
		if tz != -2047 {
			sign := '+'
			if tz < 0 {
				sign, tz = '-', -tz
			}
			s += fmt.Sprintf("%c%02d:%02d", sign, tz/60, tz%60)
		}
	}
	return s
}
