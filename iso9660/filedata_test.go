package iso9660_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"spindle/internal/fileout"
	"spindle/iso9660"
)

// TestFileRangeWriter checks that an output taking file ranges (the kernel
// copy and hole path for large files) gets exactly the bytes a plain
// writer gets, and that the holes of a sparse source stay holes.
func TestFileRangeWriter(t *testing.T) {
	src := t.TempDir()
	// A sparse file: data, a hole, data, and a hole at the end.
	f, err := os.Create(filepath.Join(src, "sparse.img"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte("head"), 10000))
	f.WriteAt(bytes.Repeat([]byte{0xA5}, 70000), 8<<20+123)
	f.Truncate(24 << 20)
	f.Close()
	// A dense large file of odd size, and a small one read ahead.
	dense := make([]byte, 3<<20+17)
	for i := range dense {
		dense[i] = byte(i * 7)
	}
	os.WriteFile(filepath.Join(src, "dense.bin"), dense, 0o644)
	os.WriteFile(filepath.Join(src, "small.txt"), []byte("small\n"), 0o644)

	// ClampTimes: reading the files for the first image changes their
	// access times, which Rock Ridge records.
	opt := &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: time.Unix(1e9, 0), ClampTimes: true}
	build := func() *iso9660.Writer {
		tree := iso9660.NewTree()
		if err := tree.AddHost("", src, nil); err != nil {
			t.Fatal(err)
		}
		w, err := iso9660.NewWriter(tree, opt)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	var plain bytes.Buffer
	if _, err := build().WriteTo(context.Background(), &plain); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "ranges.iso")
	err = fileout.Write(out, 0o644, func(w io.Writer) error {
		if _, ok := w.(iso9660.FileRangeWriter); !ok {
			t.Fatal("fileout's writer does not take file ranges")
		}
		_, err := build().WriteTo(context.Background(), w)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain.Bytes()) {
		t.Fatalf("image through file ranges differs from the streamed one (%d vs %d bytes)", len(got), plain.Len())
	}
	var st syscall.Stat_t
	if err := syscall.Stat(out, &st); err != nil {
		t.Fatal(err)
	}
	if used := st.Blocks * 512; used > int64(len(got))/2 {
		t.Errorf("image uses %d bytes of disk for %d bytes: the sparse file's holes were written", used, len(got))
	}
}

// TestFileRangeWriterChanged checks that a large file that shrinks after
// it was listed is reported, not padded silently.
func TestFileRangeWriterChanged(t *testing.T) {
	src := t.TempDir()
	p := filepath.Join(src, "big.bin")
	os.WriteFile(p, bytes.Repeat([]byte{1}, 3<<20), 0o644)
	tree := iso9660.NewTree()
	if err := tree.AddHost("", src, nil); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Truncate(p, 1<<20)
	out := filepath.Join(t.TempDir(), "x.iso")
	err = fileout.Write(out, 0o644, func(o io.Writer) error {
		_, err := w.WriteTo(context.Background(), o)
		return err
	})
	if !errors.Is(err, iso9660.ErrChanged) {
		t.Fatalf("got %v, want ErrChanged", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed image was left behind: %v", err)
	}
}
