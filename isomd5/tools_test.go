package isomd5_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
)

// needTool returns the path of an external program the test compares
// against (see internal/testtool).
func needTool(t testing.TB, name string) string {
	t.Helper()
	return testtool.Need(t, name)
}

// toolResult runs a tool with a time limit (checkisomd5 loops forever on
// some inputs) and returns its combined output and exit status; it fails
// the test only if the tool cannot be started or runs out of time.
func toolResult(t testing.TB, stdin string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out\n%s", name, strings.Join(args, " "), tail(out.String()))
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	}
	t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	return "", 0
}

// runTool runs a tool that must succeed and returns its output.
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, rc := toolResult(t, "", name, args...)
	if rc != 0 {
		t.Fatalf("%s %s: exit status %d\n%s", name, strings.Join(args, " "), rc, tail(out))
	}
	return out
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// makeTree writes a small directory tree with files of assorted sizes
// (empty, one byte, block sized, a few hundred kB) and returns its path.
func makeTree(t testing.TB, bigKB int) string {
	t.Helper()
	root := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	files := map[string][]byte{
		"README.txt":          []byte("hello, checksums\n"),
		"empty":               nil,
		"one":                 {1},
		"sub/block.bin":       data(2048),
		"sub/block1.bin":      data(2049),
		"sub/deeper/big.bin":  data(bigKB << 10),
		"sub/deeper/same.bin": []byte("hello, checksums\n"),
	}
	for name, b := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// flipByte inverts the bits of the byte at off in the file.
func flipByte(t testing.TB, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func openImage(t testing.TB, path string) (*os.File, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return f, st.Size()
}
