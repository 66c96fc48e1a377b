package iso9660_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestReadZisofs2 reads files xorriso compresses in the zisofs2 format
// (libisofs doc/zisofs2_format.txt): a 24-byte header, 64-bit block
// pointers, and a version 2 "ZF" or "Z2" System Use entry with algorithm
// "PZ" (zlib). Before, the "Z2" entry was ignored (the compressed bytes
// were read as the file) and a version 2 "ZF" made the file unreadable.
func TestReadZisofs2(t *testing.T) {
	needTool(t, "xorriso")
	src := filepath.Join(t.TempDir(), "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"text.txt":  bytes.Repeat([]byte("zisofs2 compresses this line well.\n"), 6000),
		"zeros.bin": make([]byte, 200000), // blocks of zeros are stored empty
		"exact.txt": bytes.Repeat([]byte("b"), 65536),
		"tiny.txt":  []byte("too small to compress\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	for _, tc := range []struct {
		name, zisofs string
		blockSize    int
	}{
		{"Z2 entry", "version_2=on:block_size_v2=32k:susp_z2=on", 32768},
		{"ZF version 2", "version_2=on:block_size_v2=128k:susp_z2=off", 131072},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := filepath.Join(out, "z.iso")
			os.Remove(o)
			img := rdToolImage(t, o, "xorriso", "-outdev", o, "-map", src, "/",
				"-zisofs", tc.zisofs, "-set_filter_r", "--zisofs", "/", "--")
			im := rdOpen(t, img, nil)
			for name, want := range files {
				got, err := fs.ReadFile(im, name)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
				}
				fi := rdInfo(t, im, name)
				if fi.Size != int64(len(want)) {
					t.Errorf("%s: size %d, want %d", name, fi.Size, len(want))
				}
				if name == "tiny.txt" {
					continue // not compressed
				}
				z := fi.Zisofs
				if z == nil || z.Version != 2 || z.Algorithm != "PZ" || z.BlockSize != tc.blockSize || z.Size != int64(len(want)) || z.StoredSize >= z.Size {
					t.Errorf("%s: zisofs %+v, want version 2, PZ, %d-byte blocks", name, z, tc.blockSize)
				}
			}
			rdCheckReadAt(t, im, "text.txt", files["text.txt"])
			rdCheckReadAt(t, im, "zeros.bin", files["zeros.bin"])
		})
	}
}
