package eltorito

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestBootRecord(t *testing.T) {
	d := BootRecord(0x12345678)
	want := make([]byte, 0x4B)
	copy(want[1:], "CD001")
	want[6] = 1
	copy(want[7:], "EL TORITO SPECIFICATION")
	copy(want[0x47:], []byte{0x78, 0x56, 0x34, 0x12})
	if !bytes.Equal(d[:0x4B], want) {
		t.Errorf("header:\n got % X\nwant % X", d[:0x4B], want)
	}
	if !bytes.Equal(d[0x4B:], make([]byte, SectorSize-0x4B)) {
		t.Errorf("tail not zero")
	}
	lba, err := ParseBootRecord(d[:])
	if err != nil || lba != 0x12345678 {
		t.Errorf("ParseBootRecord = %#x, %v", lba, err)
	}
}

func TestParseBootRecordErrors(t *testing.T) {
	good := BootRecord(33)
	mod := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good[:]...)
		f(b)
		return b
	}
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		offset int
	}{
		{"short", good[:0x4A], ErrTruncated, 0x4A},
		{"type", mod(func(b []byte) { b[0] = 1 }), ErrNotBootRecord, 0}, // a PVD
		{"standard ID", mod(func(b []byte) { b[3] = 'x' }), ErrNotBootRecord, 1},
		{"version", mod(func(b []byte) { b[6] = 2 }), ErrNotBootRecord, 6},
		{"system ID", mod(func(b []byte) { b[8] = 'l' }), ErrNotBootRecord, 7},
		{"system ID padding", mod(func(b []byte) { b[7+23] = 'S' }), ErrNotBootRecord, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBootRecord(tc.b)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tc.want) || pe.Offset != tc.offset {
				t.Errorf("error %v: want %v at offset %d", err, tc.want, tc.offset)
			}
		})
	}
	// Space padding is tolerated; the minimal 0x4B bytes suffice.
	b := mod(func(b []byte) {
		for i := 7 + 23; i < 7+32; i++ {
			b[i] = ' '
		}
	})
	if lba, err := ParseBootRecord(b[:0x4B]); err != nil || lba != 33 {
		t.Errorf("space padded: %d, %v", lba, err)
	}
}

func TestEmulationForSize(t *testing.T) {
	for _, tc := range []struct {
		size int64
		want Emulation
	}{
		{1228800, Floppy12},
		{1474560, Floppy144},
		{2949120, Floppy288},
	} {
		got, err := EmulationForSize(tc.size)
		if err != nil || got != tc.want {
			t.Errorf("EmulationForSize(%d) = %v, %v; want %v", tc.size, got, err, tc.want)
		}
	}
	for _, size := range []int64{0, -1, 2048, 1474559, 1474561, 737280} {
		_, err := EmulationForSize(size)
		if err == nil {
			t.Errorf("EmulationForSize(%d): no error", size)
		} else if !strings.Contains(err.Error(), " "+strconv.FormatInt(size, 10)+" bytes") {
			t.Errorf("EmulationForSize(%d): error %q does not name the size", size, err)
		}
	}
}

func TestNoEmulationSectorCount(t *testing.T) {
	// Values observed from xorriso 1.5.4 without -boot-load-size.
	for _, tc := range []struct {
		size int64
		want uint16
	}{
		{1, 4}, {2048, 4}, {2049, 8}, {2560, 8}, {5000, 12}, {6144, 12},
		{10000, 20}, {100000, 196}, {65532*512 + 1, 65535}, {65535 * 512, 65535},
		{40000000, 65535}, {0, 4},
	} {
		if got := NoEmulationSectorCount(tc.size); got != tc.want {
			t.Errorf("NoEmulationSectorCount(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
}

// mbr returns a 512-byte MBR with the given partition types in entries 1-4.
func mbr(types ...byte) []byte {
	b := make([]byte, 512)
	for i, ty := range types {
		b[446+16*i+4] = ty
	}
	b[510], b[511] = 0x55, 0xAA
	return b
}

func TestHardDiskSystemType(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mbr     []byte
		want    uint8
		wantErr string
	}{
		{"linux", mbr(0x83), 0x83, ""},
		{"second slot", mbr(0, 0x0C), 0x0C, ""},
		{"larger image", append(mbr(0, 0, 0, 0x06), make([]byte, 4096)...), 0x06, ""},
		{"short", make([]byte, 511), 0, "too short"},
		{"no signature", mbr(0x83)[:510:510], 0, "too short"},
		{"bad signature", func() []byte { b := mbr(0x83); b[511] = 0; return b }(), 0, "no MBR signature"},
		{"no partition", mbr(), 0, "no partition"},
		{"two partitions", mbr(0x83, 0, 0x82), 0, "2 partitions (entries [1 3])"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HardDiskSystemType(tc.mbr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("= %#x, %v; want %#x", got, err, tc.want)
			}
		})
	}
}

func TestPatchBootInfoTable(t *testing.T) {
	img := make([]byte, 64+9) // 2 whole words and a 1-byte tail after the table
	for i := range img {
		img[i] = 0xFF
	}
	copy(img[64:], []byte{1, 0, 0, 0, 2, 0, 0, 0, 0x10})
	if err := PatchBootInfoTable(img, 16, 0x22); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian.Uint32
	if le(img[8:]) != 16 || le(img[12:]) != 0x22 || le(img[16:]) != 73 || le(img[20:]) != 1+2+0x10 {
		t.Errorf("table = % X", img[8:24])
	}
	if !bytes.Equal(img[24:64], make([]byte, 40)) {
		t.Errorf("reserved bytes not zeroed: % X", img[24:64])
	}
	if !bytes.Equal(img[:8], bytes.Repeat([]byte{0xFF}, 8)) {
		t.Errorf("bytes 0-7 changed: % X", img[:8])
	}
	// Patching twice gives the same result: the checksum skips the table.
	again := append([]byte(nil), img...)
	if err := PatchBootInfoTable(again, 16, 0x22); err != nil || !bytes.Equal(again, img) {
		t.Errorf("second patch differs: %v", err)
	}
	// The checksum wraps modulo 2^32.
	big := make([]byte, 64+8)
	binary.LittleEndian.PutUint32(big[64:], 0xFFFFFFFF)
	binary.LittleEndian.PutUint32(big[68:], 2)
	if err := PatchBootInfoTable(big, 16, 1); err != nil || le(big[20:]) != 1 {
		t.Errorf("wrapping checksum = %#x, %v", le(big[20:]), err)
	}
	// Exactly 64 bytes: empty sum.
	if err := PatchBootInfoTable(make([]byte, 64), 16, 1); err != nil {
		t.Errorf("64-byte image: %v", err)
	}
	if err := PatchBootInfoTable(make([]byte, 63), 16, 1); err == nil {
		t.Errorf("63-byte image: no error")
	}
}
