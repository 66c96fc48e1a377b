package iso9660

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
)

// nmFiles builds file entries.
func nmFiles(names ...string) []NameEntry {
	es := make([]NameEntry, len(names))
	for i, n := range names {
		es[i] = NameEntry{Name: n}
	}
	return es
}

// nmDirs builds directory entries.
func nmDirs(names ...string) []NameEntry {
	es := nmFiles(names...)
	for i := range es {
		es[i].Dir = true
	}
	return es
}

// nmU16 converts a Go string (BMP only) to UCS-2 code units.
func nmU16(s string) []uint16 { return utf16.Encode([]rune(s)) }

// nmStr converts UCS-2 code units to a Go string for messages.
func nmStr(u []uint16) string { return string(utf16.Decode(u)) }

// nmCheckISO asserts the invariants of ISONames output: allowed
// characters, length limits, version/period form and uniqueness.
func nmCheckISO(t testing.TB, entries []NameEntry, opt ISONameOptions, got []string) {
	t.Helper()
	if len(got) != len(entries) {
		t.Fatalf("got %d names for %d entries", len(got), len(entries))
	}
	long := opt.Level >= 2 || opt.LongNames
	seen := make(map[string]int, len(got))
	for i, id := range got {
		e := entries[i]
		rest := id
		if !e.Dir && !opt.OmitVersion {
			if !strings.HasSuffix(rest, ";1") {
				t.Fatalf("%q -> %q: missing ;1", e.Name, id)
			}
			rest = strings.TrimSuffix(rest, ";1")
		}
		if strings.ContainsRune(rest, ';') {
			t.Fatalf("%q -> %q: stray ';'", e.Name, id)
		}
		name, ext, hasDot := strings.Cut(rest, ".")
		switch {
		case e.Dir && hasDot:
			t.Fatalf("dir %q -> %q: directory identifier with '.' (§7.6.1)", e.Name, id)
		case !e.Dir && strings.Contains(ext, "."):
			t.Fatalf("%q -> %q: more than one '.'", e.Name, id)
		case !e.Dir && !hasDot && !opt.OmitTrailingPeriod:
			t.Fatalf("%q -> %q: missing '.'", e.Name, id)
		case !e.Dir && hasDot && ext == "" && opt.OmitTrailingPeriod:
			t.Fatalf("%q -> %q: trailing '.' despite OmitTrailingPeriod", e.Name, id)
		}
		if name == "" {
			t.Fatalf("%q -> %q: empty name part", e.Name, id)
		}
		for _, part := range []string{name, ext} {
			for _, c := range []byte(part) {
				ok := (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
					(opt.AllowLowercase && c >= 'a' && c <= 'z') ||
					(opt.RelaxedFilenames && c >= 0x20 && c <= 0x7E && c != '/' && c != ';' && c != '.' && !(c >= 'a' && c <= 'z'))
				if !ok {
					t.Fatalf("%q -> %q: character %q not allowed with %+v", e.Name, id, c, opt)
				}
			}
			if strings.HasSuffix(part, " ") {
				t.Fatalf("%q -> %q: trailing space in a part", e.Name, id)
			}
		}
		switch {
		case e.Dir && long && len(name) > 31, e.Dir && !long && len(name) > 8:
			t.Fatalf("dir %q -> %q: too long", e.Name, id)
		case !e.Dir && long && len(name)+len(ext) > 30:
			t.Fatalf("%q -> %q: name+ext over 30 (§7.5.1)", e.Name, id)
		case !e.Dir && !long && (len(name) > 8 || len(ext) > 3):
			t.Fatalf("%q -> %q: not 8.3 (§10.1)", e.Name, id)
		}
		key := strings.ToUpper(name)
		if ext != "" {
			key += "." + strings.ToUpper(ext)
		}
		if j, dup := seen[key]; dup {
			t.Fatalf("clash: %q -> %q and %q -> %q", entries[j].Name, got[j], e.Name, id)
		}
		seen[key] = i
	}
	// Distinct identifiers must be distinct under §9.3, before the
	// byte-wise tie-break.
	sorted := slices.Clone(got)
	slices.SortFunc(sorted, CompareISO)
	for i := 1; i < len(sorted); i++ {
		an, ae, _ := nmSplitVersion([]byte(sorted[i-1]))
		bn, be, _ := nmSplitVersion([]byte(sorted[i]))
		if nmComparePadded(an, bn) == 0 && nmComparePadded(ae, be) == 0 {
			t.Fatalf("%q and %q are equal under ECMA-119 §9.3", sorted[i-1], sorted[i])
		}
	}
}

// nmJolietKey is the test's own model of how Windows compares Joliet
// names: case-insensitive, trailing dots and spaces ignored, version
// ignored.
func nmJolietKey(u []uint16, dir, versioned bool) string {
	s := nmStr(u)
	if !dir && versioned {
		s = strings.TrimSuffix(s, ";1")
	}
	return strings.TrimRight(strings.Map(unicode.ToUpper, s), ". ")
}

// nmCheckJoliet asserts the invariants of JolietNames output.
func nmCheckJoliet(t testing.TB, entries []NameEntry, opt JolietOptions, got [][]uint16) {
	t.Helper()
	if len(got) != len(entries) {
		t.Fatalf("got %d names for %d entries", len(got), len(entries))
	}
	limit := 64
	if opt.Long {
		limit = 103
	}
	seen := make(map[string]int, len(got))
	exact := make(map[string]bool, len(got))
	for i, u := range got {
		e := entries[i]
		if len(u) == 0 || len(u) > limit {
			t.Fatalf("%q -> %q: length %d outside 1..%d", e.Name, nmStr(u), len(u), limit)
		}
		body := u
		if !e.Dir && !opt.OmitVersion {
			if len(u) < 3 || u[len(u)-2] != ';' || u[len(u)-1] != '1' {
				t.Fatalf("%q -> %q: missing ;1", e.Name, nmStr(u))
			}
			body = u[:len(u)-2]
		}
		allDots := true
		for _, c := range body {
			if c < 0x20 || strings.ContainsRune("*/:;?\\", rune(c)) || (c >= 0xD800 && c <= 0xDFFF) {
				t.Fatalf("%q -> %q: forbidden code unit %#04x", e.Name, nmStr(u), c)
			}
			if c != '.' && c != ' ' {
				allDots = false
			}
		}
		if allDots {
			t.Fatalf("%q -> %q: only dots and spaces", e.Name, nmStr(u))
		}
		k := nmJolietKey(u, e.Dir, !opt.OmitVersion)
		if j, dup := seen[k]; dup {
			t.Fatalf("clash: %q -> %q and %q -> %q", entries[j].Name, nmStr(got[j]), e.Name, nmStr(u))
		}
		seen[k] = i
		exact[string(utf16.Decode(u))] = true
	}
	if len(exact) != len(got) {
		t.Fatalf("identical UCS-2 identifiers")
	}
}

// nmPairs returns the sorted multiset of (entry, identifier) pairs, which
// must not depend on input order.
func nmPairs(entries []NameEntry, ids []string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprintf("%q %v -> %q", e.Name, e.Dir, ids[i])
	}
	slices.Sort(out)
	return out
}

