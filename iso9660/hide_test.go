package iso9660_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
)

// hideSource makes a host tree for the hiding tests and returns its path
// and the boot image's data.
func hideSource(t *testing.T) (string, []byte) {
	t.Helper()
	src := t.TempDir()
	boot := bytes.Repeat([]byte("spindle boot image "), 300)
	files := map[string][]byte{
		"boot.img":        boot,
		"keep.txt":        []byte("keep\n"),
		"secret.txt":      []byte("secret\n"),
		"old.bak":         []byte("old\n"),
		"dir/sub/f":       []byte("f\n"),
		"dir/g":           []byte("g\n"),
		"jdir/j":          []byte("j\n"),
		"links/a-primary": []byte("linked data\n"),
	}
	for p, data := range files {
		full := filepath.Join(src, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A hard link whose first name (in tree order) is hidden from the
	// primary hierarchy: the visible name must still find the data.
	if err := os.Link(filepath.Join(src, "links/a-primary"), filepath.Join(src, "links/b")); err != nil {
		t.Fatal(err)
	}
	return src, boot
}

func masterHidden(t *testing.T, src string, hide func(p, name string) iso9660.HideFlags, opt iso9660.Options) []byte {
	t.Helper()
	tree := iso9660.NewTree()
	if err := tree.AddHost("", src, &iso9660.HostOptions{Hide: hide}); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, &opt)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestHide(t *testing.T) {
	src, boot := hideSource(t)
	hide := func(p, name string) iso9660.HideFlags {
		switch name {
		case "boot.img":
			return iso9660.HidePrimary | iso9660.HideJoliet
		case "old.bak", "sub", "a-primary":
			return iso9660.HidePrimary
		case "jdir":
			return iso9660.HideJoliet
		case "secret.txt", "dir":
			return iso9660.HideExistence
		}
		return 0
	}
	opt := iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: time.Unix(1e9, 0).UTC(), ClampTimes: true,
		Boot:        []iso9660.BootEntry{{Image: "boot.img", Emulation: eltorito.NoEmulation}},
		BootCatalog: "boot.cat", CatalogHide: iso9660.HidePrimary | iso9660.HideJoliet}
	img := masterHidden(t, src, hide, opt)

	open := func(view iso9660.NameView) *iso9660.Image {
		t.Helper()
		im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &iso9660.ReadOptions{Names: view})
		if err != nil {
			t.Fatal(err)
		}
		return im
	}
	type want struct {
		name   string
		exists bool
		hidden bool
	}
	check := func(view iso9660.NameView, wants []want) {
		t.Helper()
		im := open(view)
		for _, wt := range wants {
			fi, err := im.Lstat(wt.name)
			if !wt.exists {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%v: %s: got %v, want not found", view, wt.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%v: %s: %v", view, wt.name, err)
				continue
			}
			if got := fi.Sys().(*iso9660.FileInfo).Hidden; got != wt.hidden {
				t.Errorf("%v: %s: existence bit %v, want %v", view, wt.name, got, wt.hidden)
			}
		}
	}
	check(iso9660.NamesRockRidge, []want{
		{"keep.txt", true, false}, {"secret.txt", true, true}, {"dir", true, true}, {"dir/g", true, false},
		{"jdir/j", true, false}, {"links/b", true, false},
		{"old.bak", false, false}, {"boot.img", false, false}, {"boot.cat", false, false},
		{"dir/sub", false, false}, {"dir/sub/f", false, false}, {"links/a-primary", false, false},
	})
	check(iso9660.NamesPlain, []want{
		{"KEEP.TXT", true, false}, {"SECRET.TXT", true, true}, {"DIR", true, true},
		{"OLD.BAK", false, false}, {"BOOT.IMG", false, false}, {"BOOT.CAT", false, false}, {"DIR/SUB", false, false},
	})
	check(iso9660.NamesJoliet, []want{
		{"keep.txt", true, false}, {"secret.txt", true, true}, {"dir", true, true}, {"dir/sub/f", true, false},
		{"old.bak", true, false}, {"links/a-primary", true, false}, {"links/b", true, false},
		{"jdir", false, false}, {"jdir/j", false, false}, {"boot.img", false, false}, {"boot.cat", false, false},
	})
	// The hard link's count (RRIP §4.1.1 PX) takes only the names Rock
	// Ridge shows: links/b alone, links/a-primary being hidden.
	if fi, err := open(iso9660.NamesRockRidge).Lstat("links/b"); err != nil {
		t.Error(err)
	} else if n := fi.Sys().(*iso9660.FileInfo).Nlink; n != 1 {
		t.Errorf("links/b: link count %d, want 1", n)
	}
	// Files hidden from one hierarchy keep their data for the other.
	for _, c := range []struct {
		view       iso9660.NameView
		name, want string
	}{
		{iso9660.NamesJoliet, "old.bak", "old\n"}, {iso9660.NamesJoliet, "dir/sub/f", "f\n"},
		{iso9660.NamesRockRidge, "jdir/j", "j\n"}, {iso9660.NamesRockRidge, "links/b", "linked data\n"},
		{iso9660.NamesJoliet, "links/a-primary", "linked data\n"},
	} {
		got, err := open(c.view).ReadFile(c.name)
		if err != nil || string(got) != c.want {
			t.Errorf("%v: %s: got %q, %v; want %q", c.view, c.name, got, err, c.want)
		}
	}

	// The boot image, in no hierarchy, is still written where the boot
	// catalog's default entry points.
	catLBA, err := eltorito.ParseBootRecord(img[17*iso9660.BlockSize : 18*iso9660.BlockSize])
	if err != nil {
		t.Fatal(err)
	}
	cat, err := eltorito.Parse(img[int64(catLBA)*iso9660.BlockSize : int64(catLBA+1)*iso9660.BlockSize])
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Entries) != 1 {
		t.Fatalf("%d boot entries, want 1", len(cat.Entries))
	}
	off := int64(cat.Entries[0].LoadRBA) * iso9660.BlockSize
	if off == 0 || off+int64(len(boot)) > int64(len(img)) || !bytes.Equal(img[off:off+int64(len(boot))], boot) {
		t.Errorf("boot entry at block %d does not hold the boot image", cat.Entries[0].LoadRBA)
	}
}

// TestHideNothing checks that a Hide function that hides nothing changes
// no byte of the image.
func TestHideNothing(t *testing.T) {
	src, _ := hideSource(t)
	opt := iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: time.Unix(1e9, 0).UTC(), ClampTimes: true,
		Boot: []iso9660.BootEntry{{Image: "boot.img", Emulation: eltorito.NoEmulation}}, BootCatalog: "boot.cat"}
	a := masterHidden(t, src, nil, opt)
	b := masterHidden(t, src, func(string, string) iso9660.HideFlags { return 0 }, opt)
	if !bytes.Equal(a, b) {
		t.Error("a Hide function that hides nothing changed the image")
	}
}
