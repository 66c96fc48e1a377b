package isocheck_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/iso9660"
	"spindle/isocheck"
)

// orderTree makes a tree whose names sort differently by ECMA-119 §9.3
// (name and extension compared apart, each padded with spaces) and by
// plain code-unit order: "-dash" and "..dots", "a.b" and "a-b", "a" and
// "a.", "b c" and "b.c", names that differ only after a dot; as files and
// as directories (for the path tables).
func orderTree(t testing.TB) string {
	dir := t.TempDir()
	names := []string{"-dash", "..dots", "a", "a.", "a.b", "a-b", "a_b", "abc", "abc.d", "abc.de",
		"b c", "b.c", "foo.tar", "foo.tar.gz", "foo_tar", "x.c", "x_c", "x.y.z", "x_y", "caf\u00e9", "\uff21"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "dirs", n), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "dirs", n, "f"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestJolietOrder: xorriso, genisoimage and libarchive sort Joliet
// directories by plain UCS-2 code-unit order, which ECMA-119 §9.3 order
// is not; neither is an error.
func TestJolietOrder(t *testing.T) {
	src := orderTree(t)
	// libarchive's real defects, which must be reported: "a" and "a."
	// both become "A.;1" in the primary hierarchy, and its path tables put
	// "abc" after "abc.d" and "abc.de", which no order allows.
	libarchive := []string{"a second record with the identifier \"A.;1\"", "entry 12 \"abc\" follows \"abc.de\"", "\"ABC\" follows \"ABC.DE\"", "\"X_Y\" follows \"X_Y.Z\""}
	for _, tc := range []struct {
		tool  string
		args  []string
		known []string // errors that are the writer's own defects
	}{
		{"xorriso", []string{"-as", "mkisofs", "-quiet", "-J"}, nil},
		{"xorriso", []string{"-as", "mkisofs", "-quiet", "-R", "-J", "-joliet-long"}, nil},
		{"genisoimage", []string{"-quiet", "-J"}, nil},
		{"genisoimage", []string{"-quiet", "-R", "-J", "-joliet-long"}, nil},
		{"bsdtar", []string{"--format", "iso9660", "--options", "joliet"}, libarchive},
		{"bsdtar", []string{"--format", "iso9660", "--options", "joliet=long,!rockridge"}, libarchive},
	} {
		t.Run(tc.tool+tc.args[len(tc.args)-1], func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.iso")
			if tc.tool == "bsdtar" {
				runTool(t, tc.tool, append(append([]string{"-cf", out}, tc.args...), "-C", src, ".")...)
			} else {
				runTool(t, tc.tool, append(tc.args, "-o", out, src)...)
			}
			img, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r := check(t, img)
			logProblems(t, r)
			if !r.Joliet {
				t.Fatal("no Joliet hierarchy")
			}
			found := map[string]bool{}
		problems:
			for _, p := range r.Problems {
				if p.Severity != isocheck.Error {
					continue
				}
				for _, k := range tc.known {
					if strings.Contains(p.Msg, k) {
						found[k] = true
						continue problems
					}
				}
				t.Errorf("%s's image: %v", tc.tool, p)
			}
			for _, k := range tc.known {
				if !found[k] {
					t.Errorf("%s's known defect not reported: no error saying %s", tc.tool, k)
				}
			}
		})
	}
}

// jolietRecords returns the offsets of the records of a Joliet directory
// after '.' and '..', in the first block of its extent.
func jolietRecords(img []byte, lba uint32) []int64 {
	d := int64(lba) * bs
	var recs []int64
	for p, i := d, 0; p < d+bs && img[p] != 0; p, i = p+int64(img[p]), i+1 {
		if i >= 2 {
			recs = append(recs, p)
		}
	}
	return recs
}

// setJolietName overwrites the identifier of the Joliet record at rec
// with s, of the same length.
func setJolietName(t testing.TB, img []byte, rec int64, s string) {
	t.Helper()
	if int(img[rec+32]) != 2*len(s) {
		t.Fatalf("record at %d has an identifier of %d bytes, not %d", rec, img[rec+32], 2*len(s))
	}
	for i, c := range []byte(s) {
		binary.BigEndian.PutUint16(img[rec+33+2*int64(i):], uint16(c))
	}
}

// TestJolietOrderBroken: a Joliet directory in neither order is still an
// error, and so is one that mixes the two orders.
func TestJolietOrderBroken(t *testing.T) {
	tree := iso9660.NewTree()
	for _, n := range []string{"aa", "ab", "ac", "ad"} {
		if err := tree.AddFile(n, iso9660.FileSpec{Mode: 0o644, ModTime: when, Size: 1, Open: content("x")}); err != nil {
			t.Fatal(err)
		}
	}
	base := write(t, tree, &iso9660.Options{Joliet: true, NoPad: true, Now: when})
	if r := check(t, base); !r.OK() {
		logProblems(t, r)
		t.Fatal("the base image has errors")
	}
	rootJ := info(t, base, iso9660.NamesJoliet, ".")
	for _, tc := range []struct {
		name  string
		names []string // the four identifiers, in record order
		bad   bool
	}{
		{"code-unit order", []string{"-d", ".d", "a", "a."}, false},
		{"§9.3 order", []string{".d", "-d", "a.", "a-"}, false},
		{"neither", []string{"ab", "aa", "ac", "ad"}, true},
		{"mixed", []string{"-d", ".d", "a.", "a-"}, true}, // code-unit order, then §9.3 order
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := bytes.Clone(base)
			recs := jolietRecords(img, rootJ.Extents[0].LBA)
			if len(recs) != 4 {
				t.Fatalf("%d records in the Joliet root", len(recs))
			}
			for i, n := range tc.names {
				if len(n) == 1 {
					n += " " // keep the length: 2 characters
				}
				setJolietName(t, img, recs[i], n[:2])
			}
			r := check(t, img)
			logProblems(t, r)
			if got := hasProblem(r, isocheck.Error, "Joliet directory record", "out of order"); got != tc.bad {
				t.Errorf("out of order error %v, want %v", got, tc.bad)
			}
		})
	}
}
