package iso9660_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"spindle/iso9660"
)

// The kernel test mounts an image made by the writer in a real Linux guest
// (Debian kernel, busybox userland) through the qemu-drive harness and
// compares what the kernel's isofs driver shows with the source tree:
// the Rock Ridge view, the Joliet view (mount -o norock) and the plain
// ISO 9660 view (mount -o norock,nojoliet), all in one guest boot.

// infraProblem ends a test whose environment cannot run it: a failure
// under CI=true, where the harness is part of the contract, a skip
// elsewhere.
func infraProblem(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// guestHarness returns the path of qemu-drive's run-guest.sh: it lives in
// ../shared/tools/qemu-drive relative to the module root (the directory
// holding go.mod).
func guestHarness(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			infraProblem(t, "no go.mod above the test directory: cannot locate run-guest.sh")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "tools", "qemu-drive", "run-guest.sh")
	if _, err := os.Stat(p); err != nil {
		infraProblem(t, "qemu-drive harness not found: %v", err)
	}
	return p
}

// runGuest boots the guest with the given images as CD-ROMs, runs script
// in it and returns its output. A non-zero status of the script fails the
// test with the output; a harness failure (status 125: the guest did not
// come up or did not report) fails under CI=true and skips otherwise.
func runGuest(t testing.TB, images []string, script string) string {
	t.Helper()
	needTool(t, "qemu-system-x86_64")
	bash := needTool(t, "bash")
	harness := guestHarness(t)
	args := []string{harness, "-t", "300"}
	for _, img := range images {
		args = append(args, "-c", img)
	}
	args = append(args, "--", script)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	t.Logf("guest run took %v", time.Since(start).Round(time.Millisecond))
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String()
	case errors.As(err, &ee) && ee.ExitCode() == 125:
		infraProblem(t, "run-guest.sh could not run the guest (status 125):\n%s\nstdout:\n%s", tail(errb.String()), tail(out.String()))
	case ctx.Err() != nil:
		t.Fatalf("run-guest.sh did not finish in time\nstdout:\n%s\nstderr:\n%s", tail(out.String()), tail(errb.String()))
	default:
		t.Fatalf("guest command failed: %v\nstdout:\n%s\nstderr:\n%s", err, tail(out.String()), tail(errb.String()))
	}
	return ""
}

// kernelScript mounts /dev/sr0 three ways and lists each view. Every line
// of output starts with a tag and '|'; the path is always the last field,
// so names with spaces, quotes or '|' parse unambiguously (the tree has no
// names with newlines). Anything else in the output (an error message) is
// reported by the parser.
const kernelScript = `
M=/mnt/cdrom
list() {
	echo "V|$1"
	find $M -mindepth 1 -exec stat -c 'S|%f|%a|%s|%u|%g|%Y|%h|%i|%n' {} +
	find $M -type l | while IFS= read -r p; do
		printf 'L|%s\n' "$p"
		printf 'T|%s\n' "$(readlink "$p")"
	done
	find $M -type f -exec md5sum {} + | sed 's/^/M|/'
}
mount -t iso9660 -o ro /dev/sr0 $M || exit 10
list rr
umount $M || exit 20
mount -t iso9660 -o ro,norock /dev/sr0 $M || exit 11
list joliet
umount $M || exit 21
mount -t iso9660 -o ro,norock,nojoliet,map=off /dev/sr0 $M || exit 12
list plain
umount $M || exit 22
echo "V|end"
`

// kview is one mounted view: path (relative to the mount point, with a
// leading "/") -> attributes as stat(1) shows them.
type kview map[string]*kentry

type kentry struct {
	mode   uint32 // st_mode
	size   int64
	uid    uint32
	gid    uint32
	mtime  int64
	nlink  uint32
	ino    uint64
	target string
	md5    string
}

func (e *kentry) typ() string {
	switch e.mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return "dir"
	case syscall.S_IFREG:
		return "file"
	case syscall.S_IFLNK:
		return "link"
	}
	return "special"
}

