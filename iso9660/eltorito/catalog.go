package eltorito

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// RecordSize is the size of every boot catalog record (El Torito 1.0 §2.0:
// the catalog is "a collection of 20 [hex] byte entries").
const RecordSize = 32

// MaxRecords is the number of 32-byte records MarshalBinary will write: one
// 2048-byte sector. El Torito 1.0 §2.0 sets no limit on the catalog's size,
// but firmware commonly reads only the catalog's first sector, and xorriso's
// limit of 32 boot images fits exactly (1 validation + 1 default + 31
// entries + 31 headers). Parse accepts longer catalogs.
const MaxRecords = SectorSize / RecordSize

// Record type bytes at offset 0 of each record.
const (
	headerValidation  = 0x01 // §2.1 Validation Entry "Header ID, must be 01"
	indicatorBootable = 0x88 // §2.2/§2.4 Boot Indicator "88 = Bootable"
	indicatorNoBoot   = 0x00 // §2.2/§2.4 Boot Indicator "00 = Not Bootable"
	headerMore        = 0x90 // §2.3 "90 - Header, more headers follow"
	headerFinal       = 0x91 // §2.3 "91 - Final Header"
	headerExtension   = 0x44 // §2.5 "Extension Indicator. Must be 44"
)

// Field sizes.
const (
	validationIDLen = 0x1C - 0x04 // §2.1 ID string, offsets 4-1Bh
	sectionIDLen    = 0x20 - 0x04 // §2.3 ID string, offsets 4-1Fh
	critInEntry     = 0x20 - 0x0C // §2.4 offsets 0Ch (type) .. 1Fh
	critInExtension = 0x20 - 0x02 // §2.5 offsets 2-1Fh
)

// Bits of a section entry's media type byte (§2.4 offset 1) and of an
// extension's flag byte (§2.5 offset 1).
const (
	mediaTypeMask  = 0x0F // bits 0-3: emulation
	mediaContinued = 0x20 // bit 5: a Section Entry Extension follows
	mediaFlagMask  = uint8(MediaATAPIDriver | MediaSCSIDriver)
	extMore        = 0x20 // §2.5 offset 1 bit 5: another extension follows
)

// Sentinel errors wrapped by [*ParseError]; test with errors.Is.
var (
	// ErrTruncated means the input ended inside a record the catalog
	// announced.
	ErrTruncated = errors.New("truncated boot catalog")
	// ErrBadHeader means a record type byte (validation header ID, section
	// header indicator or extension indicator) has an unexpected value.
	ErrBadHeader = errors.New("bad boot catalog header")
	// ErrBadKey means the validation entry's key bytes are not 55h AAh.
	ErrBadKey = errors.New("bad validation entry key bytes")
	// ErrBadChecksum means the validation entry's 16-bit words do not sum to
	// zero.
	ErrBadChecksum = errors.New("bad validation entry checksum")
	// ErrBadEntry means a default or section entry has an invalid boot
	// indicator or a reserved media type.
	ErrBadEntry = errors.New("bad boot catalog entry")
	// ErrNotBootRecord means a volume descriptor is not an El Torito Boot
	// Record.
	ErrNotBootRecord = errors.New("not an El Torito boot record")
)

// ErrTooManyEntries is returned by MarshalBinary when the catalog would need
// more than MaxRecords records.
var ErrTooManyEntries = errors.New("eltorito: boot catalog does not fit in one sector")

// ParseError reports malformed boot catalog or boot record bytes.
type ParseError struct {
	// Offset is the byte offset of the offending field, relative to the
	// start of the buffer given to Parse or ParseBootRecord.
	Offset int
	// Err is one of the package's sentinel errors (ErrTruncated, ...).
	Err error
	// Detail says what was found, e.g. "got 0x12".
	Detail string
}

