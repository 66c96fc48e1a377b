package restore_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/restore"
)

// TestFromImage masters a host tree, reads the image back and restores
// it: names, modes, times, owners, links and hard links come back as they
// were.
func TestFromImage(t *testing.T) {
	src := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(1999, 12, 31, 23, 59, 58, 0, time.UTC)
	deep := filepath.Join(src, "d1/d2/d3/d4/d5/d6/d7/d8/d9")
	must(os.MkdirAll(deep, 0o755))
	must(os.WriteFile(filepath.Join(deep, "bottom"), []byte("deep"), 0o644))
	must(os.WriteFile(filepath.Join(src, "Grüße.txt"), bytes.Repeat([]byte("x"), 5000), 0o640))
	must(os.WriteFile(filepath.Join(src, "suid"), []byte("s"), 0o755))
	must(os.Chmod(filepath.Join(src, "suid"), 0o755|fs.ModeSetuid))
	must(os.Link(filepath.Join(src, "Grüße.txt"), filepath.Join(src, "d1/hard")))
	must(os.Symlink("../Grüße.txt", filepath.Join(src, "d1/link")))
	must(os.Symlink(strings.Repeat("long/", 80)+"end", filepath.Join(src, "longlink")))
	if os.Geteuid() == 0 {
		must(os.Lchown(filepath.Join(src, "suid"), 1234, 5678))
		must(os.Chmod(filepath.Join(src, "suid"), 0o755|fs.ModeSetuid)) // chown cleared it
	}
	must(filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if d.Type()&fs.ModeSymlink == 0 {
			return os.Chtimes(p, old, old)
		}
		return nil
	}))

	tree := iso9660.NewTree()
	must(tree.AddHost("", src, nil))
	w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true})
	must(err)
	var img bytes.Buffer
	_, err = w.WriteTo(context.Background(), &img)
	must(err)
	im, err := iso9660.Open(bytes.NewReader(img.Bytes()), int64(img.Len()), nil)
	must(err)

	dest := t.TempDir()
	st, err := restore.ToDir(context.Background(), im, nil, dest, nil)
	must(err)
	if st.HardLinks != 1 {
		t.Errorf("hard links restored: %d, want 1", st.HardLinks)
	}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		must(err)
		rel, _ := filepath.Rel(src, p)
		if rel == "." {
			return nil
		}
		a, err := os.Lstat(p)
		must(err)
		b, err := os.Lstat(filepath.Join(dest, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		if a.Mode() != b.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, b.Mode(), a.Mode())
		}
		if a.Mode()&fs.ModeSymlink != 0 {
			ta, _ := os.Readlink(p)
			tb, _ := os.Readlink(filepath.Join(dest, rel))
			if ta != tb {
				t.Errorf("%s: target %q, want %q", rel, tb, ta)
			}
			return nil
		}
		if !a.ModTime().Equal(b.ModTime()) {
			t.Errorf("%s: mtime %v, want %v", rel, b.ModTime(), a.ModTime())
		}
		if a.Mode().IsRegular() {
			x, _ := os.ReadFile(p)
			y, _ := os.ReadFile(filepath.Join(dest, rel))
			if !bytes.Equal(x, y) {
				t.Errorf("%s: content differs", rel)
			}
		}
		if os.Geteuid() == 0 {
			sa, sb := a.Sys().(*syscall.Stat_t), b.Sys().(*syscall.Stat_t)
			if sa.Uid != sb.Uid || sa.Gid != sb.Gid {
				t.Errorf("%s: owner %d:%d, want %d:%d", rel, sb.Uid, sb.Gid, sa.Uid, sa.Gid)
			}
		}
		return nil
	})
	must(err)
	a, _ := os.Stat(filepath.Join(dest, "Grüße.txt"))
	b, _ := os.Stat(filepath.Join(dest, "d1/hard"))
	if !os.SameFile(a, b) {
		t.Error("hard link restored as a copy")
	}
}
