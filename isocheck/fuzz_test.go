package isocheck_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/isocheck"
)

// systemArea is the 16-block system area (ECMA-119 §6.2.1) Check never
// reads: FuzzCheck's inputs leave it out and the harness puts it back as
// zeros, so that inputs stay small.
const systemArea = 16 * bs

// FuzzCheck feeds arbitrary images to Check: no panic, no hang, and an
// error only for ErrNotISO.
func FuzzCheck(f *testing.F) {
	tree := iso9660.NewTree()
	for p, spec := range map[string]iso9660.FileSpec{
		"a/b/c/d/e/f/g/h/i/deep.txt": {Mode: 0o644, Size: 5, Open: content("deep\n")},
		"long name long name long name long name long name long name long name long name": {Mode: 0o644, Size: 1, Open: content("x")},
		"link":  {Mode: fs.ModeSymlink | 0o777, Target: "a/b"},
		"x.txt": {Mode: 0o644, Size: 3000, Open: content(string(make([]byte, 3000)))},
	} {
		spec.ModTime = when
		if err := tree.AddFile(p, spec); err != nil {
			f.Fatal(err)
		}
	}
	for _, opt := range []iso9660.Options{
		{RockRidge: iso9660.RockRidgeKeep, Joliet: true},
		{RockRidge: iso9660.RockRidgeKeep, RRVersion: iso9660.RRIP110},
		{Joliet: true},
		{},
	} {
		opt.NoPad, opt.Now = true, when
		f.Add(write(f, tree, &opt)[systemArea:])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		img := append(make([]byte, systemArea, systemArea+len(data)), data...)
		watchdog := time.AfterFunc(20*time.Second, func() { panic("FuzzCheck: still checking after 20s") })
		defer watchdog.Stop()
		start := time.Now()
		r, err := isocheck.Check(context.Background(), bytes.NewReader(img), int64(len(img)), nil)
		if err != nil {
			if !errors.Is(err, isocheck.ErrNotISO) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(r.Problems) > 1000 || r.Errors+r.Warnings != len(r.Problems)+r.Omitted {
			t.Fatalf("%d problems listed, %d omitted, %d errors, %d warnings", len(r.Problems), r.Omitted, r.Errors, r.Warnings)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("checking %d bytes took %v", len(img), d)
		}
	})
}
