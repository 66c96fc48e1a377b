package isomd5

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestEncodeALXorriso re-encodes the attributes of every record of
// xorriso's images: the AL entries must be identical.
func TestEncodeALXorriso(t *testing.T) {
	if _, err := exec.LookPath("xorriso"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xorriso not installed (CI=true: .ci/run must install it)")
		}
		t.Skip("xorriso not installed")
	}
	src := t.TempDir()
	for name, size := range map[string]int{"a": 10, "b/c": 5000, "b/d/e": 0} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"-md5", "on", "-outdev"},
		{"-md5", "on", "-compliance", "aaip_susp_1_10_off", "-outdev"},
	} {
		img := filepath.Join(t.TempDir(), "x.iso")
		args = append(args, img, "-map", src, "/")
		if out, err := exec.Command("xorriso", args...).CombinedOutput(); err != nil {
			t.Fatalf("xorriso %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		f, err := os.Open(img)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		pvd, _, err := findDescriptors(f, st.Size(), 32)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := walkTree(f, st.Size(), pvd)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, attrs []Attr, al [][]byte) {
			t.Helper()
			if got := EncodeAL(attrs...); !reflect.DeepEqual(got, al) {
				t.Errorf("%s: attributes %q\nxorriso %x\nours    %x", what, attrs, al, got)
			}
		}
		if _, ok := attr(tree.rootAttrs, AttrChecksumArea); !ok {
			t.Fatalf("root without isofs.ca: %q", tree.rootAttrs)
		}
		check("root", tree.rootAttrs, tree.rootAL)
		ca, _ := attr(tree.rootAttrs, AttrChecksumArea)
		area, err := DecodeChecksumArea(ca)
		if err != nil || !bytes.Equal(area.Encode(), ca) {
			t.Errorf("isofs.ca %x: decoded %+v (%v), encoded %x", ca, area, err, area.Encode())
		}
		if len(tree.files) != 3 {
			t.Errorf("%d files", len(tree.files))
		}
		for _, f := range tree.files {
			check(f.path, f.attrs, f.al)
			cx, ok := attr(f.attrs, AttrChecksumIndex)
			i, err := DecodeChecksumIndex(cx)
			if !ok || err != nil || !bytes.Equal(EncodeChecksumIndex(i), cx) {
				t.Errorf("%s: isofs.cx %x (%v)", f.path, cx, err)
			}
		}
	}
}

func TestEncodeALLong(t *testing.T) {
	for _, tc := range []struct {
		attrs   []Attr
		entries int
	}{
		{nil, 0},
		{[]Attr{{"isofs.cx", []byte{0, 0, 0, 1}}}, 1},
		{[]Attr{{"user.long", bytes.Repeat([]byte{7}, 600)}, {"", nil}, {"\x03odd", []byte("v")}}, 3},
		{[]Attr{{"user.x", bytes.Repeat([]byte{1}, 255)}}, 2},
		{[]Attr{{"trusted.y", bytes.Repeat([]byte{1}, 243)}}, 1}, // exactly 250 payload bytes
	} {
		al := EncodeAL(tc.attrs...)
		if len(al) != tc.entries {
			t.Errorf("%q: %d entries, want %d", tc.attrs, len(al), tc.entries)
		}
		for i, e := range al {
			if len(e) > 255 || int(e[2]) != len(e) || (e[4] == 1) != (i < len(al)-1) {
				t.Errorf("%q: entry %d: length %d/%d flags %d", tc.attrs, i, len(e), e[2], e[4])
			}
		}
		got, complete, err := DecodeAL(al)
		if err != nil || complete != (len(al) > 0) || len(got) != len(tc.attrs) {
			t.Fatalf("%q: decoded %q, %v, %v", tc.attrs, got, complete, err)
		}
		for i := range got {
			if got[i].Name != tc.attrs[i].Name || !bytes.Equal(got[i].Value, tc.attrs[i].Value) {
				t.Errorf("attribute %d: %q, want %q", i, got[i], tc.attrs[i])
			}
		}
	}
}
