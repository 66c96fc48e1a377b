package isocheck_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/iso9660"
)

// needTool returns the path of an external program the test compares
// against (see internal/testtool).
func needTool(t testing.TB, name string) string {
	t.Helper()
	return testtool.Need(t, name)
}

func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// hostTree makes a source tree for the other writers: nested
// directories, a hard link, a symbolic link, a long name, an empty file.
func hostTree(t testing.TB) string {
	dir := t.TempDir()
	for p, s := range map[string]string{
		"a.txt": "alpha\n", "dir/b.txt": strings.Repeat("beta ", 1000), "dir/sub/c": "c",
		"empty": "", strings.Repeat("long name ", 15): "long", "deep/1/2/3/4/5/6/7/8/9/x": "deep",
	} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(filepath.Join(dir, "a.txt"), filepath.Join(dir, "hard")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOtherWriters checks images that genisoimage and xorriso write: no
// errors.
func TestOtherWriters(t *testing.T) {
	src := hostTree(t)
	for _, tc := range []struct {
		tool string
		args []string
	}{
		{"genisoimage", []string{"-quiet", "-R", "-J"}},
		{"genisoimage", []string{"-quiet", "-r"}},
		{"genisoimage", []string{"-quiet", "-D"}}, // deep directories unrelocated: a warning
		{"xorriso", []string{"-as", "mkisofs", "-quiet", "-R", "-J"}},
		{"xorriso", []string{"-as", "mkisofs", "-quiet", "-r", "-iso-level", "3"}},
	} {
		t.Run(tc.tool+strings.Join(tc.args, ""), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.iso")
			runTool(t, tc.tool, append(tc.args, "-o", out, src)...)
			img, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r := check(t, img)
			logProblems(t, r)
			if !r.OK() {
				t.Errorf("%d errors in %s's image", r.Errors, tc.tool)
			}
		})
	}
}

// TestIsovfy: isovfy finds no errors in our image, nor do we; cut off its
// last 50 blocks, isovfy still says "No errors found" (it never compares
// the file's size with the volume's), where Check reports the truncation.
func TestIsovfy(t *testing.T) {
	needTool(t, "isovfy")
	img := write(t, testTree(t), &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, NoPad: true, Now: when})
	dir := t.TempDir()
	good := filepath.Join(dir, "good.iso")
	if err := os.WriteFile(good, img, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := runTool(t, "isovfy", good); !strings.Contains(out, "No errors found") {
		t.Errorf("isovfy:\n%s", out)
	}
	if r := check(t, img); !r.OK() {
		logProblems(t, r)
		t.Error("Check finds errors isovfy does not")
	}
	cut := img[:len(img)-50*bs]
	trunc := filepath.Join(dir, "trunc.iso")
	if err := os.WriteFile(trunc, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("isovfy on the truncated image:\n%s", runTool(t, "isovfy", trunc))
	r := check(t, cut)
	if !r.Truncated || r.MissingBytes != 50*bs || r.OK() {
		t.Errorf("truncated image: %+v", r)
	}
}
