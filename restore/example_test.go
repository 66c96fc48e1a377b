package restore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"spindle/restore"
)

func ExampleToDir() {
	fsys := fstest.MapFS{"docs/readme.txt": {Data: []byte("hello\n"), Mode: 0o644}}
	dest, _ := os.MkdirTemp("", "restore")
	defer os.RemoveAll(dest)
	st, err := restore.ToDir(context.Background(), fsys, nil, dest, nil)
	fmt.Println(st.Files, st.Bytes, err)
	b, _ := os.ReadFile(filepath.Join(dest, "docs/readme.txt"))
	fmt.Print(string(b))
	// Output:
	// 1 6 <nil>
	// hello
}
