package inflate_test

import (
	"bytes"
	"compress/zlib"
	"fmt"

	"spindle/internal/inflate"
)

func Example() {
	// A zisofs block: one zlib stream whose decompressed size is known.
	text := []byte("hello, hello, hello, world\n")
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(text)
	w.Close()

	block := make([]byte, len(text))
	n, err := inflate.Zlib(block, z.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes: %s", n, block[:n])

	// A destination that is too small is reported, not overrun.
	_, err = inflate.Zlib(block[:10], z.Bytes())
	fmt.Println(err == inflate.ErrTooLong)
	// Output:
	// 27 bytes: hello, hello, hello, world
	// true
}
