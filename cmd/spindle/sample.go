package main

import (
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/iso9660/eltorito/boottest"
)

// sampleBootMessage is what the sample image's boot program prints on the
// first serial port.
const sampleBootMessage = "Spindle sample image booted"

// addSample fills tree with the built-in sample: a small tree that shows
// what an image can hold (long and non-ASCII names, deep directories,
// symbolic links, odd modes, old dates) and a boot image that prints a line
// on the serial port, so "spindle master --sample" needs no input at all.
func addSample(tree *iso9660.Tree, opt *iso9660.Options) error {
	when := time.Date(2001, 7, 4, 12, 0, 0, 0, time.UTC)
	file := func(mode fs.FileMode, mtime time.Time, s string) iso9660.FileSpec {
		return iso9660.FileSpec{Mode: mode, Size: int64(len(s)), ModTime: mtime,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }}
	}
	text := func(s string) iso9660.FileSpec { return file(0o644, when, s) }
	boot := boottest.SerialImage(sampleBootMessage)
	files := []struct {
		path string
		spec iso9660.FileSpec
	}{
		{"README.txt", text("This image was made by spindle master --sample.\n")},
		{"docs/Grüße aus Köln.txt", text("Rock Ridge and Joliet keep this name; ISO 9660 maps it.\n")},
		{"docs/日本語のファイル名.txt", text("Non-ASCII names survive in Rock Ridge and Joliet.\n")},
		{"docs/" + strings.Repeat("a very long file name ", 9) + "end.txt", text("Long names: 255 bytes in Rock Ridge, 64 characters in Joliet.\n")},
		{"docs/empty", text("")},
		{"docs/old.txt", file(0o600, time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC), "from 1985\n")},
		{"bin/hello.sh", file(0o755, when, "#!/bin/sh\necho hello\n")},
		{"links/readme", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, ModTime: when, Target: "../README.txt"}},
		{"links/long", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, ModTime: when,
			Target: strings.Repeat("b", 250) + "/" + strings.Repeat("b", 100)}},
		{"deep/1/2/3/4/5/6/7/8/9/10/bottom.txt", text("Ten levels down: relocated by Rock Ridge, found where it belongs.\n")},
		{"boot/boot.img", file(0o644, when, string(boot))},
	}
	for _, f := range files {
		if err := tree.AddFile(f.path, f.spec); err != nil {
			return fmt.Errorf("sample: %w", err)
		}
	}
	if opt.RockRidge == iso9660.NoRockRidge {
		opt.RockRidge = iso9660.RockRidgeKeep
	}
	opt.Joliet = true
	if opt.Volume.VolumeID == "" {
		opt.Volume.VolumeID = "SPINDLE_SAMPLE"
	}
	if len(opt.Boot) == 0 {
		opt.Boot = []iso9660.BootEntry{{Image: "boot/boot.img", Emulation: eltorito.NoEmulation, LoadSize: 4, InfoTable: true}}
		if opt.BootCatalog == "" {
			opt.BootCatalog = "boot/boot.catalog"
		}
	}
	return nil
}
