// Package eltorito encodes and decodes the El Torito boot structures that
// make an ISO 9660 image bootable: the Boot Record Volume Descriptor and the
// Boot Catalog it points to, as defined by the "El Torito" Bootable CD-ROM
// Format Specification 1.0 (Phoenix Technologies and IBM).
//
// # Layout on the medium
//
// An El Torito image carries a Boot Record Volume Descriptor (see
// [BootRecord]) at sector 17, directly after the Primary Volume Descriptor
// (El Torito 1.0 §2.0). Its only payload is the LBA of the Boot Catalog, a
// sequence of 32-byte records (see [Catalog]):
//
//	Validation Entry        (§2.1)  header ID 01, platform, ID string, checksum, 55 AA
//	Initial/Default Entry   (§2.2)  the image a plain BIOS boots
//	Section Header          (§2.3)  90h, or 91h for the last one; platform; record count
//	Section Entry           (§2.4)  one boot image each, plus optional selection criteria
//	Section Entry Extension (§2.5)  44h; more selection criteria bytes
//	...
//
// [Catalog.MarshalBinary] groups the entries after the default one into
// sections by runs of equal platform (and section ID string), which is how
// xorriso lays out "-eltorito-alt-boot" entries. [Parse] is its bounded
// inverse and reports damaged input as a [*ParseError].
//
// # Boot image helpers
//
// [EmulationForSize] and [HardDiskSystemType] derive the media type and system
// type fields from a boot image, and [PatchBootInfoTable] implements the
// mkisofs "-boot-info-table" convention used by isolinux and friends.
//
// The package only uses the standard library. Its sub-package boottest makes
// a tiny bootable x86 image for end-to-end tests under QEMU.
package eltorito
