package restore_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"spindle/restore"
)

var when = time.Date(2001, 7, 4, 12, 0, 0, 0, time.UTC)

func TestToDirMapFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a/b/file.txt": {Data: []byte("hello"), Mode: 0o640, ModTime: when},
		"a/b":          {Mode: fs.ModeDir | 0o750, ModTime: when},
		"a":            {Mode: fs.ModeDir | 0o755, ModTime: when},
		"a/link":       {Data: []byte("b/file.txt"), Mode: fs.ModeSymlink | 0o777, ModTime: when},
		"top.txt":      {Data: []byte("top"), Mode: 0o755 | fs.ModeSetuid, ModTime: when},
	}
	dest := t.TempDir()
	st, err := restore.ToDir(context.Background(), fsys, nil, dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 2 || st.Dirs != 2 || st.Links != 1 || st.Bytes != 8 {
		t.Errorf("stats = %+v", st)
	}
	b, err := os.ReadFile(filepath.Join(dest, "a/link"))
	if err != nil || string(b) != "hello" {
		t.Fatalf("through the link: %q, %v", b, err)
	}
	for p, want := range map[string]fs.FileMode{"a/b/file.txt": 0o640, "a/b": fs.ModeDir | 0o750, "top.txt": 0o755 | fs.ModeSetuid} {
		fi, err := os.Lstat(filepath.Join(dest, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
		if !fi.ModTime().Equal(when) {
			t.Errorf("%s: mtime %v, want %v", p, fi.ModTime(), when)
		}
	}
}

func TestToDirSelectedPath(t *testing.T) {
	fsys := fstest.MapFS{
		"keep/x": {Data: []byte("x")},
		"skip/y": {Data: []byte("y")},
	}
	dest := t.TempDir()
	if _, err := restore.ToDir(context.Background(), fsys, []string{"/keep"}, dest, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dest, "keep/x")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dest, "skip")); err == nil {
		t.Error("extracted a path that was not selected")
	}
}

// A symbolic link in the image pointing outside, then a file "through" it:
// the file must not be written outside the destination.
func TestToDirSymlinkEscape(t *testing.T) {
	outside := t.TempDir()
	fsys := &listFS{entries: []entry{
		{name: "evil", mode: fs.ModeSymlink | 0o777, target: outside},
		{name: "evil/planted", data: "gotcha"},
	}}
	dest := t.TempDir()
	_, err := restore.ToDir(context.Background(), fsys, nil, dest, nil)
	if err == nil {
		t.Fatal("extraction through a planted symbolic link succeeded")
	}
	if _, serr := os.Stat(filepath.Join(outside, "planted")); serr == nil {
		t.Fatalf("wrote outside the destination (err was %v)", err)
	}
}

func TestToDirUnsafeNames(t *testing.T) {
	for name, entries := range map[string][]entry{
		"dotdot":    {{name: "..", data: "x"}},
		"slash":     {{name: "a/../../x", data: "x", raw: true}},
		"duplicate": {{name: "same", data: "1"}, {name: "same", data: "2"}},
		"nul":       {{name: "a\x00b", data: "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			dest := t.TempDir()
			_, err := restore.ToDir(context.Background(), &listFS{entries: entries}, nil, dest, nil)
			if !errors.Is(err, restore.ErrUnsafeName) {
				t.Fatalf("err = %v; want ErrUnsafeName", err)
			}
			if ents, _ := os.ReadDir(dest); len(ents) != 0 {
				t.Fatalf("wrote %v before refusing", ents)
			}
		})
	}
}

func TestToDirExistingFile(t *testing.T) {
	dest := t.TempDir()
	os.WriteFile(filepath.Join(dest, "f"), []byte("old"), 0o644)
	fsys := fstest.MapFS{"f": {Data: []byte("new")}}
	if _, err := restore.ToDir(context.Background(), fsys, nil, dest, nil); err == nil {
		t.Fatal("overwrote an existing file without Overwrite")
	}
	if _, err := restore.ToDir(context.Background(), fsys, nil, dest, &restore.Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "f")); !bytes.Equal(b, []byte("new")) {
		t.Fatalf("content %q", b)
	}
}

// listFS is a one-directory file system whose entries may have any name,
// as a hostile image could present them.
type listFS struct{ entries []entry }

type entry struct {
	name, data, target string
	mode               fs.FileMode
	raw                bool
}

func (e entry) Name() string               { return e.name }
func (e entry) IsDir() bool                { return e.mode.IsDir() }
func (e entry) Type() fs.FileMode          { return e.mode.Type() }
func (e entry) Info() (fs.FileInfo, error) { return info{e}, nil }

type info struct{ e entry }

func (i info) Name() string       { return i.e.name }
func (i info) Size() int64        { return int64(len(i.e.data)) }
func (i info) Mode() fs.FileMode  { return i.e.mode | 0o644 }
func (i info) ModTime() time.Time { return when }
func (i info) IsDir() bool        { return i.e.mode.IsDir() }
func (i info) Sys() any           { return nil }

type dirFile struct {
	fs *listFS
}