// nmCheckOrderIndependent maps shuffled copies of entries and compares.
func nmCheckOrderIndependent(t testing.TB, entries []NameEntry, iso ISONameOptions, jol JolietOptions, seed int64) {
	t.Helper()
	wantISO := nmPairs(entries, ISONames(entries, iso))
	wantJ := nmPairs(entries, nmJolietStrings(JolietNames(entries, jol)))
	r := rand.New(rand.NewSource(seed))
	for round := 0; round < 3; round++ {
		sh := slices.Clone(entries)
		r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
		if round == 2 {
			slices.Reverse(sh)
		}
		if got := nmPairs(sh, ISONames(sh, iso)); !slices.Equal(got, wantISO) {
			t.Fatalf("ISONames depends on input order (round %d)", round)
		}
		if got := nmPairs(sh, nmJolietStrings(JolietNames(sh, jol))); !slices.Equal(got, wantJ) {
			t.Fatalf("JolietNames depends on input order (round %d)", round)
		}
	}
}

func nmJolietStrings(us [][]uint16) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = nmStr(u)
	}
	return out
}

var nmISOOptionSets = []struct {
	name string
	opt  ISONameOptions
}{
	{"level0", ISONameOptions{}},
	{"level1", ISONameOptions{Level: 1}},
	{"level2", ISONameOptions{Level: 2}},
	{"level3", ISONameOptions{Level: 3}},
	{"level1-l", ISONameOptions{Level: 1, LongNames: true}},
	{"lowercase", ISONameOptions{AllowLowercase: true}},
	{"relaxed", ISONameOptions{RelaxedFilenames: true}},
	{"relaxed-lower-l3", ISONameOptions{Level: 3, RelaxedFilenames: true, AllowLowercase: true}},
	{"d-N", ISONameOptions{OmitVersion: true, OmitTrailingPeriod: true}},
	{"d", ISONameOptions{OmitTrailingPeriod: true}},
	{"N-level2", ISONameOptions{Level: 2, OmitVersion: true}},
}

var nmJolietOptionSets = []struct {
	name string
	opt  JolietOptions
}{
	{"default", JolietOptions{}},
	{"omit-version", JolietOptions{OmitVersion: true}},
	{"long", JolietOptions{Long: true}},
	{"long-omit-version", JolietOptions{Long: true, OmitVersion: true}},
}

