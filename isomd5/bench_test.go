package isomd5_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"spindle/isomd5"
)

// BenchmarkCheckImplanted checks a 512 MiB image (a sparse file: the
// page cache serves it, so this measures hashing, not the disk). Compare
// with md5sum over the same file.
func BenchmarkCheckImplanted(b *testing.B) {
	const blocks = 256 << 10 // 512 MiB
	path := filepath.Join(b.TempDir(), "sparse.iso")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	head := syntheticImage(64, 0)
	pvd := head[16*2048 : 17*2048]
	binary.LittleEndian.PutUint32(pvd[80:], blocks)
	binary.BigEndian.PutUint32(pvd[84:], blocks)
	if _, err := f.Write(head); err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(blocks * 2048); err != nil {
		b.Fatal(err)
	}
	if err := isomd5.Implant(context.Background(), f, blocks*2048, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(blocks * 2048)
	b.ResetTimer()
	for b.Loop() {
		res, err := isomd5.CheckImplanted(context.Background(), f, blocks*2048, nil)
		if err != nil || !res.Pass {
			b.Fatal(res, err)
		}
	}
	b.StopTimer()
	f.Close()
}
