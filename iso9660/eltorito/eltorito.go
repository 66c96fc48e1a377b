package eltorito

import "fmt"

// SectorSize is the size of a CD-ROM logical block. The boot catalog is
// padded to it, and the LBAs in the boot record and catalog (El Torito 1.0
// calls them RBAs, relative block addresses) count in these units.
const SectorSize = 2048

// VirtualSectorSize is the size of the "virtual/emulated" sectors counted by
// [Entry.SectorCount] (El Torito 1.0 §2.2, offset 6).
const VirtualSectorSize = 512

// DefaultLoadSegment is the segment a BIOS loads the initial boot image to
// when the entry's load segment field is 0 (El Torito 1.0 §2.2, offset 2).
const DefaultLoadSegment = 0x07C0

// BootRecordLBA is the sector that holds the Boot Record Volume Descriptor,
// directly after the Primary Volume Descriptor at sector 16 (El Torito 1.0
// §2.0: "This Boot Record must reside at sector 11 (17 decimal)").
const BootRecordLBA = 17

// Platform is the platform ID of a validation entry or section header
// (El Torito 1.0 §2.1 offset 1 and §2.3 offset 1). Values other than the
// named constants are carried through unchanged.
type Platform uint8

// Platform IDs. The first three come from El Torito 1.0 §2.1; 0xEF was
// assigned later by the UEFI specification (section "ISO-9660 and El
// Torito"), which xorriso writes for "-e" images.
const (
	PlatformX86     Platform = 0x00
	PlatformPowerPC Platform = 0x01
	PlatformMac     Platform = 0x02
	PlatformEFI     Platform = 0xEF
)

// String returns a short human-readable name, e.g. "x86" or "EFI".
func (p Platform) String() string {
	switch p {
	case PlatformX86:
		return "x86"
	case PlatformPowerPC:
		return "PowerPC"
	case PlatformMac:
		return "Mac"
	case PlatformEFI:
		return "EFI"
	}
	return fmt.Sprintf("Platform(0x%02X)", uint8(p))
}

// Emulation is the boot media type of an entry: which kind of disk the BIOS
// pretends the boot image is (El Torito 1.0 §2.2 offset 1, §2.4 offset 1
// bits 0-3).
type Emulation uint8

// Boot media types (El Torito 1.0 §2.2 offset 1). Values 5-15 are reserved
// and rejected by [Catalog.MarshalBinary] and [Parse].
const (
	NoEmulation Emulation = 0 // image is loaded and run as is
	Floppy12    Emulation = 1 // 1.2 MB diskette (1228800 bytes)
	Floppy144   Emulation = 2 // 1.44 MB diskette (1474560 bytes)
	Floppy288   Emulation = 3 // 2.88 MB diskette (2949120 bytes)
	HardDisk    Emulation = 4 // hard disk, drive 80h; image starts with an MBR
)

// maxEmulation is the largest non-reserved media type value.
const maxEmulation = HardDisk

// String returns a short human-readable name, e.g. "no emulation".
func (e Emulation) String() string {
	switch e {
	case NoEmulation:
		return "no emulation"
	case Floppy12:
		return "1.2M floppy"
	case Floppy144:
		return "1.44M floppy"
	case Floppy288:
		return "2.88M floppy"
	case HardDisk:
		return "hard disk"
	}
	return fmt.Sprintf("Emulation(%d)", uint8(e))
}

// MediaFlags are the upper bits of a section entry's boot media type byte
// (El Torito 1.0 §2.4 offset 1, bits 6 and 7). Bit 5 (continuation) is
// managed by the codec from [Entry.SelectionCriteria] and bit 4 is reserved,
// so neither is represented here. The initial/default entry has no flags.
type MediaFlags uint8

// Media flag bits of a section entry (El Torito 1.0 §2.4 offset 1).
const (
	MediaATAPIDriver MediaFlags = 0x40 // "Image contains an ATAPI driver"
	MediaSCSIDriver  MediaFlags = 0x80 // "Image contains SCSI drivers"
)

// Entry describes one boot image: the initial/default entry (El Torito 1.0
// §2.2) when it is Catalog.Entries[0], otherwise a section entry (§2.4).
type Entry struct {
	// Platform is the platform ID. For Entries[0] it is written to the
	// validation entry (§2.1); for later entries to their section header
	// (§2.3).
	Platform Platform
	// Bootable selects boot indicator 88h (true) or 00h (false).
	Bootable bool
	// Emulation is the boot media type.
	Emulation Emulation
	// LoadSegment is the real-mode segment the image is loaded to; 0 means
	// the BIOS default 07C0h (see DefaultLoadSegment).
	LoadSegment uint16
	// SystemType is the partition type byte. For hard-disk emulation it must
	// be a copy of the type of the image's single MBR partition (see
	// HardDiskSystemType); otherwise 0.
	SystemType uint8
	// SectorCount is the number of virtual 512-byte sectors the BIOS loads.
	// For floppy and hard-disk emulation mkisofs and xorriso write 1.
	SectorCount uint16
	// LoadRBA is the LBA (2048-byte blocks) of the boot image.
	LoadRBA uint32
	// SelectionCriteria holds a section entry's selection criteria exactly as
	// stored from offset 0Ch on: SelectionCriteria[0] is the selection
	// criteria type (0 none, 1 "Language and Version Information (IBM)",
	// §2.4 offset 0Ch), followed by vendor-unique bytes. The first 20 bytes
	// live in the section entry, the rest in Section Entry Extensions of 30
	// bytes each (§2.5). This is also the form xorriso's "-eltorito-selcrit"
	// takes. Nil means none. Parse returns the full stored area (20 bytes
	// plus 30 per extension, zero padding included) or nil when it is all
	// zero and has no extension. Must be empty for Entries[0].
	SelectionCriteria []byte
	// MediaFlags are the ATAPI/SCSI driver bits of a section entry. Must be
	// zero for Entries[0].
	MediaFlags MediaFlags
	// SectionID is the ID string of the section header (§2.3 offsets 4-1Fh,
	// at most 28 bytes) of the section this entry belongs to. Consecutive
	// entries with equal Platform and SectionID share one section. Trailing
	// NUL bytes are padding and are dropped by Parse. Must be empty for
	// Entries[0].
	SectionID string
}

// Catalog is an El Torito Boot Catalog (El Torito 1.0 §2.0-§2.5).
type Catalog struct {
	// Entries[0] is the initial/default entry; its Platform is the platform
	// ID of the validation entry. Further entries are written as section
	// entries, one section per run of equal (Platform, SectionID).
	Entries []Entry
	// ID is the validation entry's manufacturer/developer ID string
	// (§2.1 offsets 4-1Bh, at most 24 bytes), e.g. set by xorriso's
	// "-eltorito-id" for the first boot image. Trailing NULs are padding
	// and are dropped by Parse.
	ID string
}