func TestISONamesTable(t *testing.T) {
	long42 := "verylongfilename_abcdefghijklmnopqrstuvwxyz.extension"
	longDir := "longdirectorynameabcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		name    string
		opt     ISONameOptions
		entries []NameEntry
		want    []string
	}{
		{
			name: "level1/basic",
			entries: append(nmFiles("readme.txt", "Makefile", ".bashrc", "x.tar.gz", "verylongname.html", "a.b.c", "hello world.txt", ""),
				nmDirs("src.d", "documentation")...),
			want: []string{"README.TXT;1", "MAKEFILE.;1", "_BASHRC.;1", "X_TAR.GZ;1", "VERYLONG.HTM;1", "A_B.C;1", "HELLO_WO.TXT;1", "_.;1",
				"SRC_D", "DOCUMENT"},
		},
		{
			name:    "level1/zero-level-is-1",
			opt:     ISONameOptions{Level: 0},
			entries: nmFiles(long42),
			want:    []string{"VERYLONG.EXT;1"},
		},
		{
			name:    "level1/collision-keeps-smallest-source",
			entries: nmFiles("longname1.txt", "longname2.txt", "LongName3.txt"),
			want:    []string{"LONGNAM1.TXT;1", "LONGNAM2.TXT;1", "LONGNAME.TXT;1"},
		},
		{
			name:    "level1/file-dir-clash",
			entries: append(nmFiles("foo", "foo."), nmDirs("foo")...),
			want:    []string{"FOO.;1", "FOO_.;1", "FOO1"},
		},
		{
			name:    "level1/natural-name-occupies-counter",
			entries: nmFiles("a.txt", "A.TXT", "a1.txt"),
			want:    []string{"A2.TXT;1", "A.TXT;1", "A1.TXT;1"},
		},
		{
			name:    "level1/dots-and-spaces",
			entries: nmFiles("...", "   ", "....", ". ."),
			// "   " < ". ." < "..." < "...." byte-wise.
			want: []string{"___2.;1", "___.;1", "____.;1", "___1.;1"},
		},
		{
			name:    "level1/unicode-and-invalid-utf8",
			entries: nmFiles("naïve.txt", "日本語.doc", "emoji😀.txt", "\xff\xfe.bin", "ok\x80.c"),
			want:    []string{"NA_VE.TXT;1", "___.DOC;1", "EMOJI_.TXT;1", "__.BIN;1", "OK_.C;1"},
		},
		{
			name:    "d/omit-trailing-period",
			opt:     ISONameOptions{OmitTrailingPeriod: true},
			entries: append(nmFiles("noext", "file.c"), nmDirs("dir")...),
			want:    []string{"NOEXT;1", "FILE.C;1", "DIR"},
		},
		{
			name:    "N/omit-version",
			opt:     ISONameOptions{OmitVersion: true},
			entries: append(nmFiles("noext", "file.c"), nmDirs("dir")...),
			want:    []string{"NOEXT.", "FILE.C", "DIR"},
		},
		{
			name:    "dN/both",
			opt:     ISONameOptions{OmitVersion: true, OmitTrailingPeriod: true},
			entries: append(nmFiles("noext", "file.c"), nmDirs("noext")...),
			want:    []string{"NOEXT", "FILE.C", "NOEXT1"},
		},
		{
			name:    "l/long-names-at-level1",
			opt:     ISONameOptions{LongNames: true},
			entries: append(nmFiles(long42), nmDirs(longDir)...),
			want:    []string{"VERYLONGFILENAME_ABCD.EXTENSION;1", "LONGDIRECTORYNAMEABCDEFGHIJKLMN"},
		},
		{
			name:    "level2/long",
			opt:     ISONameOptions{Level: 2},
			entries: append(nmFiles(long42), nmDirs(longDir, "dir.with.dots")...),
			want:    []string{"VERYLONGFILENAME_ABCD.EXTENSION;1", "LONGDIRECTORYNAMEABCDEFGHIJKLMN", "DIR_WITH_DOTS"},
		},
		{
			name: "level3/long-extensions",
			opt:  ISONameOptions{Level: 3},
			entries: nmFiles(
				"short.abcdefghijklmnopqrstuvwxyz0123456789",         // genisoimage: SHORT.ABCDEFGHIJKLMNOPQRSTUVWXY
				"a.abcdefghijklmnopqrstuvwxyz0123456789abc",          // genisoimage: A.ABCDEFGHIJKLMNOPQRSTUVWXYZ012
				"abcdefghijklmnopqrstuvwxyz0123456789.longextension", // genisoimage: ABCDEFGHIJKLMNOPQ.LONGEXTENSION
				"abcdefghijklmnopqrstuvwxyz0123456789.abcdefghijklmnopqrstuvwxyz0123456789",
			),
			want: []string{
				"SHORT.ABCDEFGHIJKLMNOPQRSTUVWXY;1",
				"A.ABCDEFGHIJKLMNOPQRSTUVWXYZ012;1",
				"ABCDEFGHIJKLMNOPQ.LONGEXTENSION;1",
				"ABCDEFGH.ABCDEFGHIJKLMNOPQRSTUV;1",
			},
		},
		{
			name:    "level2/collision-after-char-30",
			opt:     ISONameOptions{Level: 2},
			entries: nmFiles("abcdefghijklmnopqrstuvwxyz0123456789-1.txt", "abcdefghijklmnopqrstuvwxyz0123456789-2.txt"),
			want:    []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZ0.TXT;1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ1.TXT;1"},
		},
		{
			name:    "lowercase/case-insensitive-uniqueness",
			opt:     ISONameOptions{AllowLowercase: true},
			entries: nmFiles("Mixed.Case", "mixed.case", "UPPER.TXT", "lower.txt"),
			want:    []string{"Mixed.Cas;1", "mixed1.cas;1", "UPPER.TXT;1", "lower.txt;1"},
		},
		{
			name:    "relaxed/printable-ascii",
			opt:     ISONameOptions{RelaxedFilenames: true},
			entries: nmFiles("a-b+c.t~t", "semi;colon", "hi there.txt", "trail .txt", "a.b.c", "back\\sl", "x.ext ", "tab\tx"),
			want:    []string{"A-B+C.T~T;1", "SEMI_COL.;1", "HI THERE.TXT;1", "TRAIL_.TXT;1", "A_B.C;1", "BACK\\SL.;1", "X.EXT;1", "TAB_X.;1"},
		},
		{
			name:    "relaxed/lowercase-level3",
			opt:     ISONameOptions{Level: 3, RelaxedFilenames: true, AllowLowercase: true},
			entries: append(nmFiles("Hello, World!.txt", "x.tar.gz", " "), nmDirs("My Dir.d")...),
			want:    []string{"Hello, World!.txt;1", "x_tar.gz;1", "_.;1", "My Dir_d"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ISONames(tc.entries, tc.opt)
			if !slices.Equal(got, tc.want) {
				for i := range got {
					if i < len(tc.want) && got[i] != tc.want[i] {
						t.Errorf("%q: got %q, want %q", tc.entries[i].Name, got[i], tc.want[i])
					}
				}
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
			nmCheckISO(t, tc.entries, tc.opt, got)
			nmCheckOrderIndependent(t, tc.entries, tc.opt, JolietOptions{}, 1)
		})
	}
}

func TestJolietNamesTable(t *testing.T) {
	a70 := strings.Repeat("a", 70)
	tests := []struct {
		name    string
		opt     JolietOptions
		entries []NameEntry
		want    []string
	}{
		{
			name: "basic",
			entries: append(nmFiles("Mixed.Case", ".bashrc", "x.tar.gz", "hello world.txt", "日本語.txt", "naïve"),
				nmDirs("Dir.With.Dots")...),
			want: []string{"Mixed.Case;1", ".bashrc;1", "x.tar.gz;1", "hello world.txt;1", "日本語.txt;1", "naïve;1", "Dir.With.Dots"},
		},
		{
			name:    "omit-version",
			opt:     JolietOptions{OmitVersion: true},
			entries: append(nmFiles("file.txt", "noext"), nmDirs("dir")...),
			want:    []string{"file.txt", "noext", "dir"},
		},
		{
			name:    "forbidden-characters",
			entries: nmFiles("a*b?c:d", "semi;colon", "back\\slash", "tab\there", "nul\x00x", "del\x7fok", "fwd/slash"),
			want:    []string{"a_b_c_d;1", "semi_colon;1", "back_slash;1", "tab_here;1", "nul_x;1", "del\x7fok;1", "fwd_slash;1"},
		},
		{
			name:    "outside-BMP-and-invalid-UTF-8",
			entries: nmFiles("emoji😀.txt", "𝄞music", "\xff\xfebad", "half\xe6\x97", "\ufffd.txt", "\ufeffbom"),
			want:    []string{"emoji_.txt;1", "_music;1", "__bad;1", "half__;1", "\ufffd.txt;1", "\ufeffbom;1"},
		},
		{
			name:    "case-insensitive",
			entries: nmFiles("README", "readme", "ReadMe", "straße", "STRASSE"),
			want:    []string{"README;1", "readme2;1", "ReadMe1;1", "straße;1", "STRASSE;1"},
		},
		{
			name:    "trailing-dots-and-spaces",
			entries: nmFiles("foo", "foo.", "foo ", "foo. ."),
			want:    []string{"foo;1", "foo2;1", "foo1;1", "foo3;1"},
		},
		{
			name:    "only-dots-and-spaces",
			entries: append(nmFiles("...", "   ", ". ."), nmDirs("....")...),
			want:    []string{"___2;1", "___;1", "___1;1", "____"},
		},
		{
			name:    "truncate-keeps-extension",
			entries: nmFiles(a70+".txt", a70+"X.txt", a70),
			want: []string{
				strings.Repeat("a", 58) + ".txt;1",
				strings.Repeat("a", 57) + "1.txt;1",
				strings.Repeat("a", 62) + ";1",
			},
		},
		{
			name:    "truncate-omit-version-dir",
			opt:     JolietOptions{OmitVersion: true},
			entries: append(nmFiles(a70+".txt"), nmDirs("dir"+a70)...),
			want:    []string{strings.Repeat("a", 60) + ".txt", "dir" + strings.Repeat("a", 61)},
		},
		{
			name:    "long-103",
			opt:     JolietOptions{Long: true},
			entries: append(nmFiles(strings.Repeat("b", 120)+".extension", a70+".txt"), nmDirs(strings.Repeat("d", 120))...),
			want:    []string{strings.Repeat("b", 91) + ".extension;1", a70 + ".txt;1", strings.Repeat("d", 103)},
		},
		{
			name:    "long-extension",
			entries: nmFiles(strings.Repeat("c", 60) + ".verylongextension12345" + strings.Repeat("e", 40)),
			want:    []string{"cccccccc." + "verylongextension12345" + strings.Repeat("e", 31) + ";1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := nmJolietStrings(JolietNames(tc.entries, tc.opt))
			if !slices.Equal(got, tc.want) {
				for i := range got {
					if i < len(tc.want) && got[i] != tc.want[i] {
						t.Errorf("%q: got %q, want %q", tc.entries[i].Name, got[i], tc.want[i])
					}
				}
				t.FailNow()
			}
			nmCheckJoliet(t, tc.entries, tc.opt, JolietNames(tc.entries, tc.opt))
			nmCheckOrderIndependent(t, tc.entries, ISONameOptions{}, tc.opt, 2)
		})
	}
}