// parseKernelOutput splits the guest's output into its views.
func parseKernelOutput(t *testing.T, out string) map[string]kview {
	t.Helper()
	const mnt = "/mnt/cdrom"
	views := map[string]kview{}
	var cur kview
	var link string
	rel := func(p string) string {
		if !strings.HasPrefix(p, mnt+"/") {
			t.Fatalf("path %q outside %s", p, mnt)
		}
		return p[len(mnt):]
	}
	ended := false
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		tag, rest, ok := strings.Cut(line, "|")
		if !ok || (cur == nil && tag != "V") {
			t.Errorf("unexpected guest output line %q", line)
			continue
		}
		switch tag {
		case "V":
			if rest == "end" {
				ended = true
				cur = nil
				continue
			}
			cur = kview{}
			views[rest] = cur
		case "S":
			f := strings.SplitN(rest, "|", 9)
			if len(f) != 9 {
				t.Fatalf("bad stat line %q", line)
			}
			mode, err1 := strconv.ParseUint(f[0], 16, 32)
			size, err2 := strconv.ParseInt(f[2], 10, 64)
			uid, err3 := strconv.ParseUint(f[3], 10, 32)
			gid, err4 := strconv.ParseUint(f[4], 10, 32)
			mtime, err5 := strconv.ParseInt(f[5], 10, 64)
			nlink, err6 := strconv.ParseUint(f[6], 10, 32)
			ino, err7 := strconv.ParseUint(f[7], 10, 64)
			if err := errors.Join(err1, err2, err3, err4, err5, err6, err7); err != nil {
				t.Fatalf("bad stat line %q: %v", line, err)
			}
			if perm, _ := strconv.ParseUint(f[1], 8, 32); uint32(perm) != uint32(mode)&0o7777 {
				t.Errorf("%s: %%a %s disagrees with %%f %s", f[8], f[1], f[0])
			}
			cur[rel(f[8])] = &kentry{mode: uint32(mode), size: size, uid: uint32(uid), gid: uint32(gid),
				mtime: mtime, nlink: uint32(nlink), ino: ino}
		case "L":
			link = rel(rest)
		case "T":
			if e := cur[link]; e != nil {
				e.target = rest
			} else {
				t.Errorf("link target for unlisted %q", link)
			}
		case "M":
			sum, p, ok := strings.Cut(rest, "  ")
			if !ok || len(sum) != 32 {
				t.Fatalf("bad md5sum line %q", line)
			}
			if e := cur[rel(p)]; e != nil {
				e.md5 = sum
			} else {
				t.Errorf("md5sum for unlisted %q", p)
			}
		default:
			t.Errorf("unexpected guest output line %q", line)
		}
	}
	if !ended {
		t.Fatalf("guest output incomplete:\n%s", tail(out))
	}
	return views
}

// kernelPerm converts st_mode permission bits to what scan records.
func kernelPerm(mode uint32) fs.FileMode {
	p := fs.FileMode(mode & 0o777)
	if mode&syscall.S_ISUID != 0 {
		p |= fs.ModeSetuid
	}
	if mode&syscall.S_ISGID != 0 {
		p |= fs.ModeSetgid
	}
	if mode&syscall.S_ISVTX != 0 {
		p |= fs.ModeSticky
	}
	return p
}

// entry converts a Rock Ridge view entry to the form scan produces
// (without Sum and Ino, which the caller handles).
func (e *kentry) entry() entry {
	g := entry{Type: e.typ(), Perm: kernelPerm(e.mode), UID: e.uid, GID: e.gid, MTime: e.mtime}
	switch g.Type {
	case "file":
		g.Size = e.size
	case "link":
		g.Target = e.target
		g.MTime, g.Perm = 0, 0
	}
	return g
}

func kernelJoin(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// kernelChildren returns directory path -> names of its entries, sorted by
// bytes, for a set of absolute paths.
func kernelChildren[E any](m map[string]E) map[string][]string {
	out := map[string][]string{}
	for p := range m {
		dir := path.Dir(p)
		out[dir] = append(out[dir], p[len(dir)+min(1, len(dir)-1):])
	}
	for _, names := range out {
		slices.Sort(names)
	}
	return out
}

// relocatedDirs returns the source directories that ECMA-119's depth limit
// (§6.8.2.1: 8 levels, the root being level 1) forces into the relocation
// directory; a relocated directory sits at level 3 (RRIP §4.1.5).
func relocatedDirs(want map[string]entry) map[string]bool {
	kids := kernelChildren(want)
	out := map[string]bool{}
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		for _, n := range kids[dir] {
			p := kernelJoin(dir, n)
			if want[p].Type != "dir" {
				continue
			}
			d := depth + 1
			if d > 8 {
				out[p] = true
				d = 3
			}
			walk(p, d)
		}
	}
	walk("/", 1)
	return out
}

