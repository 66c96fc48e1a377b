package md5_test

import (
	"fmt"

	"spindle/internal/md5"
)

func Example() {
	h := md5.New()
	h.Write([]byte("The quick brown fox "))
	h.Write([]byte("jumps over the lazy dog"))
	fmt.Printf("%x\n", h.Sum(nil))

	fmt.Printf("%x\n", md5.Sum([]byte("abc")))
	// Output:
	// 9e107d9d372bb6826bd81d3542a419d6
	// 900150983cd24fb0d6963f7d28e17f72
}
