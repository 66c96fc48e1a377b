package isomd5_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"spindle/isomd5"
)

func FuzzParseAppUse(f *testing.F) {
	md5s := strings.Repeat("0f", 16)
	f.Add([]byte("ISO MD5SUM = " + md5s + ";SKIPSECTORS = 15;RHLISOSTATUS=0;FRAGMENT SUMS = " + strings.Repeat("1", 60) + ";FRAGMENT COUNT = 20;THIS IS NOT"))
	f.Add([]byte("SKIPSECTORS = -9223372036854775809;ISO MD5SUM = " + md5s + ";FRAGMENT COUNT = 99999999999999999999;"))
	f.Add([]byte("FRAGMENT SUMS = ;RHLISOSTATUS=\x00;"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := isomd5.ParseAppUse(b)
		if err != nil {
			return
		}
		if len(a.MD5) != 32 || (a.FragmentSums != "" && len(a.FragmentSums) != 60) {
			t.Fatalf("parsed %+v", a)
		}
		// What we format parses back to the same values.
		if strings.ContainsAny(a.MD5+a.FragmentSums, ";\x00") || a.FragmentSums == "" {
			return
		}
		field, err := a.Format()
		if err != nil {
			return
		}
		again, err := isomd5.ParseAppUse(field[:])
		a.HasSupported, a.HasFragmentCount = true, true
		if err != nil || *again != *a {
			t.Fatalf("format %q: parsed %+v, %v; want %+v", field, again, err, a)
		}
	})
}

func FuzzParseTag(f *testing.F) {
	for _, k := range []isomd5.TagKind{isomd5.TagSession, isomd5.TagSuperblock, isomd5.TagTree, isomd5.TagRelocatedSuperblock} {
		b := isomd5.FormatTag(isomd5.Tag{Kind: k, Pos: 50, RangeStart: 32, RangeSize: 18, Next: 56, MD5: [16]byte{1, 2, 3}})
		f.Add(bytes.TrimRight(b[:], "\x00"))
	}
	f.Add([]byte("libisofs_sb_checksum_tag_v1 pos=4294967296 range_start=1 range_size=1 next=1 md5=x self=y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tag, err := isomd5.ParseTag(b)
		if err != nil {
			return
		}
		blk := isomd5.FormatTag(tag)
		again, err := isomd5.ParseTag(blk[:])
		tag.Self, again.Self = [16]byte{}, [16]byte{}
		if err != nil || again != tag {
			t.Fatalf("tag %+v formats to %q: %+v, %v", tag, bytes.TrimRight(blk[:], "\x00"), again, err)
		}
	})
}

func FuzzDecodeAL(f *testing.F) {
	for _, attrs := range [][]isomd5.Attr{
		{{Name: "isofs.cx", Value: []byte{0, 0, 0, 7}}},
		{{Name: "user.big", Value: bytes.Repeat([]byte{9}, 700)}, {Name: "", Value: []byte{0x16}}},
	} {
		f.Add(bytes.Join(isomd5.EncodeAL(attrs...), nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Cut the bytes into entries by their length bytes, as a
		// System Use area is read.
		var entries [][]byte
		for p := 0; p+3 <= len(b) && len(entries) < 10000; {
			n := max(int(b[p+2]), 1)
			if p+n > len(b) {
				break
			}
			entries = append(entries, b[p:p+n])
			p += n
		}
		attrs, _, err := isomd5.DecodeAL(entries)
		if err != nil {
			return
		}
		again, _, err := isomd5.DecodeAL(isomd5.EncodeAL(attrs...))
		if err != nil || len(again) != len(attrs) {
			t.Fatalf("attributes %q re-encode to %q, %v", attrs, again, err)
		}
		for i := range attrs {
			if !reflect.DeepEqual(again[i].Value, attrs[i].Value) && len(attrs[i].Value)+len(again[i].Value) > 0 ||
				again[i].Name != attrs[i].Name && !strings.HasPrefix(attrs[i].Name, "\x01") {
				t.Fatalf("attribute %q re-encodes to %q", attrs[i], again[i])
			}
		}
	})
}

func FuzzDecodeChecksumArea(f *testing.F) {
	f.Add(isomd5.ChecksumArea{Start: 32, End: 1000, Count: 9, Size: 16, Type: "MD5"}.Encode())
	f.Add([]byte{1, 32, 3, 15, 66, 64, 2, 2, 8, 1, 16, 'M', 'D', '5'})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := isomd5.DecodeChecksumArea(b)
		if err != nil {
			return
		}
		again, err := isomd5.DecodeChecksumArea(a.Encode())
		if err != nil || again != a {
			t.Fatalf("%+v: re-decoded %+v, %v", a, again, err)
		}
		isomd5.DecodeChecksumIndex(b)
	})
}

// FuzzCheck runs both checkers over images whose descriptors and first
// directory blocks come from the fuzzer: they must return, without
// panicking, whatever the bytes.
func FuzzCheck(f *testing.F) {
	img := syntheticImage(64, 0)
	f.Add(img[16*2048 : 18*2048])
	tag := isomd5.FormatTag(isomd5.Tag{Kind: isomd5.TagRelocatedSuperblock, Pos: 18, RangeSize: 18, Next: 32})
	f.Add(append(append([]byte(nil), img[16*2048:18*2048]...), tag[:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 40*2048 {
			return
		}
		im := make([]byte, 96*2048)
		copy(im[16*2048:], b)
		copy(im[48*2048:], b) // a session at 32 too
		ctx := context.Background()
		r := bytes.NewReader(im)
		if _, err := isomd5.CheckImplanted(ctx, r, int64(len(im)), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := isomd5.CheckLibisofs(ctx, r, int64(len(im)), 0); err != nil {
			t.Fatal(err)
		}
	})
}
