package iso9660_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"spindle/iso9660"
)

func reader(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func TestFileChangedSize(t *testing.T) {
	tests := []struct {
		name    string
		size    int64
		content string
		want    string
	}{
		{"shrank", 10, "short", "ended after 5 of 10 bytes"},
		{"grew", 3, "longer than three", "more than 3 bytes"},
		{"shrank large", 3 << 20, "x", "ended after 1 of"},
		{"grew large", 2 << 20, strings.Repeat("y", 2<<20+1), "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := iso9660.NewTree()
			if err := tree.AddFile("/a/file", iso9660.FileSpec{Mode: 0o644, Size: tc.size, Open: reader(tc.content)}); err != nil {
				t.Fatal(err)
			}
			w, err := iso9660.NewWriter(tree, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.WriteTo(context.Background(), io.Discard)
			var pe *iso9660.PathError
			if !errors.Is(err, iso9660.ErrChanged) || !errors.As(err, &pe) || pe.Path != "/a/file" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want ErrChanged naming /a/file with %q", err, tc.want)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	tree := iso9660.NewTree()
	boom := errors.New("permission denied by test")
	err := tree.AddFile("x", iso9660.FileSpec{Mode: 0o644, Size: 1, Open: func() (io.ReadCloser, error) { return nil, boom }})
	if err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.WriteTo(context.Background(), io.Discard)
	var pe *iso9660.PathError
	if !errors.Is(err, boom) || !errors.As(err, &pe) || pe.Path != "x" {
		t.Fatalf("err = %v; want the open error naming x", err)
	}
}

func TestFollowLinksLoop(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a/b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "a/b/up")); err != nil {
		t.Fatal(err)
	}
	tree := iso9660.NewTree()
	err := tree.AddHost("", dir, &iso9660.HostOptions{FollowLinks: true})
	if err == nil || !strings.Contains(err.Error(), "loop") || !strings.Contains(err.Error(), "a/b/up") {
		t.Fatalf("err = %v; want a loop error naming a/b/up", err)
	}
	// Without -f the link is a link and there is no loop.
	if err := iso9660.NewTree().AddHost("", dir, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDuplicateSources(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"one", "two"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d, "same"), []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree := iso9660.NewTree()
	if err := tree.AddHost("", filepath.Join(dir, "one"), nil); err != nil {
		t.Fatal(err)
	}
	err := tree.AddHost("", filepath.Join(dir, "two"), nil)
	if !errors.Is(err, iso9660.ErrExists) || !strings.Contains(err.Error(), "two/same") || !strings.Contains(err.Error(), "one/same") {
		t.Fatalf("err = %v; want ErrExists naming both sources", err)
	}
}

func TestTooManyDirectories(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 65,536 directories")
	}
	tree := iso9660.NewTree()
	for i := range 65536 {
		if err := tree.AddFile(fmt.Sprintf("d%03d/e%04d", i/1000, i%1000), iso9660.FileSpec{Mode: fs.ModeDir | 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := iso9660.NewWriter(tree, nil)
	if err == nil || !strings.Contains(err.Error(), "65535") {
		t.Fatalf("err = %v; want the path table limit", err)
	}
}

func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	bad := string([]byte{'b', 'a', 'd', 0xff, 0xfe})
	if err := os.WriteFile(filepath.Join(dir, bad), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	tree := iso9660.NewTree()
	tree.Warn = func(err error) { warnings = append(warnings, err.Error()) }
	if err := tree.AddHost("", dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := iso9660.NewWriter(tree, nil); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{"fifo: named pipe left out", "link: symbolic link left out", "not valid UTF-8"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings %q lack %q", all, want)
		}
	}
	// With Rock Ridge both are recorded.
	warnings = nil
	tree = iso9660.NewTree()
	tree.Warn = func(err error) { warnings = append(warnings, err.Error()) }
	if err := tree.AddHost("", dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(warnings, "\n"), "left out") {
		t.Errorf("Rock Ridge image left files out: %v", warnings)
	}
}

// TestReproducible: with a fixed Now and clamped times, two images of the
// same tree are identical even though reading the tree changed its access
// times in between.
func TestReproducible(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	image := func() [32]byte {
		tree := iso9660.NewTree()
		if err := tree.AddHost("", src, nil); err != nil {
			t.Fatal(err)
		}
		w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true,
			Now: time.Unix(1_000_000_000, 0), ClampTimes: true, TransTable: true})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := w.WriteTo(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b.Bytes())
	}
	a := image()
	// Touch access and change times.
	now := time.Now()
	if err := os.Chtimes(filepath.Join(src, "README"), now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(src, "README"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b := image(); a != b {
		t.Fatal("two images of the same tree differ")
	}
}
