package iso9660_test

import (
	"io/fs"
	"testing"
	"time"

	"spindle/iso9660"
)

// AttributeOverride replaces owners and modes after -r's rules, and only
// the fields it names: regular files and directories each get their mode,
// symbolic links keep theirs (or -r's).
func TestAttributeOverride(t *testing.T) {
	mtime := time.Date(2001, 7, 4, 12, 0, 0, 0, time.UTC)
	build := func() *iso9660.Tree {
		tree := iso9660.NewTree()
		for _, f := range []struct {
			path string
			spec iso9660.FileSpec
		}{
			{"dir", iso9660.FileSpec{Mode: fs.ModeDir | 0o700, UID: 1000, GID: 100, ModTime: mtime}},
			{"dir/run", iso9660.FileSpec{Mode: fs.ModeSetuid | 0o750, UID: 1000, GID: 100, ModTime: mtime}},
			{"dir/link", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "run", UID: 1000, GID: 100, ModTime: mtime}},
		} {
			if err := tree.AddFile(f.path, f.spec); err != nil {
				t.Fatal(err)
			}
		}
		return tree
	}
	for _, tc := range []struct {
		name string
		opt  iso9660.Options
		// uid, gid and modes of dir, dir/run, dir/link
		uid, gid         uint32
		dir, file, slink fs.FileMode
	}{
		{"uid only", iso9660.Options{RockRidge: iso9660.RockRidgeKeep,
			Attributes: iso9660.AttributeOverride{Set: iso9660.OverrideUID, UID: 7}},
			7, 100, fs.ModeDir | 0o700, fs.ModeSetuid | 0o750, fs.ModeSymlink | 0o777},
		{"all", iso9660.Options{RockRidge: iso9660.RockRidgeKeep,
			Attributes: iso9660.AttributeOverride{Set: iso9660.OverrideUID | iso9660.OverrideGID | iso9660.OverrideFileMode | iso9660.OverrideDirMode,
				UID: 0, GID: 50, FileMode: 0o444, DirMode: fs.ModeSticky | 0o555}},
			0, 50, fs.ModeDir | fs.ModeSticky | 0o555, 0o444, fs.ModeSymlink | 0o777},
		{"after -r", iso9660.Options{RockRidge: iso9660.RockRidgeRationalize,
			Attributes: iso9660.AttributeOverride{Set: iso9660.OverrideGID | iso9660.OverrideFileMode, GID: 9, FileMode: 0o640}},
			0, 9, fs.ModeDir | 0o555, 0o640, fs.ModeSymlink | 0o555},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := rdOpen(t, rdWrite(t, build(), &tc.opt), nil)
			for _, want := range []struct {
				name string
				mode fs.FileMode
			}{{"dir", tc.dir}, {"dir/run", tc.file}, {"dir/link", tc.slink}} {
				fi := rdInfo(t, im, want.name)
				if fi.UID != tc.uid || fi.GID != tc.gid || fi.Mode != want.mode {
					t.Errorf("%s: uid %d gid %d mode %v; want %d %d %v", want.name, fi.UID, fi.GID, fi.Mode, tc.uid, tc.gid, want.mode)
				}
			}
		})
	}
}