// Error implements error.
func (e *ParseError) Error() string {
	s := fmt.Sprintf("eltorito: %v at offset %d (0x%X)", e.Err, e.Offset, e.Offset)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel error, so errors.Is(err, ErrBadChecksum) works.
func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(off int, err error, format string, args ...any) *ParseError {
	return &ParseError{Offset: off, Err: err, Detail: fmt.Sprintf(format, args...)}
}

// extensionsFor returns how many Section Entry Extensions (§2.5) an entry
// needs for its selection criteria.
func extensionsFor(crit []byte) int {
	if len(crit) <= critInEntry {
		return 0
	}
	return (len(crit) - critInEntry + critInExtension - 1) / critInExtension
}

// section is a run of Entries[1:] that shares one section header.
type section struct {
	platform Platform
	id       string
	entries  []Entry
	records  int // section entries plus their extensions
}

// sections groups the non-default entries. xorriso likewise starts a new
// section header whenever the platform changes between consecutive
// "-eltorito-alt-boot" entries; the ID string is part of the key because a
// header carries only one.
func (c *Catalog) sections() []section {
	var out []section
	for _, e := range c.Entries[1:] {
		n := len(out)
		if n == 0 || out[n-1].platform != e.Platform || out[n-1].id != e.SectionID {
			out = append(out, section{platform: e.Platform, id: e.SectionID})
			n++
		}
		out[n-1].entries = append(out[n-1].entries, e)
		out[n-1].records += 1 + extensionsFor(e.SelectionCriteria)
	}
	return out
}

// validate checks everything MarshalBinary cannot represent and returns the
// section grouping and total record count.
func (c *Catalog) validate() ([]section, int, error) {
	if len(c.Entries) == 0 {
		return nil, 0, errors.New("eltorito: catalog has no entries (need an initial/default entry)")
	}
	if len(c.ID) > validationIDLen {
		return nil, 0, fmt.Errorf("eltorito: validation ID string %q is %d bytes, max %d", c.ID, len(c.ID), validationIDLen)
	}
	// Bound the work before grouping: every entry takes at least one record.
	if len(c.Entries) > MaxRecords {
		return nil, 0, fmt.Errorf("%w: %d entries, max %d records", ErrTooManyEntries, len(c.Entries), MaxRecords)
	}
	for i, e := range c.Entries {
		if e.Emulation > maxEmulation {
			return nil, 0, fmt.Errorf("eltorito: entry %d: reserved emulation type %d", i, uint8(e.Emulation))
		}
		if i == 0 {
			// §2.2: the default entry's bytes 0Ch-1Fh are "Unused, must be
			// 0" and its media byte has no flag bits; there is no header.
			switch {
			case len(e.SelectionCriteria) != 0:
				return nil, 0, errors.New("eltorito: the initial/default entry cannot carry selection criteria")
			case e.MediaFlags != 0:
				return nil, 0, errors.New("eltorito: the initial/default entry cannot carry media flags")
			case e.SectionID != "":
				return nil, 0, errors.New("eltorito: the initial/default entry has no section ID")
			}
			continue
		}
		if uint8(e.MediaFlags)&^mediaFlagMask != 0 {
			return nil, 0, fmt.Errorf("eltorito: entry %d: invalid media flags 0x%02X", i, uint8(e.MediaFlags))
		}
		if len(e.SectionID) > sectionIDLen {
			return nil, 0, fmt.Errorf("eltorito: entry %d: section ID %q is %d bytes, max %d", i, e.SectionID, len(e.SectionID), sectionIDLen)
		}
		if len(e.SelectionCriteria) > MaxRecords*critInExtension {
			return nil, 0, fmt.Errorf("%w: entry %d: %d bytes of selection criteria", ErrTooManyEntries, i, len(e.SelectionCriteria))
		}
	}
	secs := c.sections()
	records := 2 // validation + default entry
	for _, s := range secs {
		records += 1 + s.records
	}
	if records > MaxRecords {
		return nil, 0, fmt.Errorf("%w: needs %d records, max %d", ErrTooManyEntries, records, MaxRecords)
	}
	return secs, records, nil
}

// MarshalBinary encodes the catalog: validation entry (§2.1), initial/default
// entry (§2.2), then for each section a header (§2.3; 90h, or 91h for the
// last) followed by its section entries (§2.4) and their extensions (§2.5).
// The result is zero-padded to SectorSize bytes. It returns an error, never
// panics, on input it cannot encode, e.g. more than MaxRecords records.
func (c *Catalog) MarshalBinary() ([]byte, error) {
	secs, records, err := c.validate()
	if err != nil {
		return nil, err
	}
	size := (records*RecordSize + SectorSize - 1) / SectorSize * SectorSize
	b := make([]byte, size)

	// §2.1 Validation Entry.
	v := b[0:RecordSize]
	v[0] = headerValidation
	v[1] = byte(c.Entries[0].Platform)
	copy(v[4:0x1C], c.ID)
	v[0x1E], v[0x1F] = 0x55, 0xAA
	// "This sum of all the words in this record should be 0": choose the
	// checksum word as the two's complement of the other words' sum.
	binary.LittleEndian.PutUint16(v[0x1C:], -sum16(v))

	// §2.2 Initial/Default Entry.
	putEntry(b[RecordSize:2*RecordSize], &c.Entries[0], 0)

	off := 2 * RecordSize
	for i, s := range secs {
		h := b[off : off+RecordSize]
		h[0] = headerMore
		if i == len(secs)-1 {
			h[0] = headerFinal
		}
		h[1] = byte(s.platform)
		// The count covers section entries and their extensions: EDD-4
		// (T13/2132-D) Table 18 spells out what El Torito 1.0 §2.3 leaves
		// implicit ("number of section entries following this header").
		binary.LittleEndian.PutUint16(h[2:4], uint16(s.records))
		copy(h[4:], s.id)
		off += RecordSize
		for j := range s.entries {
			e := &s.entries[j]
			crit := e.SelectionCriteria
			flags := uint8(e.MediaFlags)
			if len(crit) > critInEntry {
				flags |= mediaContinued
			}
			putEntry(b[off:off+RecordSize], e, flags)
			copy(b[off+0x0C:off+RecordSize], crit)
			off += RecordSize
			// §2.5 Section Entry Extensions carry the remaining criteria.
			for rest := crit[min(len(crit), critInEntry):]; len(rest) > 0; {
				x := b[off : off+RecordSize]
				x[0] = headerExtension
				n := copy(x[2:], rest)
				rest = rest[n:]
				if len(rest) > 0 {
					x[1] = extMore
				}
				off += RecordSize
			}
		}
	}
	return b, nil
}

// putEntry writes the fields shared by §2.2 and §2.4 entries.
func putEntry(r []byte, e *Entry, mediaFlags uint8) {
	if e.Bootable {
		r[0] = indicatorBootable
	}
	r[1] = byte(e.Emulation) | mediaFlags
	binary.LittleEndian.PutUint16(r[2:4], e.LoadSegment)
	r[4] = e.SystemType
	binary.LittleEndian.PutUint16(r[6:8], e.SectorCount)
	binary.LittleEndian.PutUint32(r[8:12], e.LoadRBA)
}

// sum16 adds a record's little-endian 16-bit words modulo 2^16 (§2.1
// checksum word).
func sum16(r []byte) uint16 {
	var s uint16
	for i := 0; i+1 < len(r); i += 2 {
		s += binary.LittleEndian.Uint16(r[i:])
	}
	return s
}

// trimNUL drops the NUL padding of a fixed-size ID string field.
func trimNUL(b []byte) string {
	n := len(b)
	for n > 0 && b[n-1] == 0 {
		n--
	}
	return string(b[:n])
}

// Parse decodes a boot catalog, typically the sector(s) at the LBA a Boot
// Record points to. It reads at most len(b) bytes in 32-byte steps, so its
// work is bounded by the input size whatever the data says, and it never
// panics. Malformed input yields a [*ParseError] carrying the offset.
//
// The catalog ends after the section whose header is 91h, at the end of b,
// or at a record whose first byte is 0 where a section header is expected
// (catalogs with only a default entry have no section header at all).
// Reserved bits and bytes are ignored.
func Parse(b []byte) (*Catalog, error) {
	if len(b) < 2*RecordSize {
		return nil, parseErr(len(b), ErrTruncated, "need at least %d bytes for validation and default entries, have %d", 2*RecordSize, len(b))
	}
	v := b[:RecordSize]
	if v[0] != headerValidation {
		return nil, parseErr(0, ErrBadHeader, "validation entry header ID 0x%02X, want 0x01", v[0])
	}
	if v[0x1E] != 0x55 || v[0x1F] != 0xAA {
		return nil, parseErr(0x1E, ErrBadKey, "got %02X %02X, want 55 AA", v[0x1E], v[0x1F])
	}
	if s := sum16(v); s != 0 {
		return nil, parseErr(0x1C, ErrBadChecksum, "words sum to 0x%04X, want 0", s)
	}
	c := &Catalog{ID: trimNUL(v[4:0x1C])}

	def, err := parseEntry(b, RecordSize, false)
	if err != nil {
		return nil, err
	}
	def.Platform = Platform(v[1])
	c.Entries = append(c.Entries, def)

	off := 2 * RecordSize
	for off+RecordSize <= len(b) {
		h := b[off : off+RecordSize]
		if h[0] == 0 {
			break // unused record: end of catalog
		}
		if h[0] != headerMore && h[0] != headerFinal {
			return nil, parseErr(off, ErrBadHeader, "section header indicator 0x%02X, want 0x90 or 0x91", h[0])
		}
		platform, id := Platform(h[1]), trimNUL(h[4:])
		remaining := int(binary.LittleEndian.Uint16(h[2:4]))
		off += RecordSize
		// Each iteration consumes at least one record, so this loop and the
		// extension loop inside it are bounded by len(b)/RecordSize.
		for remaining > 0 {
			e, err := parseEntry(b, off, true)
			if err != nil {
				return nil, err
			}
			e.Platform, e.SectionID = platform, id
			continued := b[off+1]&mediaContinued != 0
			off += RecordSize
			remaining--
			// §2.5: extensions follow the entry while bit 5 says so. The
			// chain is read to its end even if it overruns the header's
			// count, to tolerate writers that count only section entries.
			for continued {
				if off+RecordSize > len(b) {
					return nil, parseErr(off, ErrTruncated, "section entry extension missing")
				}
				x := b[off : off+RecordSize]
				if x[0] != headerExtension {
					return nil, parseErr(off, ErrBadHeader, "section entry extension indicator 0x%02X, want 0x44", x[0])
				}
				e.SelectionCriteria = append(e.SelectionCriteria, x[2:]...)
				continued = x[1]&extMore != 0
				off += RecordSize
				remaining--
			}
			c.Entries = append(c.Entries, e)
		}
		if h[0] == headerFinal {
			break
		}
	}
	return c, nil
}

// parseEntry decodes the §2.2 or §2.4 entry at b[off:]. For section entries
// it keeps the media flags and the first 20 bytes of selection criteria
// (nil if they are all zero and no extension follows).
func parseEntry(b []byte, off int, isSection bool) (Entry, error) {
	if off+RecordSize > len(b) {
		return Entry{}, parseErr(off, ErrTruncated, "entry announced but input ends")
	}
	r := b[off : off+RecordSize]
	var e Entry
	switch r[0] {
	case indicatorBootable:
		e.Bootable = true
	case indicatorNoBoot:
	default:
		return Entry{}, parseErr(off, ErrBadEntry, "boot indicator 0x%02X, want 0x88 or 0x00", r[0])
	}
	e.Emulation = Emulation(r[1] & mediaTypeMask)
	if e.Emulation > maxEmulation {
		return Entry{}, parseErr(off+1, ErrBadEntry, "reserved boot media type %d", uint8(e.Emulation))
	}
	e.LoadSegment = binary.LittleEndian.Uint16(r[2:4])
	e.SystemType = r[4]
	e.SectorCount = binary.LittleEndian.Uint16(r[6:8])
	e.LoadRBA = binary.LittleEndian.Uint32(r[8:12])
	if isSection {
		e.MediaFlags = MediaFlags(r[1] & mediaFlagMask)
		crit := r[0x0C:]
		if r[1]&mediaContinued != 0 || !allZero(crit) {
			e.SelectionCriteria = append([]byte(nil), crit...)
		}
	}
	return e, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
