package isomd5_test

import (
	"context"
	"fmt"

	"spindle/isomd5"
)

// Implant an isomd5sum checksum into an image and check it, as
// implantisomd5 and checkisomd5 do.
func ExampleCheckImplanted() {
	img := &memFile{b: syntheticImage(1000, 0)} // an *os.File in practice
	size := int64(len(img.b))
	if err := isomd5.Implant(context.Background(), img, size, nil); err != nil {
		panic(err)
	}
	res, err := isomd5.CheckImplanted(context.Background(), img, size, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("found:", res.Found, "fragments:", len(res.Fragments), "pass:", res.Pass)
	// Output:
	// found: true fragments: 20 pass: true
}

// A writer feeds every byte of the session to a SessionSum and asks it
// for each tag block where the tag goes.
func ExampleSessionSum() {
	sum := isomd5.NewSessionSum(0)
	sum.Write(make([]byte, 18*2048)) // system area and volume descriptors
	tag, err := sum.Tag(isomd5.TagSuperblock, 25)
	if err != nil {
		panic(err)
	}
	sum.Write(tag[:]) // the tag is part of the session, too
	t, _ := isomd5.ParseTag(tag[:])
	fmt.Println(t.Kind, t.Pos, t.RangeStart, t.RangeSize, t.Next)
	// Output:
	// libisofs_sb_checksum_tag_v1 18 0 18 25
}

// The AL entry a data file with checksum index 1 carries.
func ExampleEncodeAL() {
	for _, e := range isomd5.EncodeAL(isomd5.Attr{Name: isomd5.AttrChecksumIndex, Value: isomd5.EncodeChecksumIndex(1)}) {
		fmt.Printf("% x\n", e)
	}
	// Output:
	// 41 4c 10 01 00 00 03 04 63 78 00 04 00 00 00 01
}
