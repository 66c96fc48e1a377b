package isocheck_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"spindle/iso9660"
	"spindle/isocheck"
)

// Check an image, then the same image with its last blocks cut off.
func Example() {
	tree := iso9660.NewTree()
	text := strings.Repeat("hello, world\n", 1000)
	err := tree.AddFile("docs/hello.txt", iso9660.FileSpec{
		Mode: 0o644, Size: int64(len(text)), ModTime: time.Date(2001, 7, 4, 0, 0, 0, 0, time.UTC),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil },
	})
	if err != nil {
		panic(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeRationalize, NoPad: true})
	if err != nil {
		panic(err)
	}
	var img bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &img); err != nil {
		panic(err)
	}

	r, err := isocheck.Check(context.Background(), bytes.NewReader(img.Bytes()), int64(img.Len()), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("whole:", r.OK(), r.Errors, "errors")

	cut := img.Bytes()[:img.Len()-4*isocheck.BlockSize]
	r, err = isocheck.Check(context.Background(), bytes.NewReader(cut), int64(len(cut)), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("cut:", r.OK(), r.Truncated, r.MissingBytes, "bytes missing")
	for _, p := range r.Problems {
		fmt.Println(strings.TrimSpace(p.Severity.String() + ": " + p.Structure + " " + p.Path))
	}
	// Output:
	// whole: true 0 errors
	// cut: false true 8192 bytes missing
	// error: image
	// error: directory record /DOCS/HELLO.TXT;1
}
