package identify

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"testing"
)

// FuzzIdentify feeds arbitrary bytes to Identify: it must not panic, must
// not fail on a reader that cannot fail, must stay within its bounded
// reads, and its report must hold together and render.
func FuzzIdentify(f *testing.F) {
	for _, name := range []string{"iso9660_trunc", "iso9660_nopvd"} {
		f.Add(fixture(f, name))
	}
	for _, name := range []string{"iso9660_udf_hfs", "hfsplus", "hfs"} {
		f.Add(fixture(f, name)[:48<<10])
	}
	f.Add(fixture(f, "udf"))
	f.Add(seedMBR())
	f.Add(seedGPT())
	f.Add(seedAPM())
	f.Add(seedHSF())
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opt := range []*Options{nil, {SectorOffset: 3}} {
			r, err := Identify(bytes.NewReader(b), int64(len(b)), opt)
			if err != nil {
				t.Fatal(err)
			}
			var max int64
			for i := range r.Structures {
				max = maxInt(max, r.Structures[i].ImpliedSize)
				_ = r.Structures[i].Fields()
				_ = r.Structures[i].Name()
			}
			if r.Expected != max || r.Verdict.Difference != int64(len(b))-r.Expected {
				t.Fatalf("expected %d (max implied %d), difference %d", r.Expected, max, r.Verdict.Difference)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
			if err := WriteIsolyzerXML(io.Discard, "t", "0", []XMLImage{{Report: r}}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// seedMBR is an isohybrid-like MBR: one bootable partition from 0.
func seedMBR() []byte {
	b := make([]byte, 40*SectorSize)
	e := b[446:]
	e[0], e[4] = 0x80, 0x17
	binary.LittleEndian.PutUint32(e[12:], 160)
	b[510], b[511] = 0x55, 0xAA
	return b
}

// seedGPT is a protective MBR and a GPT with one partition, CRCs right.
func seedGPT() []byte {
	b := make([]byte, 64*512)
	e := b[446:]
	e[4] = 0xEE
	binary.LittleEndian.PutUint32(e[8:], 1)
	binary.LittleEndian.PutUint32(e[12:], 63)
	b[510], b[511] = 0x55, 0xAA
	arr := b[2*512 : 2*512+4*128]
	copy(arr[0:16], []byte{0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b})
	arr[16] = 1
	binary.LittleEndian.PutUint64(arr[32:], 34)
	binary.LittleEndian.PutUint64(arr[40:], 40)
	h := b[512:]
	copy(h, "EFI PART")
	binary.LittleEndian.PutUint32(h[8:], 0x10000)
	binary.LittleEndian.PutUint32(h[12:], 92)
	binary.LittleEndian.PutUint64(h[24:], 1)
	binary.LittleEndian.PutUint64(h[32:], 63)
	binary.LittleEndian.PutUint64(h[40:], 34)
	binary.LittleEndian.PutUint64(h[48:], 62)
	binary.LittleEndian.PutUint64(h[72:], 2)
	binary.LittleEndian.PutUint32(h[80:], 4)
	binary.LittleEndian.PutUint32(h[84:], 128)
	binary.LittleEndian.PutUint32(h[88:], crc32.ChecksumIEEE(arr))
	binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(h[:92]))
	copy(b[63*512:], h[:512])
	return b
}

// seedAPM is a Driver Descriptor Record, a two-entry map and an HFS MDB in
// the second partition.
func seedAPM() []byte {
	b := make([]byte, 64*512)
	copy(b, "ER")
	binary.BigEndian.PutUint16(b[2:], 512)
	binary.BigEndian.PutUint32(b[4:], 64)
	for i, p := range []struct {
		start, count uint32
		typ          string
	}{{1, 2, "Apple_partition_map"}, {16, 48, "Apple_HFS"}} {
		e := b[(i+1)*512:]
		copy(e, "PM")
		binary.BigEndian.PutUint32(e[4:], 2)
		binary.BigEndian.PutUint32(e[8:], p.start)
		binary.BigEndian.PutUint32(e[12:], p.count)
		copy(e[48:], p.typ)
	}
	mdb := b[16*512+1024:]
	copy(mdb, "BD")
	binary.BigEndian.PutUint16(mdb[18:], 20)
	binary.BigEndian.PutUint32(mdb[20:], 1024)
	binary.BigEndian.PutUint16(mdb[28:], 4)
	mdb[36] = 4
	copy(mdb[37:], "seed")
	return b
}

// seedHSF is a High Sierra volume descriptor set.
func seedHSF() []byte {
	b := make([]byte, 20*SectorSize)
	d := b[16*SectorSize:]
	d[8] = 1
	copy(d[9:], "CDROM")
	d[14] = 1
	binary.LittleEndian.PutUint32(d[88:], 20)
	binary.BigEndian.PutUint32(d[92:], 20)
	binary.LittleEndian.PutUint16(d[136:], 2048)
	binary.BigEndian.PutUint16(d[138:], 2048)
	t := b[17*SectorSize:]
	t[8] = 255
	copy(t[9:], "CDROM")
	return b
}

// TestSeeds checks what Identify makes of the synthetic fuzz seeds.
func TestSeeds(t *testing.T) {
	cases := []struct {
		name  string
		b     []byte
		types []Type
		size  int64
	}{
		{"mbr", seedMBR(), []Type{TypeMBR}, 160 * 512},
		{"gpt", seedGPT(), []Type{TypeMBR, TypeGPT}, 64 * 512},
		{"apm", seedAPM(), []Type{TypeAPM, TypeHFS}, 64 * 512},
		{"hsf", seedHSF(), []Type{TypeHighSierra}, 20 * SectorSize},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := identifyBytes(t, c.b, nil)
			var got []Type
			for _, s := range r.Structures {
				got = append(got, s.Type)
			}
			if len(got) != len(c.types) {
				t.Fatalf("structures %q, want %q", got, c.types)
			}
			for i := range got {
				if got[i] != c.types[i] {
					t.Fatalf("structures %q, want %q", got, c.types)
				}
			}
			if r.Expected != c.size {
				t.Errorf("expected size %d, want %d (%s)", r.Expected, c.size, r.Verdict.Text)
			}
			for _, s := range r.Structures {
				if len(s.Notes) > 0 && s.Type != TypeHFS {
					t.Errorf("%s: notes %q", s.Type, s.Notes)
				}
			}
			if c.name == "gpt" {
				if g := r.Structures[1].GPT; !g.HeaderCRCOK || !g.EntriesCRCOK || !g.BackupPresent || len(g.Partitions) != 1 || g.Partitions[0].TypeName != "EFI System" {
					t.Errorf("GPT %+v", g)
				}
			}
			if c.name == "hsf" && (r.Isolyzer.FileSystems[0] != "High Sierra" || r.Isolyzer.SizeExpected != c.size) {
				t.Errorf("isolyzer: %+v", r.Isolyzer)
			}
		})
	}
}

// The GPT CRC-32 agrees with hash/crc32's IEEE checksum.
func TestCRC32IEEE(t *testing.T) {
	buf := make([]byte, 1000)
	for i := range buf {
		buf[i] = byte(i*7 + i>>3)
	}
	for _, n := range []int{0, 1, 2, 92, 999, 1000} {
		if got, want := crc32IEEE(buf[:n]), crc32.ChecksumIEEE(buf[:n]); got != want {
			t.Errorf("%d bytes: %08x, want %08x", n, got, want)
		}
	}
	if got := crc32IEEE([]byte("123456789")); got != 0xCBF43926 {
		t.Errorf("check value %08x, want cbf43926", got)
	}
}
