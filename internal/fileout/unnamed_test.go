package fileout

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unnamedHere reports whether dir's file system has unnamed files.
func unnamedHere(dir string) bool {
	f := openUnnamed(dir, 0o600)
	if f == nil {
		return false
	}
	f.Close()
	return true
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range ents {
		n = append(n, e.Name())
	}
	return n
}

func checkFile(t *testing.T, path, want string, mode os.FileMode) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s holds %q, want %q", path, got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Fatalf("%s has mode %v, want %v", path, fi.Mode().Perm(), mode)
	}
	if n := names(t, filepath.Dir(path)); len(n) != 1 {
		t.Fatalf("directory holds %v, want only %s", n, filepath.Base(path))
	}
}

// While the output is written, the directory shows nothing of it where
// unnamed files exist, else one hidden temporary name; Named is called
// exactly in the second case, before fn.
func TestWriteVisibleWhileWriting(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.iso")
	unnamed := unnamedHere(dir)
	calls := 0
	err := WriteWith(out, Options{Perm: 0o644, Named: func() { calls++ }}, func(w io.Writer) error {
		n := names(t, dir)
		if unnamed && len(n) != 0 {
			t.Errorf("while writing, the directory holds %v; want nothing", n)
		}
		if !unnamed && (len(n) != 1 || !strings.HasPrefix(n[0], ".out.iso.tmp-")) {
			t.Errorf("while writing, the directory holds %v; want one temporary name", n)
		}
		if want := map[bool]int{true: 0, false: 1}[unnamed]; calls != want {
			t.Errorf("Named called %d times before fn, want %d", calls, want)
		}
		_, err := io.WriteString(w, "image")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, out, "image", 0o644)
}

// An existing output is replaced whole, by rename, with the new mode.
func TestWriteReplacesExisting(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, []byte("old content, longer"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out, "new", 0o644)
}

// A system that cannot link an unnamed file (no /proc, no privilege)
// still gets the output, copied under a temporary name.
func TestWriteCopiesWhenLinkImpossible(t *testing.T) {
	saved := linkUnnamed
	t.Cleanup(func() { linkUnnamed = saved })
	linked := 0
	linkUnnamed = func(*os.File, string) error { linked++; return errCannotLink }
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := Write(out, 0o640, func(w io.Writer) error {
		_, err := w.Write(append([]byte("head"), make([]byte, 3*holeBlock)...))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out, "head"+string(make([]byte, 3*holeBlock)), 0o640)
	if unnamedHere(dir) && linked == 0 {
		t.Error("the unnamed file was never offered for linking")
	}
}

// Where there are no unnamed files, the temporary name is used and, on
// failure, removed.
func TestWriteNamedFallback(t *testing.T) {
	saved := openUnnamed
	t.Cleanup(func() { openUnnamed = saved })
	openUnnamed = func(string, os.FileMode) *os.File { return nil }
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	calls := 0
	boom := errors.New("boom")
	err := WriteWith(out, Options{Perm: 0o644, Named: func() { calls++ }}, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("err = %v, Named called %d times; want boom and 1", err, calls)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("left behind: %v", n)
	}
	if err := WriteWith(out, Options{Perm: 0o644}, func(w io.Writer) error {
		_, err := io.WriteString(w, "whole")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out, "whole", 0o644)
}
