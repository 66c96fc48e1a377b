package iso9660_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"spindle/internal/fileout"
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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, tail(out.String()), tail(errb.String()))
	}
	return out.String() + errb.String()
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

var old = time.Date(1999, 12, 31, 23, 59, 58, 0, time.UTC)

// makeTree builds the interop test tree: non-ASCII and very long names,
// names that collide in 8.3 form, a deep directory chain, symbolic links
// (relative, absolute, dangling, long targets, a loop), hard links, empty
// files and directories, odd permissions and owners, old timestamps.
func makeTree(t testing.TB, root string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, data []byte, mode os.FileMode) {
		t.Helper()
		full := filepath.Join(root, p)
		must(os.MkdirAll(filepath.Dir(full), 0o755))
		must(os.WriteFile(full, data, 0o644))
		must(os.Chmod(full, mode))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	write("README", []byte("interop tree\n"), 0o644)
	for i, name := range []string{"Grüße aus Köln.txt", "日本語のファイル名.txt", "emoji 😀 outside the BMP.txt",
		"e\u0301 combining.txt", "Ελληνικά.dat", "שלום.txt", "semi;colon", "star*and?question", "back\\slash",
		"quote'\"", " leading space", "trailing dot.", "..double", ".hidden", "UPPER.TXT", "upper.txt"} {
		write(filepath.Join("names", name), data(100+i), 0o644)
	}
	long := strings.Repeat("long file name component ", 9) // 225 bytes
	write(filepath.Join("names", long+".txt"), data(10), 0o644)
	write(filepath.Join("names", strings.Repeat("x", 255)), data(10), 0o644)
	write(filepath.Join("names", strings.Repeat("ü", 127)+"z"), data(10), 0o644)
	for i := range 40 {
		write(filepath.Join("collide", fmt.Sprintf("averylongfilename_%03d.text", i)), data(i), 0o644)
		write(filepath.Join("collide", fmt.Sprintf("%s%03d", strings.Repeat("J", 70), i)), data(i), 0o644)
	}
	deep := "deep"
	for i := range 12 {
		deep = filepath.Join(deep, fmt.Sprintf("level%02d", i+1))
	}
	write(filepath.Join(deep, "bottom.txt"), []byte("bottom\n"), 0o644)
	write("sizes/empty", nil, 0o644)
	write("sizes/one", []byte{1}, 0o644)
	write("sizes/block", data(2048), 0o644)
	write("sizes/block+1", data(2049), 0o644)
	write("sizes/medium", data(300_000), 0o644)
	must(os.MkdirAll(filepath.Join(root, "emptydir"), 0o755))
	write("modes/none", []byte("x"), 0o000)
	write("modes/setuid", []byte("x"), 0o755|os.ModeSetuid)
	write("modes/setgid", []byte("x"), 0o750|os.ModeSetgid)
	write("modes/private", []byte("x"), 0o600)
	must(os.MkdirAll(filepath.Join(root, "modes/sticky"), 0o755))
	must(os.Chmod(filepath.Join(root, "modes/sticky"), 0o777|os.ModeSticky))
	if os.Geteuid() == 0 {
		must(os.Chown(filepath.Join(root, "modes/private"), 12345, 54321))
		must(os.Chown(filepath.Join(root, "modes/none"), 65534, 100))
	}
	must(os.MkdirAll(filepath.Join(root, "links"), 0o755))
	for name, target := range map[string]string{
		"rel":      "../README",
		"abs":      "/etc/hostname",
		"dangling": "../no/such/file",
		"dot":      ".",
		"dotdot":   "..",
		"long350":  strings.Repeat("b", 250) + "/" + strings.Repeat("b", 100),
		"long1000": strings.Repeat("component/", 99) + "end",
		"loopA":    "loopB",
		"loopB":    "loopA",
		"unicode":  "../names/Grüße aus Köln.txt",
		"slashes":  "..//hard/",
	} {
		must(os.Symlink(target, filepath.Join(root, "links", name)))
	}
	write("hard/a", data(5000), 0o644)
	must(os.MkdirAll(filepath.Join(root, "hard/sub"), 0o755))
	must(os.Link(filepath.Join(root, "hard/a"), filepath.Join(root, "hard/b")))
	must(os.Link(filepath.Join(root, "hard/a"), filepath.Join(root, "hard/sub/c")))
	// Old timestamps on everything but links, directories deepest first.
	var dirs []string
	must(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		must(err)
		switch {
		case d.IsDir():
			dirs = append(dirs, p)
		case d.Type()&fs.ModeSymlink == 0:
			must(os.Chtimes(p, old, old))
		}
		return nil
	}))
	slices.Reverse(dirs)
	for i, d := range dirs {
		ts := old.Add(-time.Duration(i) * 24 * time.Hour)
		must(os.Chtimes(d, ts, ts))
	}
}

