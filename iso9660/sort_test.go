package iso9660_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
)

// SortWeight orders the file data, heaviest first, equal weights in the
// order of the hierarchy; the directories and the data read back are
// unchanged.
func TestSortWeight(t *testing.T) {
	files := map[string]string{"a/one": "1111", "a/two": "22", "b/three": "333", "top": "t"}
	build := func() *iso9660.Tree {
		tree := iso9660.NewTree()
		for p, data := range files {
			err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(1e9, 0),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }})
			if err != nil {
				t.Fatal(err)
			}
		}
		return tree
	}
	weights := map[string]int32{"/b/three": 9, "/a/two": 9, "/top": -3}
	img := rdWrite(t, build(), &iso9660.Options{RockRidge: iso9660.RockRidgeKeep,
		SortWeight: func(n *iso9660.Node) int32 { return weights[n.Path()] }})
	im := rdOpen(t, img, nil)
	lba := map[string]uint32{}
	for p, data := range files {
		fi := rdInfo(t, im, p)
		lba[p] = fi.Extents[0].LBA
		f, err := im.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, []byte(data)) {
			t.Errorf("%s reads %q, want %q", p, got, data)
		}
	}
	// Weight 9: a/two then b/three (hierarchy order); then a/one (0); top
	// (-3) last although the root's files come first without weights.
	order := []string{"a/two", "b/three", "a/one", "top"}
	for i := 1; i < len(order); i++ {
		if lba[order[i-1]] >= lba[order[i]] {
			t.Errorf("blocks %v: want the data in the order %v", lba, order)
			break
		}
	}
}