// nmStormSets returns named sets of heavily colliding entries.
func nmStormSets() []struct {
	name    string
	entries []NameEntry
} {
	var sets []struct {
		name    string
		entries []NameEntry
	}
	add := func(name string, es []NameEntry) {
		sets = append(sets, struct {
			name    string
			entries []NameEntry
		}{name, es})
	}
	// 5,000 names differing only after character 40 (ISO truncates at
	// 8 or 30); and after character 110 (Joliet truncates at 64/103).
	var after40, after110 []NameEntry
	for i := range 5000 {
		after40 = append(after40, NameEntry{Name: fmt.Sprintf("%s%05d.dat", strings.Repeat("x", 40), i)})
		after110 = append(after110, NameEntry{Name: fmt.Sprintf("%s%05d.dat", strings.Repeat("Y", 110), i), Dir: i%7 == 0})
	}
	add("differ-after-40", after40)
	add("differ-after-110", after110)
	// 5,000 names that uppercase to the same identifier: case variants.
	var cases []NameEntry
	for i := range 5000 {
		b := []byte("abcdefghijklm.txt")
		for bit := range 13 {
			if i&(1<<bit) != 0 {
				b[bit] -= 'a' - 'A'
			}
		}
		cases = append(cases, NameEntry{Name: string(b)})
	}
	add("case-variants", cases)
	// Natural names that occupy the counter slots the resolver tries
	// first, plus 2,000 clashing names.
	var occupied []NameEntry
	for i := range 3000 {
		occupied = append(occupied, NameEntry{Name: fmt.Sprintf("FOO%d", i+1)})
	}
	for i := range 2000 {
		occupied = append(occupied, NameEntry{Name: fmt.Sprintf("foo\u00e9%04d", i)})
	}
	add("counters-occupied", occupied)
	// 12,000 directories that all map to one level-1 identifier: the
	// counter must grow to 5 digits.
	var dirs []NameEntry
	for i := range 12000 {
		dirs = append(dirs, NameEntry{Name: fmt.Sprintf("directory-%06d", i), Dir: true})
	}
	add("12000-dirs", dirs)
	// Long extensions leave little room for the name part and counter.
	var longExt []NameEntry
	ext := strings.Repeat("e", 29)
	for i := range 300 {
		longExt = append(longExt, NameEntry{Name: fmt.Sprintf("n%03d.%s", i, ext)})
	}
	add("long-extension-storm", longExt)
	// Names of only non-ASCII characters of equal length all map to
	// underscores.
	var uni []NameEntry
	for i := range 2000 {
		uni = append(uni, NameEntry{Name: string([]rune{0x4E00 + rune(i), 0x4E00 + rune(i/7), 0x1F600 + rune(i%50)})})
	}
	add("unicode-storm", uni)
	return sets
}

func TestNameStorms(t *testing.T) {
	for _, set := range nmStormSets() {
		t.Run(set.name, func(t *testing.T) {
			for _, o := range nmISOOptionSets {
				got := ISONames(set.entries, o.opt)
				nmCheckISO(t, set.entries, o.opt, got)
			}
			for _, o := range nmJolietOptionSets {
				got := JolietNames(set.entries, o.opt)
				nmCheckJoliet(t, set.entries, o.opt, got)
			}
			nmCheckOrderIndependent(t, set.entries, ISONameOptions{}, JolietOptions{}, 3)
			nmCheckOrderIndependent(t, set.entries, ISONameOptions{Level: 2, AllowLowercase: true}, JolietOptions{Long: true}, 4)
		})
	}
}

