package iso9660_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"spindle/iso9660"
)

// Build an image from files given one by one, learn its size before
// writing, and stream it.
func Example() {
	tree := iso9660.NewTree()
	when := time.Date(2001, 7, 4, 0, 0, 0, 0, time.UTC)
	text := "hello, world\n"
	err := tree.AddFile("docs/Grüße.txt", iso9660.FileSpec{
		Mode: 0o644, Size: int64(len(text)), ModTime: when,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil },
	})
	if err != nil {
		panic(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{
		RockRidge: iso9660.RockRidgeRationalize,
		Joliet:    true,
		Volume:    iso9660.VolumeInfo{VolumeID: "EXAMPLE"},
		Now:       when,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("blocks:", w.Blocks())
	n, err := w.WriteTo(context.Background(), io.Discard)
	fmt.Println("written:", n == w.Size(), err)
	// Output:
	// blocks: 179
	// written: true <nil>
}
