package iso9660_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"spindle/iso9660"
)

// This file compares the listings of independent ISO 9660 readers with the
// source tree. What each tool shows was established from its output and
// its source code (cdrkit 1.1.11 isoinfo.c and isovfy.c, libcdio 2.1.0
// rock.c, iso9660_fs.c and util.c, 7-Zip's IsoHandler.cpp, xorriso 1.5.4):
//
//   - isoinfo -R -l prints a fixed-width line per record (dump_stat): the
//     type and rwx letters only (no s/S/t/T: set-id and sticky bits are not
//     shown), the PX link count "%3d" at column 11, uid and gid in OCTAL
//     ("%4lo") at columns 15 and 20 (a wider uid is cut to five digits by
//     the gid written over it), the record's Data Length "%10lld" at 30
//     (0 for symbolic links, the extent size for directories), the
//     recording date of the directory record (month, day, year, in UTC as
//     Spindle records it) at 41..51, "[extent flags]" at 53 and the name
//     at 67. It does not follow CL entries: relocated directories are
//     listed under /.rr_moved, and their place holder in the original
//     parent appears as a record with the directory's PX mode, extent 0,
//     size 0 and flags 00.
//   - isoinfo -J -l shows the Joliet names converted to ISO 8859-1 (the
//     default of -j; UTF-8 is not available): each UCS-2 character above
//     U+00FF becomes '_'. It shows no attributes (mode bits, link count and
//     owner are 0).
//   - xorriso lsdl follows CL/PL/RE, so the tree has the source's shape
//     plus /.rr_moved; it shows the set-id and sticky letters, owners in
//     decimal, 0 as the size of directories and symbolic links, and 1 as
//     the link count of everything (it does not show PX link counts).
//   - iso-info -l reads the Joliet tree when there is one, and truncates
//     each name's UTF-8 form to the byte length of its UCS-2 form
//     (strncpy in _iso9660_dir_to_statbuf), so "日本語のファイル名.txt" (13
//     UCS-2 characters, 31 UTF-8 bytes) shows as its first 26 bytes.
//     iso-info has no --rock option: it uses Rock Ridge unless told
//     --no-rock-ridge, but only in the tree it reads, so Rock Ridge shows
//     only with --no-joliet (--show-rock-ridge=0 then reports "yes"; on
//     the Joliet tree "no"). libcdio 2.1.0 ignores continuation areas (CE)
//     and stops at RE: names whose NM entry is not in the directory record
//     itself, and the relocated directory in /.rr_moved, show their ISO
//     9660 identifier ("LONG_FIL.TXT;1", "LEVEL07"). It shows s/S for
//     set-id bits but no sticky letter, and the length of the target as a
//     symbolic link's size. It crashes (SIGSEGV) on symbolic links whose
//     target is longer than about 150 bytes (images made by xorriso crash
//     it the same way), so that view is checked on the tree without
//     links/long350 and links/long1000.
//   - 7z reads the Joliet tree when there is one (IsJoliet), so symbolic
//     links are 0-byte files and deep directories are not relocated; it
//     removes a trailing ";1" and then one trailing '.' from every name
//     ("trailing dot." shows as "trailing dot").
//   - isovfy checks the primary tree only: the "." and ".." extents, flag
//     bits, interleaving, volume sequence numbers, the SUSP entry syntax,
//     the RR flags of RRIP 1.09 and CL/PL extents. It exits 0 whatever it
//     finds; success is the line "No errors found". It overflows a
//     1024-byte line buffer on symbolic link targets of about 930 bytes
//     and more (SIGSEGV, also with images made by xorriso), so it is run
//     on the tree without links/long1000.
//   - isoinfo -J on an image without Joliet exits 255: "Unable to find
//     Joliet SVD".

// listNow is the writer's Now: the time of /.rr_moved and of the volume.
var listNow = time.Date(2000, 1, 2, 3, 4, 5, 0, time.UTC)

const listVolumeID = "SPINDLE_INTEROP"

// srcInfo is what the listings are compared with: scan's entry plus the
// link count and the modification time of symbolic links.
type srcInfo struct {
	entry
	Nlink uint64
	Mod   time.Time
}

// scanList scans a host tree like scan and adds the root as "/".
func scanList(t testing.TB, root string) map[string]srcInfo {
	t.Helper()
	out := map[string]srcInfo{}
	add := func(p string, e entry) {
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		out[p] = srcInfo{entry: e, Nlink: uint64(st.Nlink), Mod: fi.ModTime().UTC()}
	}
	for p, e := range scan(t, root) {
		add(p, e)
	}
	fi, err := os.Lstat(root)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	add("/", entry{Type: "dir", Perm: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky), UID: st.Uid, GID: st.Gid})
	return out
}

// children returns the source entries of directory dir, by name.
func children(src map[string]srcInfo, dir string) map[string]srcInfo {
	out := map[string]srcInfo{}
	for p, e := range src {
		if p != "/" && path.Dir(p) == dir {
			out[path.Base(p)] = e
		}
	}
	return out
}

// rrView is the primary tree as a reader that does not follow CL entries
// sees it: directories deeper than ECMA-119's eight levels (the root is
// level 1) are moved into /.rr_moved (RRIP 1.12 §4.1.5), and so is a moved
// directory's own subtree when it is again too deep.
type rrView struct {
	img   map[string]string // source path -> image path
	src   map[string]string // image path -> source path
	moved map[string]bool   // source paths of relocated directories
}