// md5Tree returns the MD5 sums of the regular files of the source tree.
func md5Tree(t *testing.T, root string, want map[string]entry) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for p, e := range want {
		if e.Type != "file" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		s := md5.Sum(b)
		sums[p] = hex.EncodeToString(s[:])
	}
	return sums
}

var kernelEmptyMD5 = func() string { s := md5.Sum(nil); return hex.EncodeToString(s[:]) }()

func TestKernelMount(t *testing.T) {
	t.Parallel()
	needTool(t, "qemu-system-x86_64")
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	want := scan(t, src)
	sums := md5Tree(t, src, want)
	img := filepath.Join(t.TempDir(), "out.iso")
	master(t, src, img, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true})

	out := runGuest(t, []string{img}, kernelScript)
	views := parseKernelOutput(t, out)
	for _, name := range []string{"rr", "joliet", "plain"} {
		if len(views[name]) == 0 {
			t.Fatalf("guest listed nothing for the %s view:\n%s", name, tail(out))
		}
	}
	t.Run("RockRidge", func(t *testing.T) { checkRockRidgeView(t, want, sums, views["rr"]) })
	t.Run("Joliet", func(t *testing.T) { checkNamedView(t, jolietView, want, sums, views["joliet"]) })
	t.Run("ISO9660", func(t *testing.T) { checkNamedView(t, isoView, want, sums, views["plain"]) })
	t.Run("HardLinkExtents", func(t *testing.T) { checkHardLinkExtents(t, img, want) })
}

// checkRockRidgeView compares the default mount (Rock Ridge) with the
// source: names, types, permissions with set-id and sticky bits, sizes,
// owners, modification times of files and directories, link targets,
// contents, link counts, and deep directories back at their place.
func checkRockRidgeView(t *testing.T, want map[string]entry, sums map[string]string, v kview) {
	const moved = "/.rr_moved" // the writer's Rock Ridge name of the relocation directory
	got := map[string]entry{}
	for p, e := range v {
		got[p] = e.entry()
	}
	// Linux shows at most 253 bytes of a Rock Ridge name: it stops at the
	// first NM entry that would take the name to 254 bytes or more
	// (fs/isofs/rock.c, get_rock_ridge_filename), so the source's
	// 254/255-byte names appear cut at an NM boundary. Such a name must
	// appear as exactly one prefix of the source name.
	kids, gotKids := kernelChildren(want), kernelChildren(got)
	for dir, names := range kids {
		for _, n := range names {
			if len(n) < 254 {
				continue
			}
			p := kernelJoin(dir, n)
			var cut []string
			for _, g := range gotKids[dir] {
				if _, ok := want[kernelJoin(dir, g)]; !ok && strings.HasPrefix(n, g) {
					cut = append(cut, g)
				}
			}
			if len(cut) != 1 {
				t.Errorf("%s (%d bytes): want it once under a name cut to at most 253 bytes, found %q", p, len(n), cut)
				continue
			}
			t.Logf("%d-byte name shown cut to %d bytes (Linux limit): %.20s...", len(n), len(cut[0]), n)
			if len(cut[0]) > 253 {
				t.Errorf("%s: shown with %d bytes, Linux shows at most 253", p, len(cut[0]))
			}
			g := kernelJoin(dir, cut[0])
			got[p], v[p] = got[g], v[g]
			delete(got, g)
			delete(v, g)
		}
	}
	// Linux numbers isofs inodes by the position of their directory
	// record (fs/isofs/inode.c, isofs_get_ino) and ignores the RRIP PX
	// file serial number, so hard links never share an inode number in
	// the kernel's view. The link count is what the kernel can show;
	// checkHardLinkExtents checks the shared data on the image itself.
	// Here every path gets its own number so compareTrees sees no groups.
	wantCmp := map[string]entry{}
	i := uint64(0)
	for _, p := range slices.Sorted(maps.Keys(want)) {
		i++
		w := want[p]
		w.Sum, w.Ino = 0, i
		wantCmp[p] = w
		if g, ok := got[p]; ok {
			g.Ino = i
			got[p] = g
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			g.Ino = 0
			got[p] = g
		}
	}
	compareTrees(t, "Linux isofs (Rock Ridge)", wantCmp, got, compareOpts{dirTimes: true, owners: true, relocDir: true})

	nlink := map[string]uint32{}
	for _, g := range linkGroups(want) {
		inos := make([]uint64, len(g))
		for j, p := range g {
			nlink[p] = uint32(len(g))
			if e := v[p]; e != nil {
				inos[j] = e.ino
			}
		}
		t.Logf("hard links %v: kernel inode numbers %v (isofs numbers inodes by directory record position)", g, inos)
	}
	for p, w := range want {
		e := v[p]
		if e == nil {
			continue // reported by compareTrees
		}
		var wantN uint32 = 1
		switch w.Type {
		case "dir":
			wantN = 2
			for _, n := range kids[p] {
				if want[kernelJoin(p, n)].Type == "dir" {
					wantN++
				}
			}
		case "file":
			if n := nlink[p]; n > 0 {
				wantN = n
			}
			if e.md5 != sums[p] {
				t.Errorf("%s: content md5 %s, source %s", p, e.md5, sums[p])
			}
		case "link":
			if e.size != int64(len(w.Target)) {
				t.Errorf("%s: symbolic link size %d, want the target's length %d", p, e.size, len(w.Target))
			}
		}
		if e.nlink != wantN {
			t.Errorf("%s: link count %d, want %d", p, e.nlink, wantN)
		}
	}
	// The relocation directory is visible (RRIP §4.1.5) but the
	// relocated directories in it are hidden (RE) and shown at their
	// place (CL) instead.
	reloc := relocatedDirs(want)
	if len(reloc) == 0 {
		t.Fatal("the test tree has no directory deep enough to be relocated")
	}
	if e := v[moved]; e == nil || e.typ() != "dir" {
		t.Errorf("%s: missing or not a directory: %+v", moved, e)
	} else if wantN := uint32(2 + len(reloc)); e.nlink != wantN {
		t.Errorf("%s: link count %d, want %d", moved, e.nlink, wantN)
	}
	for p := range reloc {
		if e := v[p]; e == nil || e.typ() != "dir" {
			t.Errorf("relocated directory %s not shown as a directory at its place: %+v", p, e)
		}
	}
}

