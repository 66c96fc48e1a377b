package iso9660_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"spindle/iso9660"
)

// Open an image as a file system: list it, read a file, and look at what
// Rock Ridge recorded about it.
func ExampleOpen() {
	// An image to read; any io.ReaderAt will do, such as an *os.File.
	tree := iso9660.NewTree()
	when := time.Date(2001, 7, 4, 12, 0, 0, 0, time.UTC)
	text := "hello, world\n"
	tree.AddFile("docs/Grüße.txt", iso9660.FileSpec{
		Mode: 0o640, Size: int64(len(text)), ModTime: when, UID: 1000, GID: 100,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil },
	})
	tree.AddFile("latest", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "docs/Grüße.txt", ModTime: when})
	w, _ := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: when,
		Volume: iso9660.VolumeInfo{VolumeID: "EXAMPLE"}})
	var img bytes.Buffer
	w.WriteTo(context.Background(), &img)

	im, err := iso9660.Open(bytes.NewReader(img.Bytes()), int64(img.Len()), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := im.Volume()
	fmt.Println(v.VolumeID, v.Names, v.RockRidgeVersion, "Joliet level", v.Joliet)

	fs.WalkDir(im, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		fmt.Println(fi.Mode(), p)
		return nil
	})

	b, _ := fs.ReadFile(im, "latest") // follows the link
	fmt.Printf("%q\n", b)
	fi, _ := im.Stat("docs/Grüße.txt")
	x := fi.Sys().(*iso9660.FileInfo)
	fmt.Println(x.ISOName, x.UID, x.GID, x.ModTime)
	// Output:
	// EXAMPLE rockridge RRIP 1.12 Joliet level 3
	// drwxr-xr-x .
	// drwxr-xr-x docs
	// -rw-r----- docs/Grüße.txt
	// Lrwxrwxrwx latest
	// "hello, world\n"
	// GR__E.TXT;1 1000 100 2001-07-04 12:00:00 +0000 UTC
}