func newRRView(t testing.TB, src map[string]srcInfo) rrView {
	t.Helper()
	v := rrView{img: map[string]string{"/": "/"}, src: map[string]string{"/": "/"}, moved: map[string]bool{}}
	depth := map[string]int{"/": 1}
	paths := make([]string, 0, len(src))
	for p := range src {
		if p != "/" {
			paths = append(paths, p)
		}
	}
	slices.SortFunc(paths, func(a, b string) int {
		if c := strings.Count(a, "/") - strings.Count(b, "/"); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, p := range paths {
		parent := v.img[path.Dir(p)]
		ip := path.Join(parent, path.Base(p))
		if src[p].Type == "dir" {
			d := depth[path.Dir(p)] + 1
			if d > 8 {
				v.moved[p] = true
				d = 3
				ip = "/.rr_moved/" + path.Base(p)
			}
			depth[p] = d
		}
		if _, dup := v.src[ip]; dup {
			t.Fatalf("test tree: %s and %s both appear as %s", v.src[ip], p, ip)
		}
		v.img[p], v.src[ip] = ip, p
	}
	return v
}

// rrMovedInfo is what the writer records for /.rr_moved.
func rrMovedInfo(v rrView) srcInfo {
	return srcInfo{entry: entry{Type: "dir", Perm: 0o755}, Nlink: uint64(2 + len(v.moved)), Mod: listNow}
}

func posixType(e srcInfo) byte {
	switch e.Type {
	case "dir":
		return 'd'
	case "link":
		return 'l'
	}
	return '-'
}

// rwx returns the nine permission letters; setid selects ls's s/S/t/T.
func rwx(perm fs.FileMode, setid, sticky bool) string {
	b := []byte("rwxrwxrwx")
	for i := range b {
		if perm&(1<<(8-i)) == 0 {
			b[i] = '-'
		}
	}
	mark := func(i int, on bool, c byte) {
		if !on {
			return
		}
		if b[i] == '-' {
			b[i] = c - 'a' + 'A'
		} else {
			b[i] = c
		}
	}
	if setid {
		mark(2, perm&fs.ModeSetuid != 0, 's')
		mark(5, perm&fs.ModeSetgid != 0, 's')
	}
	if sticky {
		mark(8, perm&fs.ModeSticky != 0, 't')
	}
	return string(b)
}

// linkPerm is the permission of symbolic links as readers show them.
const linkPerm = 0o777

func permOf(e srcInfo) fs.FileMode {
	if e.Type == "link" {
		return linkPerm
	}
	return e.Perm
}

// isoinfoPrefix builds the first 53 columns of an isoinfo -l line the way
// dump_stat does: sprintf at fixed offsets, each writing a NUL that the
// next field may overwrite, NULs finally turned into spaces.
func isoinfoPrefix(typ byte, perm string, nlink uint64, uid, gid uint32, size int64, date time.Time) string {
	b := bytes.Repeat([]byte{' '}, 80)
	put := func(off int, s string) {
		copy(b[off:], s)
		b[off+len(s)] = 0
	}
	b[0] = typ
	copy(b[1:], perm)
	put(11, fmt.Sprintf("%3d", nlink))
	put(15, fmt.Sprintf("%4o", uid))
	put(20, fmt.Sprintf("%4o", gid))
	put(30, fmt.Sprintf("%10d", size))
	copy(b[41:], date.Format("Jan"))
	put(45, fmt.Sprintf("%2d", date.Day()))
	put(48, fmt.Sprintf("%4d", date.Year()))
	for i := range b {
		if b[i] == 0 {
			b[i] = ' '
		}
	}
	return string(b[:53])
}

// isoinfoEntry is one line of an isoinfo -l listing.
type isoinfoEntry struct {
	Line   string
	Extent uint32
	Flags  string // as printed: "02", "00", "FFFF" for 0x80
	Name   string
	Target string
}

func (e isoinfoEntry) size() int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(e.Line[30:40]), 10, 64)
	return n
}

// parseIsoinfo splits isoinfo -l output into its "Directory listing of"
// blocks, keyed by the directory path as printed ("/", "/names/").
func parseIsoinfo(t testing.TB, out string) map[string][]isoinfoEntry {
	t.Helper()
	dirs := map[string][]isoinfoEntry{}
	var cur string
	for _, l := range strings.Split(out, "\n") {
		if d, ok := strings.CutPrefix(l, "Directory listing of "); ok {
			if _, dup := dirs[d]; dup {
				t.Errorf("isoinfo lists %q twice", d)
			}
			cur = d
			dirs[d] = nil
			continue
		}
		if l == "" {
			continue
		}
		if cur == "" || len(l) < 67 || l[53] != '[' || l[65] != ' ' && l[64] != 'F' || l[66] != ' ' {
			t.Fatalf("isoinfo: unexpected line %q", l)
		}
		ext, err := strconv.ParseUint(strings.TrimSpace(l[54:61]), 10, 32)
		if err != nil {
			t.Fatalf("isoinfo: extent in %q: %v", l, err)
		}
		e := isoinfoEntry{Line: l, Extent: uint32(ext), Flags: strings.TrimRight(l[62:66], "] ")}
		rest := l[67:]
		if l[0] == 'l' {
			var ok bool
			if e.Name, e.Target, ok = strings.Cut(rest, " -> "); !ok {
				t.Fatalf("isoinfo: symbolic link without target: %q", l)
			}
		} else {
			var ok bool
			if e.Name, ok = strings.CutSuffix(rest, " "); !ok {
				t.Fatalf("isoinfo: name not followed by a space: %q", l)
			}
		}
		dirs[cur] = append(dirs[cur], e)
	}
	return dirs
}

// lsEntry is one line of xorriso's lsdl.
type lsEntry struct {
	Mode     string
	UID, GID string
	Size     int64
	Date     []string // "Dec", "31", "1999" or "Nov", "22", "00:35"
	Target   string
}

// shellWord reads one word quoted the way xorriso quotes ('...' with '"'"'
// for a quote) and returns it and what follows.
func shellWord(s string) (string, string, bool) {
	var b strings.Builder
	for len(s) > 0 && s[0] != ' ' {
		switch q := s[0]; q {
		case '\'', '"':
			j := strings.IndexByte(s[1:], q)
			if j < 0 {
				return "", "", false
			}
			b.WriteString(s[1 : 1+j])
			s = s[2+j:]
		default:
			return "", "", false
		}
	}
	return b.String(), s, true
}