// nameRules describes how a view without Rock Ridge names the source's
// entries.
type nameRules struct {
	who string
	// fixed returns the name the view must show for the entry n of a
	// source directory whose entries are sibs (sorted), when the rules
	// leave no choice; ok is false when the name is mapped, and the entry
	// is then found by its content.
	fixed func(n string, dir bool, sibs []string) (name string, ok bool)
	// check reports what is wrong with a name the view shows.
	check func(name string, dir bool) error
	// relocate: deep directories are relocated (the primary tree).
	relocate bool
}

// jolietForbidden are the characters Joliet does not allow in names
// (Joliet specification §3.3) besides control characters.
const jolietForbidden = "*/:;?\\"

func jolietChar(r rune) bool {
	return r >= 0x20 && r <= 0xFFFF && !(r >= 0xD800 && r <= 0xDFFF) && r != utf8.RuneError &&
		!strings.ContainsRune(jolietForbidden, r)
}

// jolietKey is how Windows (and Spindle) decide that two Joliet names
// clash: case-insensitively, ignoring trailing dots and spaces.
func jolietKey(n string) string {
	return strings.ToUpper(strings.TrimRight(n, ". "))
}

var jolietView = nameRules{
	who: "Linux isofs (Joliet)",
	fixed: func(n string, dir bool, sibs []string) (string, bool) {
		if !utf8.ValidString(n) || len(utf16.Encode([]rune(n))) > 64 || strings.Trim(n, ". ") == "" {
			return "", false
		}
		for _, r := range n {
			if !jolietChar(r) {
				return "", false
			}
		}
		for _, s := range sibs {
			if s < n && jolietKey(s) == jolietKey(n) {
				return "", false // the first in byte order keeps the name
			}
		}
		// Linux drops trailing dots of Joliet names
		// (fs/isofs/joliet.c, get_joliet_filename).
		for len(n) >= 2 && n[len(n)-1] == '.' {
			n = n[:len(n)-1]
		}
		return n, true
	},
	check: func(name string, dir bool) error {
		if !utf8.ValidString(name) {
			return errors.New("not valid UTF-8")
		}
		if n := len(utf16.Encode([]rune(name))); n > 64 {
			return fmt.Errorf("%d UCS-2 characters, Joliet allows 64", n)
		}
		for _, r := range name {
			if !jolietChar(r) {
				return fmt.Errorf("character %U not allowed in Joliet", r)
			}
		}
		return nil
	},
}

