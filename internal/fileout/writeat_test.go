package fileout

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// WriteAt patches what was written without moving the sequential
// position, holes included, and refuses ranges not yet written.
func TestSparseWriterWriteAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	err := Write(path, 0o644, func(w io.Writer) error {
		if _, err := w.Write(append([]byte("head"), make([]byte, 3*holeBlock)...)); err != nil {
			return err
		}
		wa := w.(io.WriterAt)
		if _, err := wa.WriteAt([]byte("HE"), 0); err != nil {
			return err
		}
		if _, err := wa.WriteAt([]byte("x"), 2*holeBlock); err != nil { // inside a hole
			return err
		}
		if _, err := wa.WriteAt([]byte("late"), 3*holeBlock+2); err == nil {
			t.Error("WriteAt past the end succeeded")
		}
		_, err := w.Write([]byte("tail"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("HEad"), make([]byte, 3*holeBlock)...)
	want[2*holeBlock] = 'x'
	want = append(want, "tail"...)
	if !bytes.Equal(got, want) {
		t.Errorf("file is %d bytes, differs from the %d expected", len(got), len(want))
	}
}
