package fileout

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteSparseContent(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.bin")
	var want bytes.Buffer
	want.Write(bytes.Repeat([]byte{1}, 100))
	want.Write(make([]byte, 3*holeBlock+7))
	want.Write([]byte("tail"))
	want.Write(make([]byte, 5*holeBlock)) // trailing hole
	err := Write(out, 0o644, func(w io.Writer) error {
		// Odd-sized writes, to cross block boundaries.
		b := want.Bytes()
		for len(b) > 0 {
			k := min(len(b), 1000)
			if _, err := w.Write(b[:k]); err != nil {
				return err
			}
			b = b[k:]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("content differs: got %d bytes, want %d", len(got), want.Len())
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.bin")
	boom := errors.New("boom")
	err := Write(out, 0o644, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("left behind: %v", ents)
	}
}

func TestWriteKeepsOldOnFailure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.bin")
	os.WriteFile(out, []byte("old"), 0o644)
	Write(out, 0o644, func(w io.Writer) error { return errors.New("fail") })
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Fatalf("old output changed to %q", b)
	}
}

// TestWriteSpecialFile: a FIFO (like /dev/null, /dev/stdout or a disk) is
// written directly and stays what it was; a temporary file renamed over
// it would replace the node.
func TestWriteSpecialFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if err := Write(fifo, 0o644, func(w io.Writer) error {
		_, err := w.Write([]byte("through the pipe"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "through the pipe" {
		t.Errorf("read %q", b)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if err := Write(dir, 0o644, func(io.Writer) error { return nil }); err == nil {
		t.Error("writing over a directory succeeded")
	}
}