var (
	isoDirName  = regexp.MustCompile(`^[A-Z0-9_]{1,8}$`)
	isoFileName = regexp.MustCompile(`^[A-Z0-9_]{0,8}\.[A-Z0-9_]{0,3};1$`)
	isoSource   = regexp.MustCompile(`^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{1,3})?$`)
)

// isoView is the primary tree as Linux shows it with map=off: the
// recorded identifiers, versions included, of interchange level 1.
var isoView = nameRules{
	who: "Linux isofs (ISO 9660, map=off)",
	fixed: func(n string, dir bool, sibs []string) (string, bool) {
		up := strings.ToUpper(n)
		if !isoSource.MatchString(up) || (dir && !isoDirName.MatchString(up)) {
			return "", false
		}
		for _, s := range sibs {
			if s < n && strings.EqualFold(s, n) {
				return "", false
			}
		}
		if dir {
			return up, true
		}
		if !strings.Contains(up, ".") {
			up += "."
		}
		return up + ";1", true
	},
	check: func(name string, dir bool) error {
		if dir && !isoDirName.MatchString(name) || !dir && (!isoFileName.MatchString(name) || name == ".;1") {
			return errors.New("not an interchange level 1 identifier (ECMA-119 §7.5, §7.6, §10.1)")
		}
		return nil
	},
	relocate: true,
}