func (d *dirFile) Stat() (fs.FileInfo, error) {
	return info{entry{name: ".", mode: fs.ModeDir | 0o755}}, nil
}
func (d *dirFile) Read([]byte) (int, error) { return 0, errors.New("is a directory") }
func (d *dirFile) Close() error             { return nil }
func (d *dirFile) ReadDir(int) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	for _, e := range d.fs.entries {
		out = append(out, e)
	}
	return out, nil
}

type file struct {
	*strings.Reader
	e entry
}

func (f file) Stat() (fs.FileInfo, error) { return info{f.e}, nil }
func (f file) Close() error               { return nil }

func (l *listFS) Open(name string) (fs.File, error) {
	if name == "." {
		return &dirFile{l}, nil
	}
	for _, e := range l.entries {
		if e.name == name {
			return file{strings.NewReader(e.data), e}, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (l *listFS) ReadLink(name string) (string, error) {
	for _, e := range l.entries {
		if e.name == name {
			return e.target, nil
		}
	}
	return "", fs.ErrNotExist
}

func (l *listFS) Lstat(name string) (fs.FileInfo, error) {
	for _, e := range l.entries {
		if e.name == name {
			return info{e}, nil
		}
	}
	return nil, fs.ErrNotExist
}

// damagedFS is a MapFS with entries that fail to read, as those of a
// damaged image do.
type damagedFS struct {
	fstest.MapFS
	badLink, badDir, badData string
}

var errDamaged = errors.New("damaged record")

func (d damagedFS) ReadLink(name string) (string, error) {
	if name == d.badLink {
		return "", errDamaged
	}
	return d.MapFS.ReadLink(name)
}

func (d damagedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := d.MapFS.ReadDir(name)
	if name == d.badDir && len(ents) > 0 {
		// What was read before the damage, as fs.ReadDir returns it.
		return ents[:1], errDamaged
	}
	return ents, err
}

func (d damagedFS) Open(name string) (fs.File, error) {
	f, err := d.MapFS.Open(name)
	if err != nil || name != d.badData {
		return f, err
	}
	return &failingFile{File: f}, nil
}

// failingFile gives some bytes, then an error.
type failingFile struct {
	fs.File
	n int
}

func (f *failingFile) Read(p []byte) (int, error) {
	if f.n > 0 {
		return 0, errDamaged
	}
	f.n = min(len(p), 3)
	return copy(p, "abc"[:f.n]), nil
}

func TestToDirDamagedSource(t *testing.T) {
	fsys := damagedFS{
		MapFS: fstest.MapFS{
			"ok.txt":        {Data: []byte("fine")},
			"bad-link":      {Data: []byte("ok.txt"), Mode: fs.ModeSymlink | 0o777},
			"good-link":     {Data: []byte("ok.txt"), Mode: fs.ModeSymlink | 0o777},
			"bad-data.bin":  {Data: []byte("abcdefgh")},
			"dir/first":     {Data: []byte("1")},
			"dir/second":    {Data: []byte("2")},
			"dir/sub/third": {Data: []byte("3")},
		},
		badLink: "bad-link", badDir: "dir", badData: "bad-data.bin",
	}
	dest := t.TempDir()
	var reported []string
	st, err := restore.ToDir(context.Background(), fsys, nil, dest, &restore.Options{
		Skipped: func(err error) { reported = append(reported, err.Error()) },
	})
	var inc *restore.IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("ToDir = %v, want an IncompleteError", err)
	}
	if !errors.Is(err, errDamaged) {
		t.Errorf("%v does not wrap the read errors", err)
	}
	if len(inc.Skipped) != 3 || len(reported) != 3 {
		t.Fatalf("skipped %q, reported %q; want the link, the directory and the file", inc.Skipped, reported)
	}
	for _, want := range []string{"/bad-link", "/dir", "/bad-data.bin"} {
		found := false
		for _, r := range reported {
			found = found || strings.HasPrefix(r, want+": ")
		}
		if !found {
			t.Errorf("no report names %s: %q", want, reported)
		}
	}
	// Everything readable is there; nothing half-written is.
	for p, want := range map[string]string{"ok.txt": "fine", "good-link": "fine", "dir/first": "1"} {
		if b, err := os.ReadFile(filepath.Join(dest, p)); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", p, b, err, want)
		}
	}
	for _, p := range []string{"bad-link", "bad-data.bin", "dir/second"} {
		if _, err := os.Lstat(filepath.Join(dest, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: exists (%v), want it left out", p, err)
		}
	}
	if st.Files != 2 || st.Links != 1 {
		t.Errorf("stats = %+v, want 2 files and 1 link", st)
	}
}

// A destination error still stops the extraction.
func TestToDirDestinationErrorStops(t *testing.T) {
	fsys := fstest.MapFS{"a": {Data: []byte("x")}, "b": {Data: []byte("y")}}
	dest := t.TempDir()
	if err := os.WriteFile(filepath.Join(dest, "a"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := restore.ToDir(context.Background(), fsys, nil, dest, nil)
	var inc *restore.IncompleteError
	if err == nil || errors.As(err, &inc) {
		t.Fatalf("ToDir = %v, want the existing-file error", err)
	}
}