// entry is what the interop checks compare for each path.
type entry struct {
	Type   string
	Perm   os.FileMode
	Size   int64
	UID    uint32
	GID    uint32
	MTime  int64
	Target string
	Sum    uint32
	Ino    uint64
}

// scan walks a host tree into path -> entry.
func scan(t testing.TB, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		e := entry{Perm: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky),
			UID: st.Uid, GID: st.Gid, MTime: fi.ModTime().Unix(), Ino: st.Ino}
		switch {
		case fi.IsDir():
			e.Type = "dir"
		case fi.Mode()&fs.ModeSymlink != 0:
			e.Type = "link"
			e.Target, _ = os.Readlink(p)
			e.MTime, e.Perm = 0, 0
		case fi.Mode().IsRegular():
			e.Type = "file"
			e.Size = fi.Size()
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			e.Sum = h.Sum32()
		default:
			e.Type = "special"
		}
		out["/"+filepath.ToSlash(rel)] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// linkGroups returns the sets of paths that share an inode.
func linkGroups(m map[string]entry) [][]string {
	by := map[uint64][]string{}
	for p, e := range m {
		if e.Type == "file" {
			by[e.Ino] = append(by[e.Ino], p)
		}
	}
	var out [][]string
	for _, g := range by {
		if len(g) > 1 {
			slices.Sort(g)
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

type compareOpts struct {
	dirTimes bool // the extractor restores directory times
	owners   bool
	// relocDir: the reader shows the (empty) directory that deep
	// directories were relocated into (RRIP §4.1.5; xorriso and Linux
	// hide the relocated entries, not the directory).
	relocDir bool
}

func compareTrees(t testing.TB, who string, want, got map[string]entry, o compareOpts) {
	t.Helper()
	bad := 0
	report := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 30 {
			t.Errorf(who+": "+format, args...)
		}
	}
	for p, w := range want {
		g, ok := got[p]
		if !ok {
			report("missing %q", p)
			continue
		}
		w.Ino, g.Ino = 0, 0
		if w.Type == "dir" && !o.dirTimes {
			w.MTime, g.MTime = 0, 0
		}
		if !o.owners {
			w.UID, w.GID, g.UID, g.GID = 0, 0, 0, 0
		}
		if w != g {
			report("%q differs:\n  source %+v\n  image  %+v", p, w, g)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok && !(o.relocDir && p == "/.rr_moved") {
			report("extra %q", p)
		}
	}
	if w, g := linkGroups(want), linkGroups(got); !slices.EqualFunc(w, g, slices.Equal) {
		report("hard links: source %v, image %v", w, g)
	}
}

func master(t testing.TB, src, out string, opt *iso9660.Options) *iso9660.Writer {
	t.Helper()
	tree := iso9660.NewTree()
	if err := tree.AddHost("", src, nil); err != nil {
		t.Fatal(err)
	}
	return writeImage(t, tree, out, opt)
}

// writeImage lays tree out, writes it to out and checks the file has the
// size the layout promised.
func writeImage(t testing.TB, tree *iso9660.Tree, out string, opt *iso9660.Options) *iso9660.Writer {
	t.Helper()
	w, err := iso9660.NewWriter(tree, opt)
	if err != nil {
		t.Fatal(err)
	}
	err = fileout.Write(out, 0o644, func(wr io.Writer) error {
		_, err := w.WriteTo(context.Background(), wr)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != w.Size() {
		t.Fatalf("image is %d bytes, laid out as %d", fi.Size(), w.Size())
	}
	return w
}

func TestInteropExtract(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	want := scan(t, src)
	img := filepath.Join(t.TempDir(), "out.iso")
	master(t, src, img, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true})

	t.Run("bsdtar", func(t *testing.T) {
		dst := t.TempDir()
		runTool(t, "bsdtar", "-x", "-p", "-f", img, "-C", dst)
		compareTrees(t, "bsdtar -x", want, scan(t, dst), compareOpts{dirTimes: true, owners: os.Geteuid() == 0})
	})
	t.Run("xorriso", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "x")
		runTool(t, "xorriso", "-osirrox", "on", "-hardlinks", "on", "-indev", img, "-extract", "/", dst)
		compareTrees(t, "xorriso -extract", want, scan(t, dst), compareOpts{owners: os.Geteuid() == 0, relocDir: true})
	})
}