func TestISONamesStormDetails(t *testing.T) {
	// The first (in byte order) keeps the plain name; the counter then
	// grows from 1 digit to 4 while staying within 8 characters.
	var es []NameEntry
	for i := range 5000 {
		es = append(es, NameEntry{Name: fmt.Sprintf("%s%05d.dat", strings.Repeat("x", 40), i)})
	}
	got := ISONames(es, ISONameOptions{})
	want := map[int]string{0: "XXXXXXXX.DAT;1", 1: "XXXXXXX1.DAT;1", 9: "XXXXXXX9.DAT;1", 10: "XXXXXX10.DAT;1", 100: "XXXXX100.DAT;1", 4999: "XXXX4999.DAT;1"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("entry %d: got %q, want %q", i, got[i], w)
		}
	}
	// With a 29-character extension at level 2, the extension gives way
	// to the counter rather than failing.
	ext := strings.Repeat("E", 29)
	got = ISONames(nmFiles("a."+ext, "b."+ext, "c."+ext), ISONameOptions{Level: 2})
	if got[0] != "A."+ext+";1" || got[1] != "B."+ext+";1" {
		t.Errorf("got %q", got)
	}
	// 30 case variants of "x.eee…" all map to "X.EEE…": the name part
	// has room for one character only, so the counters are "1" to "9"
	// and then the extension shrinks to make room for "10" to "29".
	es = nil
	for i := range 30 {
		b := []byte("x." + strings.ToLower(ext))
		for bit := range 6 {
			if i&(1<<bit) != 0 {
				b[2+bit] = 'E'
			}
		}
		es = append(es, NameEntry{Name: string(b)})
	}
	got = ISONames(es, ISONameOptions{Level: 2})
	nmCheckISO(t, es, ISONameOptions{Level: 2}, got)
	wantSet := []string{"X." + ext + ";1"}
	for c := 1; c < 30; c++ {
		e := ext
		if c >= 10 {
			e = ext[:28]
		}
		wantSet = append(wantSet, fmt.Sprintf("%d.%s;1", c, e))
	}
	slices.Sort(wantSet)
	gotSet := slices.Sorted(slices.Values(got))
	if !slices.Equal(gotSet, wantSet) {
		t.Errorf("got %q\nwant %q", gotSet, wantSet)
	}
}