// checkNamedView walks the source tree and a view without Rock Ridge side
// by side. Entries whose names the rules fix must be there under that
// name; the others are matched by content within their directory. Types
// (symbolic links are empty files without Rock Ridge), sizes, contents
// and modification times must agree, and every name must be valid.
func checkNamedView(t *testing.T, r nameRules, want map[string]entry, sums map[string]string, v kview) {
	src := kernelChildren(want)
	got := kernelChildren(v)
	reloc := map[string]bool{}
	if r.relocate {
		reloc = relocatedDirs(want)
	}
	moved := "" // view path of the relocation directory
	var movedNames []string
	bad := 0
	report := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 30 {
			t.Errorf(r.who+": "+format, args...)
		}
	}
	// same compares source entry sp with view entry vp.
	same := func(sp, vp string) {
		w, e := want[sp], v[vp]
		wt, wsize, wsum := w.Type, w.Size, sums[sp]
		if wt == "link" {
			wt, wsize, wsum = "file", 0, kernelEmptyMD5
		}
		if e.typ() != wt {
			report("%s (source %s): %s, want %s", vp, sp, e.typ(), wt)
			return
		}
		if wt == "file" && (e.size != wsize || e.md5 != wsum) {
			report("%s (source %s): size %d md5 %s, want %d %s", vp, sp, e.size, e.md5, wsize, wsum)
		}
		if w.Type != "link" && e.mtime != w.MTime {
			report("%s (source %s): mtime %d, want %d", vp, sp, e.mtime, w.MTime)
		}
	}
	key := func(typ string, size int64, sum string) string { return fmt.Sprintf("%s|%d|%s", typ, size, sum) }
	type pair struct{ s, v string }
	var walk func(sdir, vdir string)
	walk = func(sdir, vdir string) {
		names := src[sdir]
		used := map[string]bool{}
		var sub []pair
		bySrc := map[string][]string{}
		for _, n := range names {
			sp := kernelJoin(sdir, n)
			dir := want[sp].Type == "dir"
			name, ok := r.fixed(n, dir, names)
			if reloc[sp] {
				// RRIP §4.1.5.1: a placeholder of no length stands where
				// the directory was; the directory is in the relocation
				// directory under the same identifier.
				if !ok {
					report("relocated directory %s has a mapped name: the test cannot find it", sp)
					continue
				}
				e := v[kernelJoin(vdir, name)]
				if e == nil || e.typ() == "dir" || e.size != 0 {
					report("%s: want an empty placeholder %q for the relocated directory, got %+v", sp, kernelJoin(vdir, name), e)
				}
				used[name] = true
				movedNames = append(movedNames, name)
				sub = append(sub, pair{sp, "\x00" + name})
				continue
			}
			if !ok {
				w := want[sp]
				k := key("dir", 0, "")
				switch w.Type {
				case "file":
					k = key("file", w.Size, sums[sp])
				case "link":
					k = key("file", 0, kernelEmptyMD5)
				}
				bySrc[k] = append(bySrc[k], sp)
				continue
			}
			vp := kernelJoin(vdir, name)
			if v[vp] == nil {
				report("%s: want %q in the view, not there (directory has %q)", sp, vp, got[vdir])
				continue
			}
			used[name] = true
			same(sp, vp)
			if dir && v[vp].typ() == "dir" {
				sub = append(sub, pair{sp, vp})
			}
		}
		byView := map[string][]string{}
		for _, n := range got[vdir] {
			if used[n] {
				continue
			}
			vp := kernelJoin(vdir, n)
			e := v[vp]
			if err := r.check(n, e.typ() == "dir"); err != nil {
				report("%s: bad name: %v", vp, err)
			}
			k := key("dir", 0, "")
			if e.typ() != "dir" {
				k = key("file", e.size, e.md5)
			}
			byView[k] = append(byView[k], vp)
		}
		// The relocation directory is the root's one directory that is
		// not in the source.
		if vdir == "/" && len(reloc) > 0 {
			k := key("dir", 0, "")
			if d := byView[k]; len(d) == len(bySrc[k])+1 && len(bySrc[k]) == 0 {
				moved = d[0]
				delete(byView, k)
			} else {
				report("cannot tell the relocation directory among the root's directories %q", d)
			}
		}
		for k, ss := range bySrc {
			vs := byView[k]
			delete(byView, k)
			if len(ss) != len(vs) || strings.HasPrefix(k, "dir|") && len(ss) > 1 {
				report("source entries %q (renamed) do not match view entries %q", ss, vs)
				continue
			}
			for i := range ss {
				same(ss[i], vs[i])
				if strings.HasPrefix(k, "dir|") {
					sub = append(sub, pair{ss[i], vs[i]})
				}
			}
		}
		for _, vs := range byView {
			report("extra %q", vs)
		}
		for _, p := range sub {
			vp := p.v
			if strings.HasPrefix(vp, "\x00") {
				if moved == "" {
					continue
				}
				vp = kernelJoin(moved, vp[1:])
				if v[vp] == nil || v[vp].typ() != "dir" {
					report("relocated directory %s: no directory %q", p.s, vp)
					continue
				}
				same(p.s, vp)
			}
			walk(p.s, vp)
		}
	}
	walk("/", "/")
	if moved != "" {
		slices.Sort(movedNames)
		if g := got[moved]; !slices.Equal(g, movedNames) {
			report("relocation directory %s holds %q, want %q", moved, g, movedNames)
		}
		if err := r.check(path.Base(moved), true); err != nil {
			report("%s: bad name: %v", moved, err)
		}
	}
}

// checkHardLinkExtents checks on the image itself (xorriso -find
// -exec report_lba) that the names of a hard-linked file share one data
// extent, which the kernel cannot show (see checkRockRidgeView).
func checkHardLinkExtents(t *testing.T, img string, want map[string]entry) {
	groups := linkGroups(want)
	if len(groups) == 0 {
		t.Fatal("the test tree has no hard links")
	}
	out := runTool(t, "xorriso", "-indev", img, "-find", "/", "-type", "f", "-exec", "report_lba", "--")
	lba := map[string]string{}
	for line := range strings.Lines(out) {
		rest, ok := strings.CutPrefix(line, "File data lba:")
		if !ok {
			continue
		}
		f := strings.SplitN(rest, ",", 5)
		if len(f) != 5 {
			t.Fatalf("bad report_lba line %q", line)
		}
		p := strings.TrimSpace(f[4])
		lba[strings.Trim(p, "'")] = strings.TrimSpace(f[1])
	}
	for _, g := range groups {
		for _, p := range g {
			if lba[p] == "" || lba[p] != lba[g[0]] {
				t.Errorf("hard links %v: %s starts at LBA %q, %s at %q", g, p, lba[p], g[0], lba[g[0]])
			}
		}
	}
}
