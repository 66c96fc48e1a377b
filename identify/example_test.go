package identify_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"

	"spindle/identify"
)

// pvdImage makes a bare ISO 9660 volume of n sectors: a Primary Volume
// Descriptor (ECMA-119 §8.4), a terminator, and an empty root directory
// at block 18.
func pvdImage(n uint32) []byte {
	b := make([]byte, int(n)*identify.SectorSize)
	root := func(r []byte) { // ECMA-119 §9.1: the root's "." record
		r[0] = 34
		binary.LittleEndian.PutUint32(r[2:], 18)
		binary.BigEndian.PutUint32(r[6:], 18)
		binary.LittleEndian.PutUint32(r[10:], identify.SectorSize)
		binary.BigEndian.PutUint32(r[14:], identify.SectorSize)
		r[25], r[32] = 2, 1
	}
	d := b[16*identify.SectorSize:]
	d[0], d[6] = 1, 1
	copy(d[1:], "CD001")
	copy(d[40:72], "EXAMPLE                         ")
	binary.LittleEndian.PutUint32(d[80:], n)
	binary.BigEndian.PutUint32(d[84:], n)
	d[120], d[123], d[124], d[127] = 1, 1, 1, 1 // volume set size and sequence number
	binary.LittleEndian.PutUint16(d[128:], identify.SectorSize)
	binary.BigEndian.PutUint16(d[130:], identify.SectorSize)
	root(d[156:])
	root(b[18*identify.SectorSize:])
	t := b[17*identify.SectorSize:]
	t[0], t[6] = 255, 1
	copy(t[1:], "CD001")
	return b
}

// Identify an image and judge its size: here a 100-sector ISO 9660 volume
// of which the file holds only 80 sectors.
func Example() {
	img := pvdImage(100)[:80*identify.SectorSize]
	r, err := identify.Identify(bytes.NewReader(img), int64(len(img)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Structures {
		fmt.Printf("%s at byte %d: %q, implies %d bytes\n", s.Name(), s.Offset, s.Label, s.ImpliedSize)
	}
	fmt.Println(r.Verdict.Status, "-", r.Verdict.Text)
	fmt.Println("isolyzer: smaller than expected:", r.Isolyzer.SmallerThanExpected)
	// Output:
	// ISO 9660 primary volume descriptor at byte 32768: "EXAMPLE", implies 204800 bytes
	// truncated - truncated by 20 sectors
	// isolyzer: smaller than expected: true
}

// Write what isolyzer would: its XML schema and its figures.
func ExampleWriteIsolyzerXML() {
	img := pvdImage(20)
	r, err := identify.Identify(bytes.NewReader(img), int64(len(img)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	fi := identify.FileInfo{Name: "example.iso", Path: "/tmp/example.iso", Size: int64(len(img))}
	if err := identify.WriteIsolyzerXML(&out, "spindle", "1.0", []identify.XMLImage{{File: fi, Report: r}}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Isolyzer.SizeExpected, r.Isolyzer.SizeAsExpected, bytes.Contains(out.Bytes(), []byte("<sizeAsExpected>True</sizeAsExpected>")))
	// Output:
	// 40960 true true
}

// Print one structure's fields the way "spindle identify" does.
func ExampleStructure_Fields() {
	img := pvdImage(20)
	r, _ := identify.Identify(bytes.NewReader(img), int64(len(img)), nil)
	for _, f := range r.Structures[0].Fields() {
		fmt.Fprintf(os.Stdout, "%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// Volume id: EXAMPLE
	// Volume space size: 20 blocks of 2048 bytes
	// Volume set: volume 1 of 1
	// Root directory: block 18
	// Implied size: 40960 bytes (20 sectors)
}
