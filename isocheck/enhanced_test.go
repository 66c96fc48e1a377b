package isocheck_test

import (
	"os"
	"path/filepath"
	"testing"

	"spindle/isocheck"
)

// TestEnhancedVolumeDescriptor: genisoimage -iso-level 4 (ISO 9660:1999)
// writes an enhanced volume descriptor (a supplementary one of version 2)
// that records the primary volume descriptor's root directory and path
// tables: one hierarchy described twice, not two that overlap.
func TestEnhancedVolumeDescriptor(t *testing.T) {
	src := hostTree(t)
	for _, args := range [][]string{
		{"-quiet", "-iso-level", "4"},
		{"-quiet", "-iso-level", "4", "-R"},
		{"-quiet", "-iso-level", "4", "-J"},
		{"-quiet", "-iso-level", "4", "-R", "-J"},
	} {
		t.Run(args[len(args)-1], func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.iso")
			runTool(t, "genisoimage", append(args, "-o", out, src)...)
			img, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if img[17*bs] != 2 || img[17*bs+6] != 2 {
				t.Fatalf("block 17 is not an enhanced volume descriptor (type %d, version %d)", img[17*bs], img[17*bs+6])
			}
			r := check(t, img)
			logProblems(t, r)
			if !r.OK() {
				t.Errorf("%d errors in an ISO 9660:1999 image", r.Errors)
			}
		})
	}
}

// TestGenisoimageTooDeep: without Rock Ridge or -D, genisoimage leaves a
// directory at the eighth level empty and records its '..' as the
// directory itself: a real defect (ECMA-119 §6.8.2.2), reported as such.
func TestGenisoimageTooDeep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.iso")
	runTool(t, "genisoimage", "-quiet", "-o", out, hostTree(t))
	img, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r := check(t, img)
	logProblems(t, r)
	if !hasProblem(r, isocheck.Error, "directory", ", the directory itself, not to its parent") {
		t.Error("no error for the '..' record of /DEEP/1/2/3/4/5/6")
	}
}