// parseLsdl parses the output of xorriso -find / -exec lsdl.
func parseLsdl(t testing.TB, out string) map[string]lsEntry {
	t.Helper()
	m := map[string]lsEntry{}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		i := strings.IndexByte(l, '\'')
		fs := strings.Fields(l[:max(i, 0)])
		if i < 0 || len(fs) != 8 {
			t.Fatalf("xorriso lsdl: unexpected line %q", l)
		}
		p, rest, ok := shellWord(l[i:])
		var e lsEntry
		if ok && rest != "" {
			var r string
			r, ok = strings.CutPrefix(rest, " -> ")
			if ok {
				e.Target, rest, ok = shellWord(r)
				ok = ok && rest == ""
			}
		}
		size, err := strconv.ParseInt(fs[4], 10, 64)
		if !ok || err != nil {
			t.Fatalf("xorriso lsdl: cannot parse %q", l)
		}
		e.Mode, e.UID, e.GID, e.Size, e.Date = fs[0], fs[2], fs[3], size, fs[5:8]
		if _, dup := m[p]; dup {
			t.Errorf("xorriso lsdl: %q twice", p)
		}
		m[p] = e
	}
	return m
}

// parse7z parses 7z l -slt output into the properties of each item, keyed
// by path.
func parse7z(t testing.TB, out string) map[string]map[string]string {
	t.Helper()
	_, items, ok := strings.Cut(out, "\n----------\n")
	if !ok {
		t.Fatalf("7z l -slt: no item list:\n%s", tail(out))
	}
	m := map[string]map[string]string{}
	for _, block := range strings.Split(strings.TrimSpace(items), "\n\n") {
		props := map[string]string{}
		for _, l := range strings.Split(block, "\n") {
			k, v, ok := strings.Cut(l, " = ")
			if !ok {
				k, ok = strings.CutSuffix(l, " =")
			}
			if !ok {
				t.Fatalf("7z l -slt: unexpected line %q", l)
			}
			props[k] = v
		}
		p, ok := props["Path"]
		if !ok {
			t.Fatalf("7z l -slt: item without path: %q", block)
		}
		if _, dup := m[p]; dup {
			t.Errorf("7z l -slt: %q twice", p)
		}
		m[p] = props
	}
	return m
}

// isoInfoEntry is one line of iso-info -l.
type isoInfoEntry struct {
	Mode               string // "d", "-" or, with Rock Ridge, "drwxr-xr-x"
	Nlink, UID, GID    string // Rock Ridge only
	LSN                uint32
	Size               int64
	Date, Name, Target string
}

type isoInfoListing struct {
	Header map[string]string
	Dirs   map[string][]isoInfoEntry
}

var (
	isoInfoRR    = regexp.MustCompile(`^  (\S{10}) +(\d+) (\d+) (\d+) \[LSN +(\d+)\] +(\d+) (\w{3} \d\d \d{4} \d\d:\d\d:\d\d)  (.*)$`)
	isoInfoPlain = regexp.MustCompile(`^  ([d-]) \[LSN +(\d+)\] +(\d+) (\w{3} \d\d \d{4} \d\d:\d\d:\d\d)  (.*)$`)
)

// parseIsoInfo parses iso-info -l --no-header output.
func parseIsoInfo(t testing.TB, out string, rock bool) isoInfoListing {
	t.Helper()
	l := isoInfoListing{Header: map[string]string{}, Dirs: map[string][]isoInfoEntry{}}
	cur := ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "____") || strings.HasPrefix(line, "Note: "):
		case strings.HasPrefix(line, "/") && strings.HasSuffix(line, ":"):
			cur = strings.TrimSuffix(line, ":")
			if _, dup := l.Dirs[cur]; dup {
				t.Errorf("iso-info lists %q twice", cur)
			}
			l.Dirs[cur] = nil
		case strings.HasPrefix(line, "  "):
			var e isoInfoEntry
			var lsn, size string
			if m := isoInfoRR.FindStringSubmatch(line); rock && m != nil {
				e.Mode, e.Nlink, e.UID, e.GID, lsn, size, e.Date, e.Name = m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
			} else if m := isoInfoPlain.FindStringSubmatch(line); !rock && m != nil {
				e.Mode, lsn, size, e.Date, e.Name = m[1], m[2], m[3], m[4], m[5]
			} else {
				t.Fatalf("iso-info: unexpected line %q", line)
			}
			n, _ := strconv.ParseUint(lsn, 10, 32)
			e.LSN = uint32(n)
			e.Size, _ = strconv.ParseInt(size, 10, 64)
			if rock && e.Mode[0] == 'l' {
				var ok bool
				if e.Name, e.Target, ok = strings.Cut(e.Name, " -> "); !ok {
					t.Fatalf("iso-info: symbolic link without target: %q", line)
				}
			}
			if cur == "" {
				t.Fatalf("iso-info: entry before a directory: %q", line)
			}
			l.Dirs[cur] = append(l.Dirs[cur], e)
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				if line == "No Joliet extensions" || line == "ISO-9660 Information" {
					l.Header[line] = ""
					continue
				}
				t.Fatalf("iso-info: unexpected line %q", line)
			}
			l.Header[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return l
}

