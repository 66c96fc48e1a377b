package iso9660_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
)

// NoDeepRelocation keeps a directory deeper than eight levels in place:
// the primary hierarchy has it at its full depth, with no RR_MOVED, and
// the Rock Ridge view is the same as with relocation, less .rr_moved.
func TestNoDeepRelocation(t *testing.T) {
	const deep = "a/b/c/d/e/f/g/h/i/j"
	build := func() *iso9660.Tree {
		tree := iso9660.NewTree()
		err := tree.AddFile(deep+"/f.txt", iso9660.FileSpec{Mode: 0o644, ModTime: time.Unix(1e9, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return tree
	}
	for _, keep := range []bool{false, true} {
		img := rdWrite(t, build(), &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, NoDeepRelocation: keep})
		plain := rdOpen(t, img, &iso9660.ReadOptions{Names: iso9660.NamesPlain})
		_, err := plain.Lstat("A/B/C/D/E/F/G/H/I/J/F.TXT")
		if keep && err != nil {
			t.Errorf("kept in place: %v", err)
		}
		if !keep && err == nil {
			t.Error("relocated, yet the ISO 9660 path is 10 levels deep")
		}
		if _, err := plain.Lstat("_RR_MOVE"); (err == nil) == keep {
			t.Errorf("NoDeepRelocation=%v: RR_MOVED present: %v", keep, err == nil)
		}
		rr := rdOpen(t, img, nil)
		if fi := rdInfo(t, rr, deep+"/f.txt"); fi.Mode != 0o644 {
			t.Errorf("NoDeepRelocation=%v: Rock Ridge view has mode %v", keep, fi.Mode)
		}
		var dirs int
		fs.WalkDir(rr, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs++
			}
			return err
		})
		// The root, ten levels and, when relocating, the (empty) .rr_moved.
		want := 12
		if keep {
			want = 11
		}
		if dirs != want {
			t.Errorf("NoDeepRelocation=%v: Rock Ridge view has %d directories, want %d", keep, dirs, want)
		}
	}
}

// Other readers find the file of a tree kept deep (NoDeepRelocation) at
// its full path, with and without Rock Ridge.
func TestNoDeepRelocationInterop(t *testing.T) {
	tree := iso9660.NewTree()
	if err := tree.AddFile("a/b/c/d/e/f/g/h/i/j/f.txt", iso9660.FileSpec{Mode: 0o644, ModTime: time.Unix(1e9, 0)}); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "deep.iso")
	if err := os.WriteFile(img, rdWrite(t, tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, NoDeepRelocation: true}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tool string
		args []string
		want string
	}{
		{"bsdtar", []string{"-tf", img}, "a/b/c/d/e/f/g/h/i/j/f.txt"},
		{"xorriso", []string{"-indev", img, "-find", "/", "-type", "f"}, "'/a/b/c/d/e/f/g/h/i/j/f.txt'"},
		{"isoinfo", []string{"-R", "-f", "-i", img}, "/a/b/c/d/e/f/g/h/i/j/f.txt"},
		{"isoinfo", []string{"-f", "-i", img}, "/A/B/C/D/E/F/G/H/I/J/F.TXT;1"},
	} {
		out := runTool(t, c.tool, c.args...)
		if !slices.Contains(strings.Split(out, "\n"), c.want) {
			t.Errorf("%s %v lists no %s:\n%s", c.tool, c.args, c.want, out)
		}
	}
}
