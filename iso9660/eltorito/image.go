package eltorito

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Floppy image sizes that select floppy emulation (El Torito 1.0 §2.2
// offset 1, media types 1-3): 80 cylinders × 2 heads × 15/18/36 sectors of
// 512 bytes.
const (
	Floppy12Size  = 1228800
	Floppy144Size = 1474560
	Floppy288Size = 2949120
)

// EmulationForSize returns the floppy emulation type whose diskette has
// exactly size bytes. mkisofs and xorriso pick the media type of a "-b"
// image without "-no-emul-boot" or "-hard-disk-boot" this way; any other
// size is an error that names the size.
func EmulationForSize(size int64) (Emulation, error) {
	switch size {
	case Floppy12Size:
		return Floppy12, nil
	case Floppy144Size:
		return Floppy144, nil
	case Floppy288Size:
		return Floppy288, nil
	}
	return 0, fmt.Errorf("eltorito: boot image of %d bytes is not a floppy image (want %d, %d or %d bytes for 1.2M, 1.44M or 2.88M floppy emulation; use no emulation or hard-disk emulation otherwise)",
		size, Floppy12Size, Floppy144Size, Floppy288Size)
}

// NoEmulationSectorCount returns the SectorCount xorriso writes for a
// no-emulation image of size bytes when "-boot-load-size" is not given: the
// whole file rounded up to whole 2048-byte blocks, counted in 512-byte
// virtual sectors, capped at 65535 (the field is 16 bits, El Torito 1.0
// §2.2 offset 6). Boot loaders such as isolinux expect an explicit 4 instead.
func NoEmulationSectorCount(size int64) uint16 {
	if size <= 0 {
		return SectorSize / VirtualSectorSize
	}
	blocks := (size + SectorSize - 1) / SectorSize
	if blocks > 0xFFFF/(SectorSize/VirtualSectorSize) {
		return 0xFFFF
	}
	return uint16(blocks * (SectorSize / VirtualSectorSize))
}

// MBR layout used by HardDiskSystemType.
const (
	mbrSize         = 512
	mbrPartTable    = 446 // four 16-byte partition entries
	mbrPartEntry    = 16
	mbrPartTypeByte = 4 // "System Type", byte 5 counting from 1 as El Torito does
)

// HardDiskSystemType returns the System Type byte for a hard-disk emulation
// entry. El Torito 1.0 §2.2 offset 4 says it "must be a copy of byte 5
// (System Type) from the Partition Table found in the boot image"; that is
// only well defined for a single partition, which is also what mkisofs
// documents for "-hard-disk-boot" ("a master boot record that contains a
// single partition"). So mbr (at least the image's first 512 bytes) must end
// in the 55h AAh signature and have exactly one partition entry with a
// non-zero type, whose type is returned.
func HardDiskSystemType(mbr []byte) (uint8, error) {
	if len(mbr) < mbrSize {
		return 0, fmt.Errorf("eltorito: hard-disk boot image is %d bytes, too short for an MBR (%d bytes)", len(mbr), mbrSize)
	}
	if mbr[510] != 0x55 || mbr[511] != 0xAA {
		return 0, fmt.Errorf("eltorito: hard-disk boot image has no MBR signature (bytes 510-511 are %02X %02X, want 55 AA)", mbr[510], mbr[511])
	}
	var used []int
	var typ uint8
	for i := range 4 {
		t := mbr[mbrPartTable+i*mbrPartEntry+mbrPartTypeByte]
		if t != 0 {
			used = append(used, i+1)
			typ = t
		}
	}
	switch len(used) {
	case 0:
		return 0, errors.New("eltorito: hard-disk boot image MBR has no partition (all four partition types are 0)")
	case 1:
		return typ, nil
	}
	return 0, fmt.Errorf("eltorito: hard-disk boot image MBR has %d partitions (entries %v); hard-disk emulation needs exactly one", len(used), used)
}

// Boot info table layout (mkisofs "-boot-info-table"): six little-endian
// uint32 fields and reserved space in bytes 8-63 of the boot file.
const (
	bitPVD      = 8  // LBA of the Primary Volume Descriptor
	bitFile     = 12 // LBA of the boot file
	bitLength   = 16 // boot file length in bytes
	bitChecksum = 20 // sum of the file's uint32 words from offset 64
	bitReserved = 24 // 40 reserved bytes, zeroed
	bitEnd      = 64
)

// PatchBootInfoTable writes the mkisofs/xorriso "-boot-info-table" into img,
// the complete boot file, in place. This is not part of El Torito; boot
// loaders such as isolinux use it to find themselves on the CD without a
// file system driver. Layout, all little-endian uint32:
//
//	offset  8: pvdLBA, the Primary Volume Descriptor's LBA (normally 16)
//	offset 12: fileLBA, the boot file's LBA
//	offset 16: the boot file's length in bytes, len(img)
//	offset 20: checksum: sum modulo 2^32 of all uint32 words from offset 64
//	           to the end, the last word zero-padded if len(img) is not a
//	           multiple of 4
//	offset 24-63: zeroed
//
// The checksum covers only bytes after the table, so patching does not
// change it. It is an error if img is shorter than 64 bytes or longer than
// a uint32 length.
func PatchBootInfoTable(img []byte, pvdLBA, fileLBA uint32) error {
	if len(img) < bitEnd {
		return fmt.Errorf("eltorito: boot image of %d bytes is too short for a boot info table (need at least %d)", len(img), bitEnd)
	}
	if uint64(len(img)) > 0xFFFFFFFF {
		return fmt.Errorf("eltorito: boot image of %d bytes does not fit the boot info table's 32-bit length", len(img))
	}
	var sum uint32
	rest := img[bitEnd:]
	for len(rest) >= 4 {
		sum += binary.LittleEndian.Uint32(rest)
		rest = rest[4:]
	}
	if len(rest) > 0 {
		var last [4]byte
		copy(last[:], rest)
		sum += binary.LittleEndian.Uint32(last[:])
	}
	binary.LittleEndian.PutUint32(img[bitPVD:], pvdLBA)
	binary.LittleEndian.PutUint32(img[bitFile:], fileLBA)
	binary.LittleEndian.PutUint32(img[bitLength:], uint32(len(img)))
	binary.LittleEndian.PutUint32(img[bitChecksum:], sum)
	clear(img[bitReserved:bitEnd])
	return nil
}