func TestCompareISO(t *testing.T) {
	// Order printed by `isoinfo -l` for an image made with
	// `genisoimage -relaxed-filenames -iso-level 2` (genisoimage 1.1.11)
	// from the files A A.B AB A-B A_B A.BB A! A- A-.B A.A B A0 A.B- A.B!
	// A!.B A# A+B and the directories D and A!D. It follows §9.3: names
	// padded with spaces, so "A" sorts before "A!" (xorriso 1.5.4, which
	// compares plain bytes, puts "A!.;1" before "A.;1").
	genisoOrder := []string{
		"A.;1", "A.A;1", "A.B;1", "A.B!;1", "A.B-;1", "A.BB;1", "A!.;1", "A!.B;1", "A!D",
		"A#.;1", "A+B.;1", "A-.;1", "A-.B;1", "A-B.;1", "A0.;1", "AB.;1", "A_B.;1", "B.;1", "D",
	}
	shuffled := slices.Clone(genisoOrder)
	rand.New(rand.NewSource(5)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	slices.SortFunc(shuffled, CompareISO)
	if !slices.Equal(shuffled, genisoOrder) {
		t.Errorf("CompareISO order\n got %q\nwant %q", shuffled, genisoOrder)
	}

	// The same tree through ISONames gives the same identifiers.
	src := append(nmFiles("A", "A.B", "AB", "A-B", "A_B", "A.BB", "A!", "A-", "A-.B", "A.A", "B", "A0", "A.B-", "A.B!", "A!.B", "A#", "A+B"), nmDirs("D", "A!D")...)
	ids := ISONames(src, ISONameOptions{Level: 2, RelaxedFilenames: true})
	slices.SortFunc(ids, CompareISO)
	if !slices.Equal(ids, genisoOrder) {
		t.Errorf("ISONames+CompareISO\n got %q\nwant %q", ids, genisoOrder)
	}

	// Strict level 1: genisoimage lists A.;1 A.B;1 A.BB;1 AB.;1 A_B.;1
	// A_B000.;1 (it gives "A-B" the suffix; Spindle gives it to "A_B",
	// the later source name in byte order).
	ids = ISONames(nmFiles("A", "A.B", "AB", "A-B", "A_B", "A.BB"), ISONameOptions{})
	slices.SortFunc(ids, CompareISO)
	if want := []string{"A.;1", "A.B;1", "A.BB;1", "AB.;1", "A_B.;1", "A_B1.;1"}; !slices.Equal(ids, want) {
		t.Errorf("level 1 order: got %q, want %q", ids, want)
	}

	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"A.B;2", "A.B;1", -1},  // version descending
		{"A.B;10", "A.B;9", -1}, // numerically
		{"A.B;1", "A.B", -1},    // absent version counts as 0
		{"A", "A!", -1},         // padding with (20)
		{"A B", "A", 1},
		{"A.;1", "A.;1", 0},
		{"AB", "A.B;1", 1}, // directory vs file: names compared first
		{"A;X", "A;1", 1},  // ";X" is no version
	} {
		if got := CompareISO(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareISO(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := CompareISO(tc.b, tc.a); got != -tc.want {
			t.Errorf("CompareISO(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

// TestCompareISOLive checks the order against the installed genisoimage
// and isoinfo, when both are available.
func TestCompareISOLive(t *testing.T) {
	gen, err1 := exec.LookPath("genisoimage")
	info, err2 := exec.LookPath("isoinfo")
	if err1 != nil || err2 != nil || testing.Short() {
		t.Skip("genisoimage or isoinfo not installed")
	}
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	files := []string{"A", "A.B", "AB", "A-B", "A_B", "A.BB", "A!", "A-", "A-.B", "A.A", "B", "A0", "A.B-", "A.B!", "A!.B", "A#", "A+B", "Z~", "A B"}
	dirs := []string{"D", "A!D", "AA"}
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(tree, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range dirs {
		if err := os.Mkdir(filepath.Join(tree, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(dir, "x.iso")
	if out, err := exec.Command(gen, "-quiet", "-relaxed-filenames", "-iso-level", "2", "-o", img, tree).CombinedOutput(); err != nil {
		t.Fatalf("genisoimage: %v\n%s", err, out)
	}
	out, err := exec.Command(info, "-l", "-i", img).Output()
	if err != nil {
		t.Fatalf("isoinfo: %v", err)
	}
	var listed []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		_, name, ok := strings.Cut(line, "]  ")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, " ")
		if name == "." || name == ".." {
			continue
		}
		listed = append(listed, name)
	}
	if len(listed) != len(files)+len(dirs) {
		t.Fatalf("isoinfo listed %q", listed)
	}
	if !slices.IsSortedFunc(listed, CompareISO) {
		t.Errorf("isoinfo order is not CompareISO order: %q", listed)
	}
	ids := ISONames(append(nmFiles(files...), nmDirs(dirs...)...), ISONameOptions{Level: 2, RelaxedFilenames: true})
	slices.SortFunc(ids, CompareISO)
	if !slices.Equal(ids, listed) {
		t.Errorf("ISONames differs from genisoimage:\n got %q\nwant %q", ids, listed)
	}
}

func TestCompareJoliet(t *testing.T) {
	in := []string{"b", "a.txt", "a", "A", "a b", "a.txt;1", "a.txt;2", "a!", "é", "a.b.c"}
	// Names end at the first '.', so "a.b.c" (name "a") sorts before
	// "a b" (name "a b").
	want := []string{"A", "a", "a.b.c", "a.txt;2", "a.txt;1", "a.txt", "a b", "a!", "b", "é"}
	us := make([][]uint16, len(in))
	for i, s := range in {
		us[i] = nmU16(s)
	}
	slices.SortFunc(us, CompareJoliet)
	if got := nmJolietStrings(us); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if CompareJoliet(nmU16("x;1"), nmU16("x;1")) != 0 {
		t.Error("equal identifiers must compare 0")
	}
}

func TestJolietNoSurrogates(t *testing.T) {
	var names []string
	for r := rune(0x10000); r < 0x10FFFF; r += 0x1111 {
		names = append(names, "x"+string(r)+".txt")
	}
	es := nmFiles(names...)
	got := JolietNames(es, JolietOptions{})
	nmCheckJoliet(t, es, JolietOptions{}, got)
	if s := nmStr(got[0]); s != "x_.txt;1" {
		t.Errorf("got %q", s)
	}
}

func TestEmptyInput(t *testing.T) {
	if got := ISONames(nil, ISONameOptions{}); len(got) != 0 {
		t.Errorf("got %q", got)
	}
	if got := JolietNames(nil, JolietOptions{}); len(got) != 0 {
		t.Errorf("got %v", got)
	}
}

// nmFuzzEntries splits fuzz input into entries: names are separated by
// NUL bytes and a trailing '/' marks a directory. Names "." and ".." are
// dropped, as the caller does.
func nmFuzzEntries(data []byte) []NameEntry {
	var es []NameEntry
	for _, part := range bytes.Split(data, []byte{0}) {
		name := string(part)
		dir := strings.HasSuffix(name, "/")
		name = strings.TrimSuffix(name, "/")
		if name == "." || name == ".." {
			continue
		}
		es = append(es, NameEntry{Name: name, Dir: dir})
	}
	return es
}

var nmFuzzSeeds = []string{
	"a\x00A\x00a.txt\x00A.TXT\x00dir/",
	".bashrc\x00...\x00   \x00. .\x00..",
	"emoji😀.txt\x00\xff\xfe\x00日本語.txt\x00half\xe6\x97",
	strings.Repeat("x", 40) + "1.dat\x00" + strings.Repeat("x", 40) + "2.dat\x00" + strings.Repeat("x", 40) + "3.dat/",
	strings.Repeat("y", 120) + ".ext\x00" + strings.Repeat("y", 121) + ".ext\x00" + strings.Repeat("y", 100),
	"a*b\x00a?b\x00a:b\x00a;b\x00a\\b\x00a/b/",
	"foo\x00foo.\x00foo \x00FOO1\x00foo1\x00FOO/",
	"x." + strings.Repeat("e", 29) + "\x00y." + strings.Repeat("e", 29) + "\x00z." + strings.Repeat("e", 29),
	"",
}

func FuzzISONames(f *testing.F) {
	for _, s := range nmFuzzSeeds {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(0x3f))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		es := nmFuzzEntries(data)
		opt := ISONameOptions{
			Level:              int(flags&3) % 4,
			LongNames:          flags&4 != 0,
			AllowLowercase:     flags&8 != 0,
			RelaxedFilenames:   flags&16 != 0,
			OmitVersion:        flags&32 != 0,
			OmitTrailingPeriod: flags&64 != 0,
		}
		got := ISONames(es, opt)
		nmCheckISO(t, es, opt, got)
		rev := slices.Clone(es)
		slices.Reverse(rev)
		if !slices.Equal(nmPairs(es, got), nmPairs(rev, ISONames(rev, opt))) {
			t.Fatal("ISONames depends on input order")
		}
	})
}

func FuzzJolietNames(f *testing.F) {
	for _, s := range nmFuzzSeeds {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		es := nmFuzzEntries(data)
		opt := JolietOptions{Long: flags&1 != 0, OmitVersion: flags&2 != 0}
		got := JolietNames(es, opt)
		nmCheckJoliet(t, es, opt, got)
		rev := slices.Clone(es)
		slices.Reverse(rev)
		if !slices.Equal(nmPairs(es, nmJolietStrings(got)), nmPairs(rev, nmJolietStrings(JolietNames(rev, opt)))) {
			t.Fatal("JolietNames depends on input order")
		}
	})
}

// nmRand is a splitmix64 generator. Unlike math/rand it is defined here, so
// the golden corpus below is the same on every platform and Go release.
type nmRand uint64

func (r *nmRand) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *nmRand) intn(n int) int { return int(r.next() % uint64(n)) }

// nmGoldenPieces are the fragments golden names are made of: ASCII in both
// cases, every character class the mappings treat specially (separators,
// forbidden and control characters, spaces), characters whose Unicode case
// mappings are unusual, characters outside the BMP, invalid UTF-8
// (stray continuation bytes, truncated and overlong sequences, encoded
// surrogates) and long runs that force truncation at 8, 30, 64 and 103.
var nmGoldenPieces = []string{
	"a", "b", "x", "Z", "q", "readme", "README", "ReadMe", "IMG_", "photo", "Document", "dir",
	"straße", "STRASSE", "ß", "é", "É", "naïve", "日本語", "😀", "𝄞", "\ufffd", "\ufeff",
	"İ", "ı", "ǅ", "ǆ", "Ǆ", "ﬀ", "Ω", "ω", "ς", "σ", "Σ", "ſ", "\u212a", "\u1e9e", "ǰ",
	".", ". ", "..", " ", "  ", "_", "-", "+", "~", "!", "#", "%", ";", ";1", "*", "?", ":",
	"\\", "/", "\t", "\x00", "\x1f", "\x7f", "\xff", "\x80", "\xe6\x97", "\xed\xa0\x80",
	"\xf0\x9f", "\xc0\xaf", "0", "1", "9", "10", "001", "42",
	".txt", ".TXT", ".tar", ".gz", ".jpeg", ".c", ".extension", ".verylongextension12345",
	strings.Repeat("x", 10), strings.Repeat("y", 29), strings.Repeat("Y", 40),
	strings.Repeat("z", 61), strings.Repeat("w", 100), strings.Repeat("é", 70),
}

// nmGoldenName returns a random name of up to max pieces.
func nmGoldenName(r *nmRand, max int) string {
	var sb strings.Builder
	for range r.intn(max + 1) {
		sb.WriteString(nmGoldenPieces[r.intn(len(nmGoldenPieces))])
	}
	return sb.String()
}

// nmGoldenVariant derives a name from stem that is likely to clash with
// it after mapping: a changed case, an appended counter-like number, extra
// trailing dots or spaces, a different character after the truncation
// point, another extension.
func nmGoldenVariant(r *nmRand, stem string) string {
	switch r.intn(9) {
	case 0:
		return strings.ToUpper(stem)
	case 1:
		return strings.ToLower(stem)
	case 2:
		return stem + fmt.Sprint(r.intn(30))
	case 3:
		return stem + []string{".", " ", "..", ". ", " ."}[r.intn(5)]
	case 4:
		return stem + nmGoldenPieces[r.intn(len(nmGoldenPieces))]
	case 5:
		return nmGoldenPieces[r.intn(len(nmGoldenPieces))] + stem
	case 6:
		return stem + "." + nmGoldenName(r, 2)
	case 7:
		b := []byte(stem)
		if len(b) > 0 {
			b[r.intn(len(b))] = "aZ_. \xff"[r.intn(6)]
		}
		return string(b)
	default:
		return stem
	}
}

// nmGoldenCorpus returns a large deterministic set of directories: small
// ones with random names, ones built around a few stems so that many names
// clash, a few large ones, and the storm sets of TestNameStorms.
func nmGoldenCorpus() [][]NameEntry {
	r := nmRand(20240601)
	var dirs [][]NameEntry
	for d := range 2500 {
		n := 1 + r.intn(60)
		if d%100 == 0 {
			n = 200 + r.intn(800)
		}
		var stems []string
		for range 1 + r.intn(6) {
			stems = append(stems, nmGoldenName(&r, 5))
		}
		es := make([]NameEntry, 0, n)
		for range n {
			var name string
			if d%3 == 0 {
				name = nmGoldenName(&r, 8)
			} else {
				name = nmGoldenVariant(&r, stems[r.intn(len(stems))])
			}
			if name == "." || name == ".." {
				continue
			}
			es = append(es, NameEntry{Name: name, Dir: r.intn(4) == 0})
		}
		dirs = append(dirs, es)
	}
	for _, set := range nmStormSets() {
		dirs = append(dirs, set.entries)
	}
	return dirs
}

// nmGoldenDigests are SHA-256 digests of ISONames and JolietNames over
// nmGoldenCorpus, per option set, recorded with the original
// (pre-optimisation) implementation. They pin the mapping byte for byte:
// any change of output for any of these inputs changes a digest.
var nmGoldenDigests = map[string]string{
	"iso/N-level2":             "a74c03f6e66694829a17b510830bdb1ccddc8cb17bac00f60471b185325df6ec",
	"iso/d":                    "34f21257faf7b73a5d94f392912b65ee744da109758fb1a7959b32545f41419e",
	"iso/d-N":                  "4e252b822e601198bd55b4f0fda24e4f3f2cc6827cec69ccc523c7a34d43ef0f",
	"iso/flags":                "cd379f5fa1f6903855e413c673f34df9c00c63427a9ddb0492a2f7d9996b7518",
	"iso/level0":               "a77ea16b1c2df0f4aecb3a97609780f2e63992455f47d38cd4ae6cb184cd0725",
	"iso/level1":               "a77ea16b1c2df0f4aecb3a97609780f2e63992455f47d38cd4ae6cb184cd0725",
	"iso/level1-l":             "059efac652ec112a34d172882ffa12eebadfcdf16a66d00855e9df0d2bb351a3",
	"iso/level2":               "059efac652ec112a34d172882ffa12eebadfcdf16a66d00855e9df0d2bb351a3",
	"iso/level3":               "059efac652ec112a34d172882ffa12eebadfcdf16a66d00855e9df0d2bb351a3",
	"iso/lowercase":            "ce0945799d494d6d47223cd4693c261c201d0942172dcd8753464b01a64516d0",
	"iso/relaxed":              "60f38096e94f28e65e4fa6a4459abd19fbc89130e706bcb3ded8597a556d4b2d",
	"iso/relaxed-lower-l3":     "37a19301761e6e914a82e4d73e2fbe89dbb7410bd4ae047f08bb896d28d65c1a",
	"joliet/default":           "5f5db99d3b9ae83fa1c06a3fba080e909c640ce675d9c3f725bb48b3781cd786",
	"joliet/long":              "dc0ff07d4be47ca0746947687f0a6b5fbf96504b8cd2098f2649ad32b33f4621",
	"joliet/long-omit-version": "9deed041cdfe260c042b86008b9d43024c0466639c1708a284876938ab1104e4",
	"joliet/omit-version":      "4300d617aaf3c8a90e0c4f8b81bea9cb90e1335c06586fc90ad280cb3ade7e9e",
}

func TestNamesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden corpus is large")
	}
	corpus := nmGoldenCorpus()
	got := make(map[string]string)
	var lenBuf [binary.MaxVarintLen64]byte
	hashISO := func(name string, opt func(int) ISONameOptions) {
		h := sha256.New()
		for d, es := range corpus {
			ids := ISONames(es, opt(d))
			for _, id := range ids {
				h.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(id)))])
				h.Write([]byte(id))
			}
		}
		got["iso/"+name] = hex.EncodeToString(h.Sum(nil))
	}
	for _, o := range nmISOOptionSets {
		hashISO(o.name, func(int) ISONameOptions { return o.opt })
	}
	// Every combination of flags, as FuzzISONames derives them, each on
	// a share of the corpus.
	hashISO("flags", func(d int) ISONameOptions {
		flags := uint8(d * 37)
		return ISONameOptions{
			Level:              int(flags&3) % 4,
			LongNames:          flags&4 != 0,
			AllowLowercase:     flags&8 != 0,
			RelaxedFilenames:   flags&16 != 0,
			OmitVersion:        flags&32 != 0,
			OmitTrailingPeriod: flags&64 != 0,
		}
	})
	for _, o := range nmJolietOptionSets {
		h := sha256.New()
		for _, es := range corpus {
			for _, u := range JolietNames(es, o.opt) {
				h.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(u)))])
				for _, c := range u {
					h.Write([]byte{byte(c >> 8), byte(c)})
				}
			}
		}
		got["joliet/"+o.name] = hex.EncodeToString(h.Sum(nil))
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if want := nmGoldenDigests[k]; got[k] != want {
			t.Errorf("%s: digest %s, want %s", k, got[k], want)
			t.Logf("\t%q: %q,", k, got[k])
		}
	}
}

