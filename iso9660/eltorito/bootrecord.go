package eltorito

import "encoding/binary"

// bootSystemID is the Boot System Identifier of an El Torito Boot Record
// (El Torito 1.0 §2.0, Figure 7, offsets 7-26h), zero-padded to 32 bytes.
const bootSystemID = "EL TORITO SPECIFICATION"

// Boot Record Volume Descriptor offsets (ECMA-119 §8.2, El Torito 1.0 Fig. 7).
const (
	brType        = 0x00 // Volume Descriptor Type: 0 = Boot Record
	brStdID       = 0x01 // Standard Identifier "CD001", 5 bytes
	brVersion     = 0x06 // Volume Descriptor Version: 1
	brSystemID    = 0x07 // Boot System Identifier, 32 bytes
	brCatalogLBA  = 0x47 // absolute pointer to the boot catalog, LE32
	brMinimumSize = brCatalogLBA + 4
)

// BootRecord returns the Boot Record Volume Descriptor (ECMA-119 §8.2;
// El Torito 1.0 §2.0, Figure 7) that points to a boot catalog at catalogLBA.
// It belongs at sector BootRecordLBA (17) of the session. Byte layout:
// type 0, "CD001", version 1, "EL TORITO SPECIFICATION" zero-padded to 32
// bytes, 32 zero bytes (the unused Boot Identifier), the catalog LBA as a
// little-endian uint32 at offset 47h, and zeros to the end of the sector.
func BootRecord(catalogLBA uint32) [SectorSize]byte {
	var d [SectorSize]byte
	d[brType] = 0 // Boot Record
	copy(d[brStdID:], "CD001")
	d[brVersion] = 1
	copy(d[brSystemID:brSystemID+32], bootSystemID)
	binary.LittleEndian.PutUint32(d[brCatalogLBA:], catalogLBA)
	return d
}

// ParseBootRecord checks that b (a volume descriptor, normally the whole
// sector 17) is an El Torito Boot Record Volume Descriptor and returns the
// LBA of the boot catalog. Errors are [*ParseError] values wrapping
// ErrNotBootRecord or ErrTruncated.
//
// The Boot System Identifier must be "EL TORITO SPECIFICATION" followed by
// NUL padding; trailing spaces are tolerated too, since some writers pad
// ISO 9660 identifier fields with spaces.
func ParseBootRecord(b []byte) (catalogLBA uint32, err error) {
	if len(b) < brMinimumSize {
		return 0, parseErr(len(b), ErrTruncated, "boot record needs %d bytes, have %d", brMinimumSize, len(b))
	}
	if b[brType] != 0 {
		return 0, parseErr(brType, ErrNotBootRecord, "volume descriptor type %d, want 0", b[brType])
	}
	if string(b[brStdID:brStdID+5]) != "CD001" {
		return 0, parseErr(brStdID, ErrNotBootRecord, "standard identifier %q, want \"CD001\"", b[brStdID:brStdID+5])
	}
	if b[brVersion] != 1 {
		return 0, parseErr(brVersion, ErrNotBootRecord, "descriptor version %d, want 1", b[brVersion])
	}
	id := b[brSystemID : brSystemID+32]
	if string(id[:len(bootSystemID)]) != bootSystemID {
		return 0, parseErr(brSystemID, ErrNotBootRecord, "boot system identifier %q", trimNUL(id))
	}
	for i, c := range id[len(bootSystemID):] {
		if c != 0 && c != ' ' {
			return 0, parseErr(brSystemID+len(bootSystemID)+i, ErrNotBootRecord, "boot system identifier padding byte 0x%02X", c)
		}
	}
	return binary.LittleEndian.Uint32(b[brCatalogLBA:]), nil
}
