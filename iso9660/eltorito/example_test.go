package eltorito_test

import (
	"fmt"

	"spindle/iso9660/eltorito"
)

// Example builds the boot structures for a BIOS + UEFI bootable image, the
// way "xorriso -as mkisofs -b bios.img -no-emul-boot -boot-load-size 4
// -eltorito-alt-boot -e efi.img -no-emul-boot" lays them out, and reads them
// back.
func Example() {
	const catalogLBA = 33
	cat := eltorito.Catalog{Entries: []eltorito.Entry{
		// Initial/default entry: what a PC BIOS boots.
		{Platform: eltorito.PlatformX86, Bootable: true, Emulation: eltorito.NoEmulation, SectorCount: 4, LoadRBA: 34},
		// Section entry for UEFI firmware: a FAT image of 100000 bytes.
		{Platform: eltorito.PlatformEFI, Bootable: true, Emulation: eltorito.NoEmulation,
			SectorCount: eltorito.NoEmulationSectorCount(100000), LoadRBA: 35},
	}}
	catalog, err := cat.MarshalBinary()
	if err != nil {
		panic(err)
	}
	record := eltorito.BootRecord(catalogLBA) // goes to sector 17

	lba, err := eltorito.ParseBootRecord(record[:])
	if err != nil {
		panic(err)
	}
	parsed, err := eltorito.Parse(catalog)
	if err != nil {
		panic(err)
	}
	fmt.Printf("catalog at LBA %d, %d bytes\n", lba, len(catalog))
	for i, e := range parsed.Entries {
		fmt.Printf("entry %d: %v, bootable=%v, %v, %d sectors at LBA %d\n",
			i, e.Platform, e.Bootable, e.Emulation, e.SectorCount, e.LoadRBA)
	}
	fmt.Printf("% X\n", catalog[:4*eltorito.RecordSize])
	// Output:
	// catalog at LBA 33, 2048 bytes
	// entry 0: x86, bootable=true, no emulation, 4 sectors at LBA 34
	// entry 1: EFI, bootable=true, no emulation, 196 sectors at LBA 35
	// 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 AA 55 55 AA 88 00 00 00 00 00 04 00 22 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 91 EF 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 88 00 00 00 00 00 C4 00 23 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
}

// ExampleEmulationForSize picks the media type for a floppy image.
func ExampleEmulationForSize() {
	emu, err := eltorito.EmulationForSize(1474560)
	fmt.Println(emu, err)
	_, err = eltorito.EmulationForSize(1000000)
	fmt.Println(err != nil)
	// Output:
	// 1.44M floppy <nil>
	// true
}
