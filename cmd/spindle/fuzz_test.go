package main

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"testing"

	"spindle/iso9660"
)

// The parsers of master's option files never panic, and what they accept
// they can use: sort weights on any node, ids as given.
func FuzzSortWeights(f *testing.F) {
	f.Add([]byte("src/boot 100\n/zz.txt 50\nsrc/data/b* -1\n"))
	f.Add([]byte("name with spaces \t-2147483648\r\n\n[bad 1\n"))
	tree := iso9660.NewTree()
	if err := tree.AddFile("a/b/c.txt", iso9660.FileSpec{Mode: 0o644,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("")), nil }}); err != nil {
		f.Fatal(err)
	}
	leaf := tree.Root().Children()[0].Children()[0].Children()[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := parseSortWeights("sort.txt", data)
		if err != nil {
			return
		}
		var again strings.Builder
		for _, r := range rules {
			if _, err := path.Match(r.pattern, ""); err != nil {
				t.Fatalf("accepted pattern %q: %v", r.pattern, err)
			}
			_ = matchPathOrParent(r.pattern, leaf.Path())
			_ = matchPathOrParent(r.pattern, leaf.Source())
			fmt.Fprintf(&again, "%s %d\n", r.pattern, r.weight)
		}
		// What was read, written back, reads the same.
		back, err := parseSortWeights("sort.txt", []byte(again.String()))
		if err != nil || !slices.Equal(back, rules) {
			t.Fatalf("rules %q written back as %q read as %q (%v)", rules, again.String(), back, err)
		}
	})
}

func FuzzFindID(f *testing.F) {
	f.Add("root", []byte("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"))
	f.Add("user", []byte("user:x:99999999999:1\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		id, err := findID(name, "/etc/passwd", data)
		if err == nil && strings.Contains(name, ":") {
			t.Fatalf("found id %d for a name with a colon, %q", id, name)
		}
	})
}