// TestNamesConcurrent maps directories from several goroutines at once:
// the working buffers come from a pool and must never be shared between
// calls in flight (run with -race).
func TestNamesConcurrent(t *testing.T) {
	corpus := nmGoldenCorpus()[:300]
	iso := make([][]string, len(corpus))
	jol := make([][]string, len(corpus))
	for d, es := range corpus {
		iso[d] = ISONames(es, ISONameOptions{Level: 2, RelaxedFilenames: true})
		jol[d] = nmJolietStrings(JolietNames(es, JolietOptions{}))
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for k := range corpus {
				d := (k*7 + g*13) % len(corpus)
				if got := ISONames(corpus[d], ISONameOptions{Level: 2, RelaxedFilenames: true}); !slices.Equal(got, iso[d]) {
					errs <- fmt.Errorf("ISONames of directory %d differs when run concurrently", d)
					return
				}
				if got := nmJolietStrings(JolietNames(corpus[d], JolietOptions{})); !slices.Equal(got, jol[d]) {
					errs <- fmt.Errorf("JolietNames of directory %d differs when run concurrently", d)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestJolietNamesIndependent checks that the identifiers JolietNames
// returns, which share one backing array, do not overlap.
func TestJolietNamesIndependent(t *testing.T) {
	es := nmFiles("a.txt", "b.txt", "c")
	got := JolietNames(es, JolietOptions{})
	want := nmJolietStrings(got)
	got[0] = append(got[0], 'x', 'y', 'z')
	got[1][0] = 'B'
	if s := nmStr(got[2]); s != want[2] {
		t.Errorf("third identifier changed to %q", s)
	}
	if s := nmStr(got[1]); s != "B.txt;1" {
		t.Errorf("second identifier %q", s)
	}
	// Fresh calls are not affected by what callers do with earlier results.
	if again := nmJolietStrings(JolietNames(es, JolietOptions{})); !slices.Equal(again, want) {
		t.Errorf("got %q, want %q", again, want)
	}
}

// nmBenchEntries returns a realistic n-entry directory: mostly distinct
// long names, with runs that collide after truncation.
func nmBenchEntries(n int) []NameEntry {
	es := make([]NameEntry, n)
	for i := range es {
		switch i % 4 {
		case 0:
			es[i] = NameEntry{Name: fmt.Sprintf("IMG_%06d.jpeg", i)}
		case 1:
			es[i] = NameEntry{Name: fmt.Sprintf("photograph from holiday %06d.JPG", i)}
		case 2:
			es[i] = NameEntry{Name: fmt.Sprintf("Document-%d.tar.gz", i)}
		default:
			es[i] = NameEntry{Name: fmt.Sprintf("dir%d", i), Dir: true}
		}
	}
	return es
}

func BenchmarkISONames(b *testing.B) {
	for _, n := range []int{10, 50, 1000, 10000, 100000} {
		es := nmBenchEntries(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ISONames(es, ISONameOptions{})
			}
		})
	}
	for _, n := range []int{10000, 100000} {
		var storm []NameEntry
		for i := range n {
			storm = append(storm, NameEntry{Name: fmt.Sprintf("%s%07d", strings.Repeat("z", 40), i)})
		}
		b.Run(fmt.Sprintf("storm-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ISONames(storm, ISONameOptions{})
			}
		})
	}
}

func BenchmarkJolietNames(b *testing.B) {
	for _, n := range []int{10, 50, 10000} {
		es := nmBenchEntries(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				JolietNames(es, JolietOptions{})
			}
		})
	}
}

