package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/iso9660"
)

// TestLsDamaged: ls lists what a damaged image still gives, names each
// damaged directory and garbled link on stderr, and exits 2.
func TestLsDamaged(t *testing.T) {
	tree := iso9660.NewTree()
	for i := range 150 {
		if err := tree.AddFile(fmt.Sprintf("d/file%03d", i), iso9660.FileSpec{Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tree.AddFile("link", iso9660.FileSpec{Mode: 0o777 | os.ModeSymlink, Target: "d/file000"}); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{NoPad: true, RockRidge: iso9660.RockRidgeRationalize})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	img := buf.Bytes()
	im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := im.Lstat("d")
	if err != nil {
		t.Fatal(err)
	}
	// Damage d's third sector (an identifier longer than its record) and
	// the link's SL entry (a component longer than the entry).
	sec := int64(fi.Sys().(*iso9660.FileInfo).Extents[0].LBA)*iso9660.BlockSize + 2*iso9660.BlockSize
	img[sec+32] = 200
	sl := bytes.Index(img, []byte("SL\x11\x01\x00\x00\x01d\x00\x07file000"))
	if sl < 0 {
		t.Fatal("no SL entry for the link")
	}
	img[sl+9] = 200
	path := filepath.Join(t.TempDir(), "damaged.iso")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}

	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"ls", path})
	err = root.ExecuteContext(context.Background())
	if err == nil || exitCode(context.Background(), err) != exitUsage {
		t.Fatalf("ls: %v, want exit status %d", err, exitUsage)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 50 || len(lines) > 150 || !strings.Contains(out.String(), "/d/file000\n") || !strings.Contains(out.String(), "/link\n") {
		t.Errorf("listed %d lines, want the readable part of d and the link:\n%s", len(lines), out.String())
	}
	for _, want := range []string{"readdir d: ", "readlink link: "} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr does not report %q:\n%s", want, errb.String())
		}
	}
	if !strings.Contains(err.Error(), "2 directories or entries could not be read") {
		t.Errorf("error %q does not count the damage", err)
	}
}