// jolietExpected returns, for the names of one directory, the Joliet name
// each must get, or "" where the test does not predict it. A name must be
// recorded unchanged when it is valid UTF-8 within the BMP, of at most 64
// UCS-2 characters, without control characters or * / : ; ? \, and not
// only dots and spaces. Such a name that is only too long must be cut to
// 64 characters, keeping an extension (after the last '.', neither first
// nor last) if 8 characters of name remain — the rule JolietNames
// documents and xorriso follows. Names then clashing the way Windows
// compares them (case-insensitively, trailing dots and spaces ignored)
// keep them only for the first in byte order; the others get counters,
// and so do names with characters Joliet cannot hold: those are not
// predicted.
func jolietExpected(names []string) map[string]string {
	valid := func(n string) bool {
		if !utf8.ValidString(n) || strings.Trim(n, ". ") == "" {
			return false
		}
		for _, r := range n {
			if r > 0xFFFF || r < 0x20 || strings.ContainsRune(`*/:;?\`, r) {
				return false
			}
		}
		return true
	}
	cut := func(n string) string {
		r := []rune(n)
		if len(r) <= 64 {
			return n
		}
		if i := strings.LastIndexByte(n, '.'); i > 0 && i < len(n)-1 {
			base, ext := []rune(n[:i]), []rune(n[i:])
			if 64-len(ext) >= 8 {
				return string(base[:64-len(ext)]) + string(ext)
			}
		}
		return string(r[:64])
	}
	key := func(n string) string {
		return strings.Map(unicode.ToUpper, strings.TrimRight(n, ". "))
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	seen := map[string]bool{}
	out := map[string]string{}
	for _, n := range sorted {
		if !valid(n) {
			out[n] = ""
			continue
		}
		j := cut(n)
		k := key(j)
		if seen[k] {
			j = ""
		}
		seen[k] = true
		out[n] = j
	}
	return out
}

// latin1 is how isoinfo -J shows a Joliet name with its default character
// set, ISO 8859-1: one byte per UCS-2 character, '_' above U+00FF.
func latin1(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if u == 0 || u > 0xFF {
			b = append(b, '_')
		} else {
			b = append(b, byte(u))
		}
	}
	return string(b)
}

// cdioJoliet is how iso-info shows a Joliet name: its UTF-8 form cut to
// twice its number of UCS-2 characters.
func cdioJoliet(s string) string {
	n := 2 * len(utf16.Encode([]rune(s)))
	return s[:min(len(s), n)]
}

// jolietDirs lists, for each directory of the source, its entries; the
// Joliet tree has the shape of the source.
func jolietDirs(src map[string]srcInfo) map[string]map[string]srcInfo {
	out := map[string]map[string]srcInfo{}
	for p, e := range src {
		if e.Type == "dir" {
			out[p] = children(src, p)
		}
	}
	return out
}

// checkJolietDir compares a tool's entries of one Joliet directory with
// the source: entries whose Joliet name jolietExpected predicts appear as
// show(that name), with their attributes checked by match; the others
// must be as many, distinct, of at most 64 characters without characters
// Joliet forbids, and match the remaining source entries by type and size.
func checkJolietDir[E any](t testing.TB, who, dir string, src map[string]srcInfo, got []E,
	name func(E) string, show func(string) string, match func(string, srcInfo, E), kind func(E) (bool, int64)) {
	t.Helper()
	var names []string
	for n := range src {
		names = append(names, n)
	}
	expected := jolietExpected(names)
	byName := map[string]E{}
	for _, e := range got {
		if _, dup := byName[name(e)]; dup {
			t.Errorf("%s: %s: %q twice", who, dir, name(e))
		}
		byName[name(e)] = e
	}
	if len(got) != len(src) {
		t.Errorf("%s: %s has %d entries, the source %d", who, dir, len(got), len(src))
	}
	type tk struct {
		dir  bool
		size int64
	}
	var wantRest, gotRest []tk
	used := map[string]bool{}
	for n, s := range src {
		size := s.Size
		if s.Type == "link" {
			size = 0
		}
		if expected[n] == "" {
			wantRest = append(wantRest, tk{s.Type == "dir", size})
			continue
		}
		shown := show(expected[n])
		e, ok := byName[shown]
		if !ok {
			t.Errorf("%s: %s: %q (shown as %q) is missing", who, dir, n, shown)
			continue
		}
		used[shown] = true
		match(n, s, e)
	}
	for _, e := range got {
		n := name(e)
		if used[n] {
			continue
		}
		if utf8.RuneCountInString(n) > 64 || strings.ContainsAny(n, `*/:;?\`) {
			t.Errorf("%s: %s: mapped name %q is not a valid Joliet name", who, dir, n)
		}
		d, size := kind(e)
		gotRest = append(gotRest, tk{d, size})
	}
	cmp := func(a, b tk) int {
		if a.dir != b.dir {
			if a.dir {
				return 1
			}
			return -1
		}
		return int(a.size - b.size)
	}
	slices.SortFunc(wantRest, cmp)
	slices.SortFunc(gotRest, cmp)
	if !slices.Equal(wantRest, gotRest) {
		t.Errorf("%s: %s: mapped entries (dir, size) %v, want %v", who, dir, gotRest, wantRest)
	}
}

// reducedTree makes the interop tree without some of its entries (for
// readers that crash on them), keeping the times of their directories.
func reducedTree(t testing.TB, drop ...string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "src")
	makeTree(t, root)
	for _, p := range drop {
		full := filepath.Join(root, filepath.FromSlash(p))
		dir := filepath.Dir(full)
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(full); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(dir, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func listOptions() *iso9660.Options {
	return &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: listNow,
		Volume: iso9660.VolumeInfo{VolumeID: listVolumeID}}
}

func TestInteropList(t *testing.T) {
	srcDir := filepath.Join(t.TempDir(), "src")
	makeTree(t, srcDir)
	src := scanList(t, srcDir)
	view := newRRView(t, src)
	if len(view.moved) == 0 {
		t.Fatal("test tree: no directory deep enough to be relocated")
	}
	img := filepath.Join(t.TempDir(), "out.iso")
	master(t, srcDir, img, listOptions())

	t.Run("isoinfo-R", func(t *testing.T) { checkIsoinfoRR(t, img, src, view) })
	t.Run("isoinfo-J", func(t *testing.T) {
		dirs := parseIsoinfo(t, toolOut(t, "isoinfo", "-J", "-l", "-i", img))
		checkIsoinfoJoliet(t, dirs, src)
	})
	t.Run("xorriso", func(t *testing.T) { checkLsdl(t, img, src, view) })
	t.Run("iso-info", func(t *testing.T) { checkIsoInfoJoliet(t, img, src) })
	t.Run("7z", func(t *testing.T) { check7z(t, img, src) })
	t.Run("isovfy", func(t *testing.T) {
		// Without links/long1000: isovfy crashes on it (see above).
		dir := reducedTree(t, "links/long1000")
		img := filepath.Join(t.TempDir(), "vfy.iso")
		master(t, dir, img, listOptions())
		out := toolOut(t, "isovfy", img)
		if bad := isovfyProblems(out); len(bad) > 0 {
			t.Errorf("isovfy:\n%s", strings.Join(bad, "\n"))
		}
	})
	t.Run("iso-info-rock", func(t *testing.T) {
		// Without the links iso-info crashes on (see above).
		dir := reducedTree(t, "links/long350", "links/long1000")
		img := filepath.Join(t.TempDir(), "rr.iso")
		master(t, dir, img, listOptions())
		src := scanList(t, dir)
		checkIsoInfoRR(t, img, src, newRRView(t, src))
	})
}

// checkIsoinfoRR compares isoinfo -R -l with the source as a reader that
// does not follow CL entries sees it.
func checkIsoinfoRR(t *testing.T, img string, src map[string]srcInfo, view rrView) {
	dirs := parseIsoinfo(t, toolOut(t, "isoinfo", "-R", "-l", "-i", img))
	attrs := func(p string) srcInfo {
		if p == "/.rr_moved" {
			return rrMovedInfo(view)
		}
		e := src[p]
		if p == "/" && len(view.moved) > 0 {
			e.Nlink++ // the root also holds /.rr_moved
		}
		return e
	}
	prefix := func(e srcInfo, size int64) string {
		return isoinfoPrefix(posixType(e), rwx(permOf(e), false, false), e.Nlink, e.UID, e.GID, size, e.Mod)
	}
	// The image paths of all directories, as isoinfo names its blocks.
	want := map[string]string{} // "/names/" -> source path
	for p, e := range src {
		if e.Type == "dir" {
			ip := view.img[p]
			want[strings.TrimSuffix(ip, "/")+"/"] = p
		}
	}
	want["/.rr_moved/"] = "/.rr_moved"
	if len(dirs) != len(want) {
		t.Errorf("isoinfo -R lists %d directories, want %d", len(dirs), len(want))
	}
	extentOf := map[string]uint32{} // block name -> extent of "."
	for d, es := range dirs {
		if len(es) >= 1 {
			extentOf[d] = es[0].Extent
		}
	}
	linkExtent := map[uint64]uint32{}
	for d, sp := range want {
		es, ok := dirs[d]
		if !ok {
			t.Errorf("isoinfo -R: no listing of %s", d)
			continue
		}
		if len(es) < 2 || es[0].Name != "." || es[1].Name != ".." {
			t.Errorf("isoinfo -R: %s does not start with . and ..", d)
			continue
		}
		// "." has the directory's attributes; ".." those of its Rock
		// Ridge parent (PL for a relocated directory) and the extent of
		// its ISO 9660 parent.
		self := attrs(sp)
		isoParent := path.Dir(strings.TrimSuffix(d, "/"))
		rrParent := path.Dir(sp)
		if sp == "/" {
			isoParent, rrParent = "/", "/"
		}
		if ps := es[0].size(); es[0].Line[:53] != prefix(self, ps) || es[0].Flags != "02" || ps == 0 || ps%2048 != 0 {
			t.Errorf("isoinfo -R: %s: . is\n  %s\nwant\n  %s [... 02]", d, es[0].Line, prefix(self, ps))
		}
		pd := strings.TrimSuffix(isoParent, "/") + "/"
		if ps := es[1].size(); es[1].Line[:53] != prefix(attrs(rrParent), ps) || es[1].Flags != "02" || es[1].Extent != extentOf[pd] {
			t.Errorf("isoinfo -R: %s: .. is\n  %s\nwant\n  %s [%7d 02]", d, es[1].Line, prefix(attrs(rrParent), ps), extentOf[pd])
		}
		// The entries.
		wantKids := map[string]string{} // name -> source path
		if sp == "/.rr_moved" {
			for p := range view.moved {
				wantKids[path.Base(p)] = p
			}
		} else {
			for n := range children(src, sp) {
				wantKids[n] = path.Join(sp, n)
			}
			if sp == "/" {
				wantKids[".rr_moved"] = "/.rr_moved"
			}
		}
		seen := map[string]bool{}
		for _, e := range es[2:] {
			p, ok := wantKids[e.Name]
			if !ok || seen[e.Name] {
				t.Errorf("isoinfo -R: %s: unexpected entry %q", d, e.Line)
				continue
			}
			seen[e.Name] = true
			s := attrs(p)
			size := e.size()
			placeholder := view.moved[p] && sp != "/.rr_moved"
			switch {
			case placeholder:
				// RRIP §4.1.5.1: a file record with the directory's PX
				// and a CL entry; isoinfo does not follow it.
				if size != 0 || e.Extent != 0 || e.Flags != "00" {
					t.Errorf("isoinfo -R: %s: place holder %q: want size 0, [0 00]", d, e.Line)
				}
			case s.Type == "dir":
				block := view.img[p] + "/"
				if p == "/.rr_moved" {
					block = "/.rr_moved/"
				}
				if size == 0 || size%2048 != 0 || e.Flags != "02" || e.Extent != extentOf[block] {
					t.Errorf("isoinfo -R: %s: directory %q: want a whole number of blocks, [%7d 02]", d, e.Line, extentOf[block])
				}
			case s.Type == "link":
				// isoinfo skips zero-length components, so it drops the
				// trailing "/" that rrSL records as one.
				if e.Target != iso9660.PeerSLTarget(s.Target) {
					t.Errorf("isoinfo -R: %s: %s -> %q, want -> %q", d, e.Name, e.Target, s.Target)
				}
				if size != 0 || e.Extent != 0 || e.Flags != "00" {
					t.Errorf("isoinfo -R: %s: symbolic link %q: want size 0, [0 00]", d, e.Line)
				}
			default:
				if size != s.Size || e.Flags != "00" || (e.Extent == 0) != (s.Size == 0) {
					t.Errorf("isoinfo -R: %s: file %q: want size %d and flags 00", d, e.Line, s.Size)
				}
				if s.Nlink > 1 {
					if x, ok := linkExtent[s.Ino]; ok && x != e.Extent {
						t.Errorf("isoinfo -R: %s: hard link %s at extent %d, its other names at %d", d, e.Name, e.Extent, x)
					}
					linkExtent[s.Ino] = e.Extent
				}
			}
			if got, want := e.Line[:53], prefix(s, size); got != want {
				t.Errorf("isoinfo -R: %s: %s:\n  got  %q\n  want %q", d, e.Name, got, want)
			}
		}
		for n := range wantKids {
			if !seen[n] {
				t.Errorf("isoinfo -R: %s: %q is missing", d, n)
			}
		}
	}
}

// checkIsoinfoJoliet compares isoinfo -J -l with the source.
func checkIsoinfoJoliet(t *testing.T, dirs map[string][]isoinfoEntry, src map[string]srcInfo) {
	jd := jolietDirs(src)
	if len(dirs) != len(jd) {
		t.Errorf("isoinfo -J lists %d directories, the source has %d", len(dirs), len(jd))
	}
	for dir, kids := range jd {
		d := strings.TrimSuffix(dir, "/") + "/"
		es, ok := dirs[d]
		if !ok {
			t.Errorf("isoinfo -J: no listing of %s", d)
			continue
		}
		if len(es) < 2 || es[0].Name != "." || es[1].Name != ".." {
			t.Errorf("isoinfo -J: %s does not start with . and ..", d)
			continue
		}
		if want := isoinfoPrefix('d', "---------", 0, 0, 0, es[0].size(), src[dir].Mod); es[0].Line[:53] != want {
			t.Errorf("isoinfo -J: %s: . is %q, want %q", d, es[0].Line, want)
		}
		checkJolietDir(t, "isoinfo -J", d, kids, es[2:],
			func(e isoinfoEntry) string { return e.Name },
			latin1,
			func(n string, s srcInfo, e isoinfoEntry) {
				typ, size := byte('-'), s.Size
				switch s.Type {
				case "dir":
					typ, size = 'd', e.size()
					if size == 0 || size%2048 != 0 || e.Flags != "02" {
						t.Errorf("isoinfo -J: %s: directory %q", d, e.Line)
					}
				case "link":
					size = 0
				}
				if want := isoinfoPrefix(typ, "---------", 0, 0, 0, size, s.Mod); e.Line[:53] != want {
					t.Errorf("isoinfo -J: %s: %s:\n  got  %q\n  want %q", d, n, e.Line[:53], want)
				}
			},
			func(e isoinfoEntry) (bool, int64) {
				if e.Flags == "02" {
					return true, 0
				}
				return false, e.size()
			})
	}
}

// checkLsdl compares xorriso's lsdl of every node with the source.
func checkLsdl(t *testing.T, img string, src map[string]srcInfo, view rrView) {
	ls := parseLsdl(t, toolOut(t, "xorriso", "-indev", img, "-find", "/", "-exec", "lsdl"))
	want := maps.Clone(src)
	if len(view.moved) > 0 {
		want["/.rr_moved"] = rrMovedInfo(view)
	}
	for p, s := range want {
		e, ok := ls[p]
		if !ok {
			t.Errorf("xorriso lsdl: %q is missing", p)
			continue
		}
		size := s.Size
		if s.Type != "file" {
			size = 0
		}
		mode := string(posixType(s)) + rwx(permOf(s), true, true)
		uid, gid := strconv.FormatUint(uint64(s.UID), 10), strconv.FormatUint(uint64(s.GID), 10)
		if e.Mode != mode || e.UID != uid || e.GID != gid || e.Size != size || e.Target != s.Target {
			t.Errorf("xorriso lsdl: %s is %s %s %s %d -> %q, want %s %s %s %d -> %q", p, e.Mode, e.UID, e.GID, e.Size, e.Target,
				mode, uid, gid, size, s.Target)
		}
		// ls dates: "Mon DD YYYY", or "Mon DD HH:MM" for recent ones.
		date := []string{s.Mod.Format("Jan"), strconv.Itoa(s.Mod.Day()), strconv.Itoa(s.Mod.Year())}
		if strings.Contains(e.Date[2], ":") {
			date[2] = s.Mod.Format("15:04")
		}
		if !slices.Equal(e.Date, date) {
			t.Errorf("xorriso lsdl: %s dated %v, want %v", p, e.Date, date)
		}
	}
	for p := range ls {
		if _, ok := want[p]; !ok {
			t.Errorf("xorriso lsdl: unexpected %q", p)
		}
	}
}

// checkIsoInfoJoliet compares iso-info -l (which reads the Joliet tree)
// with the source.
func checkIsoInfoJoliet(t *testing.T, img string, src map[string]srcInfo) {
	// --show-rock-ridge looks for Rock Ridge in the tree iso-info reads,
	// here the Joliet tree, which has none.
	l := parseIsoInfo(t, toolOut(t, "iso-info", "-i", img, "-l", "--no-header", "--show-rock-ridge=0"), false)
	if h := l.Header; h["Volume"] != listVolumeID || h["Joliet Level"] != "3" || h["Rock Ridge"] != "no" {
		t.Errorf("iso-info: volume %q, Joliet level %q, Rock Ridge %q; want %q, 3, no", h["Volume"], h["Joliet Level"],
			h["Rock Ridge"], listVolumeID)
	}
	jd := jolietDirs(src)
	if len(l.Dirs) != len(jd) {
		t.Errorf("iso-info lists %d directories, the source has %d", len(l.Dirs), len(jd))
	}
	const stamp = "Jan 02 2006 15:04:05"
	total := 0
	for dir, kids := range jd {
		d := strings.TrimSuffix(dir, "/") + "/"
		es, ok := l.Dirs[d]
		if !ok {
			t.Errorf("iso-info: no listing of %s", d)
			continue
		}
		total += len(es) - 2
		if len(es) < 2 || es[0].Name != "." || es[1].Name != ".." {
			t.Errorf("iso-info: %s does not start with . and ..", d)
			continue
		}
		if es[0].Date != src[dir].Mod.Format(stamp) {
			t.Errorf("iso-info: %s dated %s, want %s", d, es[0].Date, src[dir].Mod.Format(stamp))
		}
		checkJolietDir(t, "iso-info", d, kids, es[2:],
			func(e isoInfoEntry) string { return e.Name },
			cdioJoliet,
			func(n string, s srcInfo, e isoInfoEntry) {
				mode, size := "-", s.Size
				switch s.Type {
				case "dir":
					mode, size = "d", e.Size
					if size == 0 || size%2048 != 0 {
						t.Errorf("iso-info: %s: directory %s of %d bytes", d, n, size)
					}
				case "link":
					size = 0
				}
				if e.Mode != mode || e.Size != size || e.Date != s.Mod.Format(stamp) {
					t.Errorf("iso-info: %s: %s is %s %d %s, want %s %d %s", d, n, e.Mode, e.Size, e.Date, mode, size, s.Mod.Format(stamp))
				}
			},
			func(e isoInfoEntry) (bool, int64) {
				if e.Mode == "d" {
					return true, 0
				}
				return false, e.Size
			})
	}
	if total != len(src)-1 {
		t.Errorf("iso-info lists %d entries, the source has %d", total, len(src)-1)
	}
}

// check7z compares 7z l -slt (which reads the Joliet tree) with the
// source.
func check7z(t *testing.T, img string, src map[string]srcInfo) {
	items := parse7z(t, toolOut(t, "7z", "l", "-slt", img))
	if len(items) != len(src)-1 {
		t.Errorf("7z lists %d items, the source has %d", len(items), len(src)-1)
	}
	byDir := map[string][]string{}
	for p := range items {
		d := path.Join("/", path.Dir(p))
		byDir[d] = append(byDir[d], p)
	}
	show := func(n string) string {
		n = strings.TrimSuffix(n, ";1")
		return strings.TrimSuffix(n, ".")
	}
	for dir, kids := range jolietDirs(src) {
		checkJolietDir(t, "7z", dir, kids, byDir[dir],
			func(p string) string { return path.Base(p) },
			show,
			func(n string, s srcInfo, p string) {
				it := items[p]
				folder, size := "-", strconv.FormatInt(s.Size, 10)
				switch s.Type {
				case "dir":
					folder, size = "+", ""
				case "link":
					size = "0"
				}
				mod := s.Mod.Format("2006-01-02 15:04:05")
				if it["Folder"] != folder || it["Size"] != size || it["Modified"] != mod {
					t.Errorf("7z: %s is %v, want Folder %s, Size %s, Modified %s", p, it, folder, size, mod)
				}
			},
			func(p string) (bool, int64) {
				it := items[p]
				n, _ := strconv.ParseInt(it["Size"], 10, 64)
				return it["Folder"] == "+", n
			})
	}
}

// checkIsoInfoRR compares iso-info -l --no-joliet with the source. The
// names it shows follow libcdio's rules (see above), which the test
// derives from the raw directory records: the NM entries in the record
// itself, or the ISO 9660 identifier when there are none or an RE entry.
func checkIsoInfoRR(t *testing.T, img string, src map[string]srcInfo, view rrView) {
	l := parseIsoInfo(t, toolOut(t, "iso-info", "-i", img, "-l", "--no-header", "--no-joliet", "--show-rock-ridge=0"), true)
	if h := l.Header; h["Volume"] != listVolumeID || h["Rock Ridge"] != "yes" {
		t.Errorf("iso-info --no-joliet: volume %q, Rock Ridge %q; want %q, yes", h["Volume"], h["Rock Ridge"], listVolumeID)
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vols := readVolumes(t, f)
	const stamp = "Jan 02 2006 15:04:05"
	attrs := func(p string) srcInfo {
		if p == "/.rr_moved" {
			return rrMovedInfo(view)
		}
		e := src[p]
		if p == "/" && len(view.moved) > 0 {
			e.Nlink++
		}
		return e
	}
	listed := 0
	// walk visits a primary directory: cdio is its path as iso-info
	// prints it, sp its source path (or /.rr_moved).
	var walk func(rec rawRecord, cdio, sp, rrParent string)
	walk = func(rec rawRecord, cdio, sp, rrParent string) {
		listed++
		got, ok := l.Dirs[cdio]
		if !ok {
			t.Errorf("iso-info --no-joliet: no listing of %s", cdio)
			return
		}
		recs := readDir(t, f, rec.Extent, rec.Size)
		if len(got) != len(recs) {
			t.Errorf("iso-info --no-joliet: %s has %d entries, the directory %d records", cdio, len(got), len(recs))
			return
		}
		for i, r := range recs {
			e := got[i]
			inRec, err := parseSUSP(r.SU)
			if err != nil {
				t.Fatal(err)
			}
			all := allSUSP(t, f, r)
			full, _ := rrName(all)
			var p, name string
			switch i {
			case 0:
				p, name = sp, "."
			case 1:
				p, name = rrParent, ".."
			default:
				if sp == "/.rr_moved" {
					p = view.src["/.rr_moved/"+full]
				} else {
					p = path.Join(sp, full)
					if sp == "/" && full == ".rr_moved" {
						p = "/.rr_moved"
					}
				}
				name = string(r.Ident)
				var nm []byte
				for _, x := range inRec {
					if x.Sig == "RE" {
						nm = nil
						break
					}
					if x.Sig == "NM" && len(x.Data) >= 1 && x.Data[0]&0x06 == 0 {
						nm = append(nm, x.Data[1:]...)
					}
				}
				if len(nm) > 0 {
					name = string(nm)
				}
			}
			s := attrs(p)
			if p != "/.rr_moved" && s.Type == "" {
				t.Errorf("iso-info --no-joliet: %s: record %q (%q) has no source", cdio, r.Ident, full)
				continue
			}
			size := int64(r.Size)
			if s.Type == "link" {
				size = int64(len(s.Target))
			}
			mode := string(posixType(s)) + rwx(permOf(s), true, false)
			w := isoInfoEntry{Mode: mode, Nlink: strconv.FormatUint(s.Nlink, 10), UID: strconv.FormatUint(uint64(s.UID), 10),
				GID: strconv.FormatUint(uint64(s.GID), 10), LSN: r.Extent, Size: size, Date: s.Mod.Format(stamp), Name: name, Target: s.Target}
			if e != w {
				t.Errorf("iso-info --no-joliet: %s: entry %d:\n  got  %+v\n  want %+v", cdio, i, e, w)
			}
			if i >= 2 && r.Flags&2 != 0 {
				parent := sp // the Rock Ridge parent, PL for a relocated directory
				if sp == "/.rr_moved" {
					parent = path.Dir(p)
				}
				walk(r, cdio+name+"/", p, parent)
			}
		}
	}
	walk(vols[0].Root, "/", "/", "/")
	if listed != len(l.Dirs) {
		t.Errorf("iso-info --no-joliet lists %d directories, the image has %d", len(l.Dirs), listed)
	}
}

// TestInteropListLevel1 checks a plain image (interchange level 1, no Rock
// Ridge, no Joliet) with the same tools: every name an 8.3 identifier.
func TestInteropListLevel1(t *testing.T) {
	root := filepath.Join(t.TempDir(), "small")
	files := map[string]string{
		"readme.txt":                       "readme\n",
		"a long file name.text":            "long\n",
		"Makefile":                         "all:\n",
		"two.dots.tar.gz":                  "gz\n",
		".hidden":                          "hidden\n",
		"UPPER.TXT":                        "upper\n",
		"upper.txt":                        "lower\n",
		"Grüße.txt":                        "umlaut\n",
		"semi;colon":                       "semi\n",
		"docs/manual.html":                 "<html>\n",
		"subdirectory/nested/deep.c":       "int main;\n",
		"subdirectory/nested/deeper.cpp":   "int main();\n",
		"averyveryverylongdirectoryname/x": "x\n",
	}
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := scanList(t, root)
	img := filepath.Join(t.TempDir(), "l1.iso")
	master(t, root, img, &iso9660.Options{Now: listNow, Volume: iso9660.VolumeInfo{VolumeID: "LEVEL1"}})

	// isoinfo -l: the primary tree; every name must be 8.3.
	dirs := parseIsoinfo(t, toolOut(t, "isoinfo", "-l", "-i", img))
	fileID := regexp.MustCompile(`^([A-Z0-9_]{0,8})\.([A-Z0-9_]{0,3});1$`)
	dirID := regexp.MustCompile(`^[A-Z0-9_]{1,8}$`)
	var ids []string // image paths of all entries, as recorded
	var walk func(d, sp string)
	walk = func(d, sp string) {
		es, ok := dirs[d]
		if !ok || len(es) < 2 {
			t.Errorf("isoinfo -l: no listing of %s", d)
			return
		}
		kids := children(src, sp)
		if len(es)-2 != len(kids) {
			t.Errorf("isoinfo -l: %s has %d entries, the source %d", d, len(es)-2, len(kids))
		}
		var wantSizes, gotSizes []int64
		for _, k := range kids {
			if k.Type == "file" {
				wantSizes = append(wantSizes, k.Size)
			}
		}
		folded := map[string]bool{}
		for _, e := range es[2:] {
			if folded[e.Name] {
				t.Errorf("isoinfo -l: %s: %q twice", d, e.Name)
			}
			folded[e.Name] = true
			ids = append(ids, d+e.Name)
			if e.Flags == "02" {
				if !dirID.MatchString(e.Name) {
					t.Errorf("isoinfo -l: %s: directory %q is not a level 1 identifier", d, e.Name)
				}
				// Find the source directory by the mapped name's listing.
				var sub string
				for n, k := range kids {
					if k.Type == "dir" && strings.HasPrefix(strings.ToUpper(n), e.Name) {
						sub = path.Join(sp, n)
					}
				}
				walk(d+e.Name+"/", sub)
				continue
			}
			m := fileID.FindStringSubmatch(e.Name)
			if m == nil || m[1] == "" && m[2] == "" {
				t.Errorf("isoinfo -l: %s: file %q is not a level 1 identifier", d, e.Name)
			}
			gotSizes = append(gotSizes, e.size())
		}
		slices.Sort(wantSizes)
		slices.Sort(gotSizes)
		if !slices.Equal(wantSizes, gotSizes) {
			t.Errorf("isoinfo -l: %s: file sizes %v, want %v", d, gotSizes, wantSizes)
		}
	}
	walk("/", "/")
	for _, want := range []string{"/README.TXT;1", "/MAKEFILE.;1", "/DOCS/MANUAL.HTM;1", "/SUBDIREC/NESTED/DEEP.C;1"} {
		if !slices.Contains(ids, want) {
			t.Errorf("isoinfo -l: no %s among %q", want, ids)
		}
	}
	// The other readers must show the same identifiers, minus ";1" and a
	// final '.', lower-cased by iso-info.
	strip := func(id string) string { return strings.TrimSuffix(strings.TrimSuffix(id, ";1"), ".") }
	var want []string
	for _, id := range ids {
		want = append(want, strip(id))
	}
	slices.Sort(want)

	t.Run("isovfy", func(t *testing.T) {
		if bad := isovfyProblems(toolOut(t, "isovfy", img)); len(bad) > 0 {
			t.Errorf("isovfy:\n%s", strings.Join(bad, "\n"))
		}
	})
	t.Run("xorriso", func(t *testing.T) {
		ls := parseLsdl(t, toolOut(t, "xorriso", "-indev", img, "-find", "/", "-exec", "lsdl"))
		var got []string
		for p := range ls {
			if p != "/" {
				got = append(got, p)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("xorriso lsdl:\n  %q\nwant\n  %q", got, want)
		}
	})
	t.Run("iso-info", func(t *testing.T) {
		l := parseIsoInfo(t, toolOut(t, "iso-info", "-i", img, "-l", "--no-header"), false)
		if _, ok := l.Header["No Joliet extensions"]; !ok || l.Header["Volume"] != "LEVEL1" {
			t.Errorf("iso-info header %v", l.Header)
		}
		var got []string
		for d, es := range l.Dirs {
			for _, e := range es[2:] {
				got = append(got, strings.TrimSuffix(d, "/")+"/"+e.Name)
			}
		}
		slices.Sort(got)
		var lower []string
		for _, w := range want {
			lower = append(lower, strings.ToLower(w))
		}
		slices.Sort(lower)
		if !slices.Equal(got, lower) {
			t.Errorf("iso-info:\n  %q\nwant\n  %q", got, lower)
		}
	})
	t.Run("7z", func(t *testing.T) {
		var got []string
		for p := range parse7z(t, toolOut(t, "7z", "l", "-slt", img)) {
			got = append(got, "/"+p)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("7z:\n  %q\nwant\n  %q", got, want)
		}
	})
	t.Run("isoinfo-J", func(t *testing.T) {
		// No Joliet tree: isoinfo -J must say so and fail.
		out, err := toolCommand(context.Background(), t, "isoinfo", "-J", "-l", "-i", img).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "Unable to find Joliet SVD") {
			t.Errorf("isoinfo -J on an image without Joliet: %v\n%s", err, out)
		}
	})
}