// nmTypicalEntries returns n entries like those of a typical mastering
// job: distinct names of 10 to 200 bytes, mostly ASCII, some UTF-8,
// about one in eight a directory.
func nmTypicalEntries(n int) []NameEntry {
	r := nmRand(uint64(n))
	words := []string{"report", "Photo", "2024-06-01", "final", "draft", "übersicht", "日本語", "naïve", "backup", "v2", "copy", "Résumé", "notes", "IMG"}
	exts := []string{".txt", ".jpg", ".pdf", ".go", ".tar.gz", ".html", ""}
	es := make([]NameEntry, n)
	for i := range es {
		var sb strings.Builder
		for sb.Len() < 10+r.intn(190) {
			if sb.Len() > 0 {
				sb.WriteString([]string{" ", "_", "-"}[r.intn(3)])
			}
			sb.WriteString(words[r.intn(len(words))])
		}
		fmt.Fprintf(&sb, "%d", i)
		dir := r.intn(8) == 0
		if !dir {
			sb.WriteString(exts[r.intn(len(exts))])
		}
		es[i] = NameEntry{Name: sb.String(), Dir: dir}
	}
	return es
}

// BenchmarkNamesTypical maps directories of typical names for both trees
// with the options a Rock Ridge + Joliet image at level 2 would use.
func BenchmarkNamesTypical(b *testing.B) {
	for _, n := range []int{10, 50} {
		es := nmTypicalEntries(n)
		b.Run(fmt.Sprintf("iso-level2-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ISONames(es, ISONameOptions{Level: 2})
			}
		})
		b.Run(fmt.Sprintf("joliet-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				JolietNames(es, JolietOptions{OmitVersion: true})
			}
		})
	}
}

func BenchmarkCompareISOSort(b *testing.B) {
	ids := ISONames(nmBenchEntries(10000), ISONameOptions{})
	for b.Loop() {
		s := slices.Clone(ids)
		slices.SortFunc(s, CompareISO)
	}
}
