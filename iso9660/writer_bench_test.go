package iso9660_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"spindle/iso9660"
)

// benchTree returns the tree to benchmark: $SPINDLE_BENCH_TREE (e.g. a
// corpus from the bench/ scripts) or a generated tree of n small files.
func benchTree(b *testing.B, n int) string {
	if d := os.Getenv("SPINDLE_BENCH_TREE"); d != "" {
		return d
	}
	root := b.TempDir()
	for i := range n {
		dir := filepath.Join(root, fmt.Sprintf("dir%03d", i%200))
		if i < 200 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		data := make([]byte, (i*37)%8192)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("file with a long name %05d.txt", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// BenchmarkMasterSmallFiles measures the whole job — walking the host
// tree, laying out and writing the image — on many small files.
func BenchmarkMasterSmallFiles(b *testing.B) {
	src := benchTree(b, 4000)
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		t := iso9660.NewTree()
		if err := t.AddHost("", src, nil); err != nil {
			b.Fatal(err)
		}
		w, err := iso9660.NewWriter(t, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.WriteTo(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
		size = w.Size()
	}
	b.SetBytes(size)
}

// BenchmarkLayout measures NewWriter alone (names, records, layout) on an
// in-memory tree, without any file I/O.
func BenchmarkLayout(b *testing.B) {
	t := iso9660.NewTree()
	for i := range 20000 {
		p := fmt.Sprintf("d%03d/sub%02d/file with a long name number %05d.txt", i%300, i%7, i)
		if err := t.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(i % 5000), Open: nil}); err != nil && i%5000 != 0 {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iso9660.NewWriter(t, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true}); err != nil {
			b.Fatal(err)
		}
	}
}
