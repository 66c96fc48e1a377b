package iso9660

// Identifier mapping for one directory's entries.
//
// This file turns source names (arbitrary UTF-8, possibly invalid) into the
// identifiers recorded in directory records of the primary (ECMA-119) tree
// and of the Joliet tree, and provides the §9.3 ordering of those
// identifiers. It is self-contained: it uses only the standard library and
// no other identifier of this package. All unexported identifiers carry the
// prefix "nm" so that they cannot clash with other files of the package.
//
// Behaviour was chosen after comparing genisoimage 1.1.11 and xorriso 1.5.4
// (see the comments on ISONames and JolietNames for where Spindle follows
// them and where it deliberately differs).

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// NameEntry is one directory entry to be named.
type NameEntry struct {
	// Name is the source name as UTF-8. It may contain invalid UTF-8;
	// every byte that is not part of a valid encoding counts as one
	// character and is mapped to '_'. The names "." and ".." are never
	// passed (the caller drops them).
	Name string
	// Dir reports whether the entry is a directory. Directories get
	// directory identifiers (ECMA-119 §7.6): no extension and no version.
	Dir bool
}

// ISONameOptions selects the identifier rules of the primary (ECMA-119)
// tree. The zero value gives strict interchange level 1 names.
type ISONameOptions struct {
	// Level is the interchange level: 1, 2 or 3; 0 (or any value below 1)
	// means 1 and any value above 3 is treated like 3. Level 1 (ECMA-119 §10.1) allows 8.3
	// file names and 8-character directory names; levels 2 and 3
	// (§10.2, §10.3) allow 30 characters of name plus extension (§7.5.1)
	// and 31-character directory identifiers (§7.6.3).
	Level int
	// LongNames applies the level 2 length limits even at level 1, like
	// mkisofs -l.
	LongNames bool
	// AllowLowercase keeps a–z instead of uppercasing them, like mkisofs
	// -allow-lowercase. Uniqueness is still decided case-insensitively.
	AllowLowercase bool
	// RelaxedFilenames allows every printable 7-bit ASCII character
	// (0x20–0x7E) except '/', like mkisofs -relaxed-filenames, with three
	// exceptions kept for unambiguous identifiers: ';' (§7.5.1 SEPARATOR
	// 2) always becomes '_', '.' becomes '_' except as the one SEPARATOR 1
	// before the extension, and a space at the end of the name part or
	// extension becomes '_' because §9.3 pads with spaces when ordering.
	RelaxedFilenames bool
	// OmitVersion leaves out the ";1" version suffix of file identifiers
	// (mkisofs -N).
	OmitVersion bool
	// OmitTrailingPeriod leaves out the '.' of file identifiers without
	// an extension (mkisofs -d).
	OmitTrailingPeriod bool
}

// JolietOptions selects the identifier rules of the Joliet tree.
type JolietOptions struct {
	// Long allows 103 UCS-2 characters per identifier instead of the 64
	// of the Joliet specification, like mkisofs -joliet-long.
	Long bool
	// OmitVersion leaves out the ";1" version suffix of file identifiers.
	// Note that genisoimage 1.1.11 and xorriso 1.5.4 both record Joliet
	// file identifiers without ";1" by default.
	OmitVersion bool
}

// Length limits, in characters.
const (
	nmL1Name       = 8   // ECMA-119 §10.1: file name at most 8 d-characters
	nmL1Ext        = 3   // ECMA-119 §10.1: file name extension at most 3
	nmL1Dir        = 8   // ECMA-119 §10.1: directory identifier at most 8
	nmL2File       = 30  // ECMA-119 §7.5.1: name + extension at most 30
	nmL2Dir        = 31  // ECMA-119 §7.6.3: directory identifier at most 31
	nmJoliet       = 64  // Joliet: 128 bytes = 64 UCS-2 characters
	nmJolietLong   = 103 // mkisofs -joliet-long
	nmVersionLen   = 2   // ";1"
	nmKeepName     = 8   // name characters protected from a long extension
	nmMaxWidth     = 18  // counter digits; 10^18 still fits an int64
	nmISOFallback  = '_' // replacement character for both trees
	nmUCS2MaxRune  = 0xFFFF
	nmFillerSpace  = 0x20 // §9.3 filler
	nmSeparator1   = '.'  // §7.5.1 SEPARATOR 1
	nmSeparator2   = ';'  // §7.5.1 SEPARATOR 2
	nmJolietForbid = "*/:;?\\"
)

// nmLimits is the length budget of one identifier.
type nmLimits struct {
	maxName  int // characters of the name part
	maxExt   int // characters of the extension
	maxTotal int // name + extension (+ dotCost when there is an extension)
	dotCost  int // 1 when the '.' counts against maxTotal (Joliet)
}

// nmRules describes one tree's naming rules for the shared code below.
type nmRules struct {
	file, dir nmLimits
	// fixSpaces turns trailing spaces of a fitted name part or extension
	// into '_' (primary tree with RelaxedFilenames: §9.3 pads with
	// spaces when ordering, so "A " and "A" would be indistinguishable).
	fixSpaces bool
	// joliet applies what Joliet readers do with trailing '.' and ' ':
	// they do not count for uniqueness, an identifier consisting only of
	// them becomes '_'s, and they are dropped from a name part before a
	// counter is appended ("foo." clashing with "foo" becomes "foo1",
	// not "foo.1").
	joliet bool
	// fileDot records SEPARATOR 1 in file identifiers without an
	// extension (ECMA-119 §7.5.1; off with OmitTrailingPeriod and in
	// Joliet).
	fileDot bool
	// version appends SEPARATOR 2 and version ";1" to file identifiers.
	version bool
}

// How the mapping works, and why it allocates so little
//
// Every source character becomes exactly one character of the target set:
// an ASCII byte in the primary tree (nmISOChar) and a UCS-2 code unit in
// Joliet. ISONames and JolietNames therefore convert each name once,
// straight from its UTF-8 bytes, into one buffer of such units shared by
// all entries of the directory (nmState.units); from then on the name part
// and the extension of an entry are just offsets and lengths in that
// buffer, truncation only shortens the lengths, and the fix-ups edit the
// units in place. Uniqueness keys live back to back in one byte buffer
// with a small open-addressing hash set on top (nmSet) instead of a
// map[string] with a string per key. The identifiers are written back to
// back into one buffer, copied into a single string (ISO) or []uint16
// (Joliet) that all results share. The working buffers are kept in a
// sync.Pool, so a call typically makes two allocations: the result slice
// and its shared backing store.
//
// Most names map 1:1 without a clash. Only when two fitted identifiers
// clash are the clashing entries sorted into processing order and given
// counters (nmState.resolve); everything else is a single linear pass.

// nmItem is the working state of one entry.
type nmItem struct {
	name, nameLen int // name part: units[name : name+nameLen]
	ext, extLen   int // extension, without '.': units[ext : ext+extLen]; extLen 0 means none
	key           int // index of the key of the fitted identifier in taken
	counter       int // decimal counter appended to the name part; 0 means none
	end           int // end of the finished identifier in out
}

// nmState holds the working buffers of one call; U is byte for the primary
// tree and uint16 for Joliet. States are recycled through nmISOPool and
// nmJolietPool and never hold on to the caller's data.
type nmState[U byte | uint16] struct {
	rules  nmRules
	units  []U      // mapped characters of all entries, back to back
	items  []nmItem // one per entry, in input order
	taken  nmSet    // keys of the identifiers in use; val: nmKeyUnique etc.
	shared bool     // some fitted identifiers clash
	order  []int    // clashing entries in processing order
	fams   nmSet    // counter families; val: next counter to try
	digits []byte   // scratch for a counter
	out    []U      // finished identifiers, back to back
}

// Values of nmKey.val in nmState.taken.
const (
	nmKeyUnique  = 0 // the key of one entry (or of a counter identifier)
	nmKeyShared  = 1 // the fitted identifier of several entries, none kept yet
	nmKeyClaimed = 2 // ditto, and the first of them has kept it
)

// nmPoolMaxEntries bounds the directories whose working buffers go back to
// the pool: one huge directory should not leave megabytes of buffers
// behind, and its per-call allocations are negligible per entry anyway.
const nmPoolMaxEntries = 4096

var (
	nmISOPool    = sync.Pool{New: func() any { return new(nmState[byte]) }}
	nmJolietPool = sync.Pool{New: func() any { return new(nmState[uint16]) }}
)

// nmISOTables[f][c] is nmISOChar(c) for an ASCII byte c, where bit 0 of f
// is AllowLowercase and bit 1 RelaxedFilenames.
var nmISOTables = func() (t [4][utf8.RuneSelf]byte) {
	for f := range t {
		opt := ISONameOptions{AllowLowercase: f&1 != 0, RelaxedFilenames: f&2 != 0}
		for c := range t[f] {
			t[f][c] = byte(nmISOChar(rune(c), opt))
		}
	}
	return t
}()

// nmJolietTable maps an ASCII byte to its Joliet character: the control
// characters U+0000–U+001F and '*', '/', ':', ';', '?', '\' become '_'
// (Joliet specification, "Allowed Character Set").
var nmJolietTable = func() (t [utf8.RuneSelf]uint16) {
	for c := range t {
		t[c] = uint16(c)
		if c < 0x20 || strings.IndexByte(nmJolietForbid, byte(c)) >= 0 {
			t[c] = nmISOFallback
		}
	}
	return t
}()

// ISONames returns, for each entry (same order), a unique identifier for
// the primary tree: files get "NAME.EXT;1" (the ';1' omitted with
// OmitVersion, the '.' omitted with OmitTrailingPeriod when there is no
// extension), directories "NAME".
//
// Mapping (ECMA-119 §7.4.1, §7.5.1, §7.6.1): a–z become A–Z unless
// AllowLowercase; every character that is not a d-character (A–Z, 0–9, '_')
// or, with the options, a lowercase letter or relaxed ASCII character
// becomes '_' — one '_' per character, so a multi-byte UTF-8 character or an
// invalid byte gives one '_'. For files only the last '.' separates the
// extension, and only when it is neither the first nor the last character
// (so ".bashrc" is a name "_BASHRC" and "x." is a name "X_"); every other '.'
// becomes '_'. Directories have no extension (§7.6.1), so their dots become
// '_'. An empty name becomes "_".
//
// Length (§10.1, §10.2, §7.5.1, §7.6.3): at level 1 the name is cut to 8
// and the extension to 3 characters and directory identifiers to 8. At
// levels 2 and 3 (or with LongNames) name plus extension is cut to 30 and
// directory identifiers to 31; a long extension is kept as far as it leaves
// the name at least 8 characters (or all of them if it is shorter).
//
// Uniqueness: two identifiers clash when they are equal ignoring ASCII case,
// the version and a trailing '.' (so a file "FOO.;1" clashes with a
// directory "FOO": a reader that hides the '.' and version would show both
// as "FOO"). Entries are processed in ascending byte order of their source
// names (files before directories of the same name); the first of a clashing
// group keeps its name, each later one gets the smallest free decimal
// counter 1, 2, … appended to its name part, cutting the end of the name
// part when the counter would not fit ("LONGNAME" -> "LONGNAM1" …
// "LONGNA10" …). The counter widens as needed, so the mapping terminates and
// stays unique for any practical directory size; the result depends only on
// the multiset of entries, not on their order. It runs in O(n log n) for n
// entries.
//
// Compared with the reference tools: genisoimage and xorriso agree on the
// character mapping except that genisoimage writes one '_' per UTF-8 byte
// (xorriso, like Spindle, one per character) and genisoimage turns
// ".tar.gz" into ".TGZ" (Spindle, like xorriso, gives "X_TAR.GZ").
// genisoimage uses a 3-digit counter ("A_B000") and xorriso a growing one
// for every member of a clash ("A_B0", "A_B1"); both give directories an
// extension ("DIR_WITH.DOT"), which ECMA-119 §7.6.1 does not allow and
// Spindle does not do. Both allow ';' with -relaxed-filenames; Spindle
// replaces it because it is SEPARATOR 2 (§7.5.1). Both decide clashes
// byte-wise; Spindle also treats names differing only in case as clashing
// (matters only with AllowLowercase), because Linux (map=normal) and
// Windows compare case-insensitively.
func ISONames(entries []NameEntry, opt ISONameOptions) []string {
	out := make([]string, len(entries))
	if len(entries) == 0 {
		return out
	}
	rules := nmRules{
		file:      nmLimits{maxName: nmL1Name, maxExt: nmL1Ext, maxTotal: nmL1Name + nmL1Ext},
		dir:       nmLimits{maxName: nmL1Dir, maxTotal: nmL1Dir},
		fixSpaces: opt.RelaxedFilenames,
		fileDot:   !opt.OmitTrailingPeriod,
		version:   !opt.OmitVersion,
	}
	if opt.Level >= 2 || opt.LongNames {
		rules.file = nmLimits{maxName: nmL2File, maxExt: nmL2File, maxTotal: nmL2File}
		rules.dir = nmLimits{maxName: nmL2Dir, maxTotal: nmL2Dir}
	}
	var flags int
	if opt.AllowLowercase {
		flags |= 1
	}
	if opt.RelaxedFilenames {
		flags |= 2
	}
	table := &nmISOTables[flags]

	s := nmISOPool.Get().(*nmState[byte])
	s.reset(entries, rules)
	for i, e := range entries {
		start := len(s.units)
		var lastDot int
		s.units, lastDot = nmMapISO(s.units, e.Name, table)
		if e.Dir {
			// Directory identifiers have no extension (§7.6.1).
			lastDot = -1
		}
		s.add(i, start, lastDot, e.Dir)
	}
	s.resolve(entries)
	s.write(entries)

	// Every character is ASCII here (nmISOChar); all identifiers share
	// one string.
	all := string(s.out)
	start := 0
	for i := range s.items {
		end := s.items[i].end
		out[i] = all[start:end]
		start = end
	}
	if len(entries) <= nmPoolMaxEntries {
		nmISOPool.Put(s)
	}
	return out
}

// nmMapISO appends the primary-tree characters of name to units, one per
// character (nmISOChar through table), and returns the index of the last
// '.' among them, or -1. A non-ASCII character, and every byte that is not
// part of a valid UTF-8 encoding, is one character: '_'.
func nmMapISO(units []byte, name string, table *[utf8.RuneSelf]byte) ([]byte, int) {
	// A name has at most as many characters as bytes.
	start := len(units)
	units = slices.Grow(units, len(name))
	u := units[start : start+len(name)]
	n, lastDot := 0, -1
	for j := 0; j < len(name); n++ {
		c := name[j]
		if c < utf8.RuneSelf {
			if c == nmSeparator1 {
				lastDot = n
			}
			u[n] = table[c]
			j++
			continue
		}
		_, size := utf8.DecodeRuneInString(name[j:])
		u[n] = nmISOFallback
		j += size
	}
	return units[:start+n], lastDot
}

// nmISOChar maps one source character to the primary-tree character set.
func nmISOChar(r rune, opt ISONameOptions) rune {
	if r >= 'a' && r <= 'z' {
		if opt.AllowLowercase {
			return r
		}
		return r - 'a' + 'A'
	}
	// ECMA-119 §7.4.1: d-characters are A–Z, 0–9 and '_'.
	if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
		return r
	}
	if opt.RelaxedFilenames && r >= 0x20 && r <= 0x7E &&
		r != '/' && r != nmSeparator1 && r != nmSeparator2 {
		return r
	}
	return nmISOFallback
}

// JolietNames returns, for each entry (same order), a unique Joliet
// identifier as UCS-2 code units (big-endian encoding is left to the
// caller). Files get ";1" appended unless OmitVersion; directories never.
//
// Mapping (Joliet specification, "Allowed Character Set"): characters
// outside the Basic Multilingual Plane and invalid UTF-8 bytes become '_'
// (U+005F) — Joliet is UCS-2, so no surrogate pairs are produced — and so do
// the forbidden U+0000–U+001F, '*', '/', ':', ';', '?' and '\'. A name that
// consists only of '.' and ' ' characters (such as "..."), which readers
// would shorten to "." or nothing, has those characters replaced by '_'.
//
// Length: at most 64 characters (103 with Long) for the whole recorded
// identifier, ";1" included. The Joliet specification limits identifiers
// to 128 bytes; reading that as a limit on the recorded File Identifier
// field, which holds the version too, is the conservative choice (valid
// under either reading). With OmitVersion all 64 characters are available
// to the name, as with genisoimage, whose names reach 64 without ";1".
// When a name is too long
// the end of the name part is cut and the extension (after the last '.'
// that is neither first nor last) is kept, as far as it leaves the name at
// least 8 characters.
//
// Uniqueness is decided as Windows does: case-insensitively (Unicode simple
// upper-case mapping, approximating the Windows upcase table) and ignoring
// trailing '.' and ' ', which Win32 strips and Linux isofs strips ('.'); so
// exact UCS-2 uniqueness holds a fortiori. Clashes are resolved like
// ISONames: processing in source byte order, the first keeps its name, the
// others get a decimal counter inserted before the extension, cutting the
// name part so that the counter fits the limit.
//
// Compared with the reference tools: genisoimage 1.1.11 refuses to build an
// image when two Joliet names clash after truncation ("have the same Joliet
// name"), and it truncates without keeping the extension; xorriso 1.5.4
// keeps the extension and adds counters to every clashing name, but exceeds
// the 64 limit by one when there is an extension (it does not count the
// '.'). Neither adds ";1" by default (xorriso's default compliance includes
// "only_iso_version").
//
// The returned slices share one backing array, each capped at its own
// length, so appending to one never changes another.
func JolietNames(entries []NameEntry, opt JolietOptions) [][]uint16 {
	out := make([][]uint16, len(entries))
	if len(entries) == 0 {
		return out
	}
	limit := nmJoliet
	if opt.Long {
		limit = nmJolietLong
	}
	fileTotal := limit
	if !opt.OmitVersion {
		fileTotal -= nmVersionLen
	}
	rules := nmRules{
		file:    nmLimits{maxName: fileTotal, maxExt: fileTotal, maxTotal: fileTotal, dotCost: 1},
		dir:     nmLimits{maxName: limit, maxExt: limit, maxTotal: limit, dotCost: 1},
		joliet:  true,
		version: !opt.OmitVersion,
	}

	s := nmJolietPool.Get().(*nmState[uint16])
	s.reset(entries, rules)
	for i, e := range entries {
		start := len(s.units)
		var lastDot int
		s.units, lastDot = nmMapJoliet(s.units, e.Name)
		// Joliet relaxes ECMA-119 §7.6: directory identifiers may have
		// an extension, so directories are split like files (this only
		// affects which part truncation keeps).
		s.add(i, start, lastDot, e.Dir)
	}
	s.resolve(entries)
	s.write(entries)

	// All identifiers share one backing array; each is capped at its
	// own length so that appending to one cannot overwrite the next.
	all := make([]uint16, len(s.out))
	copy(all, s.out)
	start := 0
	for i := range s.items {
		end := s.items[i].end
		out[i] = all[start:end:end]
		start = end
	}
	if len(entries) <= nmPoolMaxEntries {
		nmJolietPool.Put(s)
	}
	return out
}

// nmMapJoliet appends the Joliet characters of name to units, one UCS-2
// code unit per character, and returns the index of the last '.' among
// them, or -1. Joliet is UCS-2: a character outside the BMP (no surrogate
// pairs), like a byte that is not part of a valid UTF-8 encoding, is '_';
// so are the forbidden ASCII characters (nmJolietTable).
func nmMapJoliet(units []uint16, name string) ([]uint16, int) {
	// A name has at most as many characters as bytes.
	start := len(units)
	units = slices.Grow(units, len(name))
	u := units[start : start+len(name)]
	n, lastDot := 0, -1
	for j := 0; j < len(name); n++ {
		c := name[j]
		if c < utf8.RuneSelf {
			if c == nmSeparator1 {
				lastDot = n
			}
			u[n] = nmJolietTable[c]
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(name[j:])
		if r > nmUCS2MaxRune || (r == utf8.RuneError && size == 1) {
			r = nmISOFallback
		}
		u[n] = uint16(r)
		j += size
	}
	return units[:start+n], lastDot
}

// reset prepares s for mapping entries under rules.
func (s *nmState[U]) reset(entries []NameEntry, rules nmRules) {
	size := 0
	for _, e := range entries {
		size += len(e.Name)
	}
	n := len(entries)
	s.rules = rules
	// A name never has more characters than bytes, except that an
	// empty name becomes "_".
	s.units = slices.Grow(s.units[:0], size+n)
	s.items = nmZeroed(s.items, n)
	s.taken.reset(n, size+n)
	s.shared = false
}

// add completes entry i, whose mapped characters are units[start:]: it
// splits off the extension at lastDot, the index of the last '.' (or -1),
// fits the identifier to the limits and records its key in taken.
func (s *nmState[U]) add(i, start, lastDot int, dir bool) {
	n := len(s.units) - start
	if n == 0 {
		// An empty name becomes "_".
		s.units = append(s.units, nmISOFallback)
		n = 1
	}
	it := &s.items[i]
	*it = nmItem{name: start, nameLen: n}
	// ECMA-119 §7.5.1 allows a single SEPARATOR 1: the last '.'
	// separates the extension. A '.' at the start (dot files) or at the
	// end does not, so the name part is never empty.
	if lastDot > 0 && lastDot < n-1 {
		it.nameLen = lastDot
		it.ext = start + lastDot + 1
		it.extLen = n - lastDot - 1
	}
	s.fit(it, s.limits(dir))
	k := len(s.taken.data)
	s.taken.data = s.appendKey(s.taken.data, k, s.nameOf(it), nil, s.extOf(it))
	key, added := s.taken.add(k)
	it.key = key
	if !added {
		s.taken.keys[key].val = nmKeyShared
		s.shared = true
	}
}

func (s *nmState[U]) limits(dir bool) nmLimits {
	if dir {
		return s.rules.dir
	}
	return s.rules.file
}

func (s *nmState[U]) nameOf(it *nmItem) []U { return s.units[it.name : it.name+it.nameLen] }
func (s *nmState[U]) extOf(it *nmItem) []U  { return s.units[it.ext : it.ext+it.extLen] }

// fit truncates the identifier of it to lim, keeping the extension where
// possible (it may take all but min(len(name), nmKeepName) characters of
// the total), and applies the rules' fix-ups to what is left.
func (s *nmState[U]) fit(it *nmItem, lim nmLimits) {
	ext := min(it.extLen, lim.maxExt)
	if ext > 0 {
		maxExt := lim.maxTotal - lim.dotCost - min(it.nameLen, nmKeepName)
		if maxExt <= 0 {
			ext = 0
		} else {
			ext = min(ext, maxExt)
		}
	}
	it.extLen = ext
	it.nameLen = min(it.nameLen, nmRoom(ext, lim))
	if s.rules.fixSpaces {
		nmFixSpaces(s.nameOf(it))
		nmFixSpaces(s.extOf(it))
	}
	if s.rules.joliet {
		// A name of only '.' and ' ' (such as "..."), which readers
		// would shorten to "." or nothing, becomes '_'s.
		name, ext := s.nameOf(it), s.extOf(it)
		if nmOnlyDots(name) && nmOnlyDots(ext) {
			nmFill(name, nmISOFallback)
			nmFill(ext, nmISOFallback)
		}
	}
}

// nmRoom is the number of name-part characters that fit next to an
// extension of extLen characters.
func nmRoom(extLen int, lim nmLimits) int {
	room := lim.maxTotal
	if extLen > 0 {
		room -= lim.dotCost + extLen
	}
	return min(room, lim.maxName)
}

// nmFixSpaces turns the trailing spaces of part into '_'.
func nmFixSpaces[U byte | uint16](part []U) {
	for i := len(part) - 1; i >= 0 && part[i] == ' '; i-- {
		part[i] = nmISOFallback
	}
}

// nmOnlyDots reports whether part consists of '.' and ' ' only.
func nmOnlyDots[U byte | uint16](part []U) bool {
	for _, c := range part {
		if c != '.' && c != ' ' {
			return false
		}
	}
	return true
}

func nmFill[U byte | uint16](part []U, c U) {
	for i := range part {
		part[i] = c
	}
}

// appendKey appends the uniqueness key of an identifier to buf, whose
// first start bytes are not part of it: name and extension folded
// (nmAppendFold), joined by '.', without the trailing '.' and ' ' that
// Joliet readers ignore. It never includes the version (ECMA-119 §7.5.1
// SEPARATOR 2 and version), which is the same for every file. digits, if
// not empty, is appended to the name part (a counter candidate).
func (s *nmState[U]) appendKey(buf []byte, start int, name []U, digits []byte, ext []U) []byte {
	buf = nmAppendFold(buf, name)
	buf = append(buf, digits...)
	if len(ext) > 0 {
		buf = append(buf, nmSeparator1)
		buf = nmAppendFold(buf, ext)
	}
	if s.rules.joliet {
		for len(buf) > start && (buf[len(buf)-1] == '.' || buf[len(buf)-1] == ' ') {
			buf = buf[:len(buf)-1]
		}
	}
	return buf
}

// nmAppendFold appends the characters of us to buf as UTF-8 in their
// case-insensitive comparison form: ASCII letters upper-cased (the only
// letters of primary-tree identifiers, which are all ASCII) and other
// characters by their Unicode simple upper-case mapping (Joliet,
// approximating the Windows upcase table).
func nmAppendFold[U byte | uint16](buf []byte, us []U) []byte {
	n := len(buf)
	buf = slices.Grow(buf, utf8.UTFMax*len(us))
	b := buf[:cap(buf)]
	for _, u := range us {
		r := rune(u)
		if r < utf8.RuneSelf {
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b[n] = byte(r)
			n++
			continue
		}
		n += utf8.EncodeRune(b[n:], unicode.ToUpper(r))
	}
	return buf[:n]
}

// resolve makes the fitted identifiers unique. Entries are processed in
// ascending byte order of their source names (files before directories of
// the same name): the first of each group of clashing entries keeps its
// identifier, each later one gets the smallest free counter (addCounter).
// Who keeps an un-suffixed identifier depends only on the source names, so
// the result is independent of input order.
//
// Only the entries of such groups need to be ordered: the others keep
// their identifiers whatever the order, and taken already holds the keys
// of all fitted identifiers, as the counters must avoid them all. A counter
// identifier is never one of those keys, so handing out counters while
// walking the groups gives the same result as handing them out after.
//
// Complexity: sorting is O(k log k) string comparisons for k clashing
// entries. Every counter candidate tried either succeeds or hits an
// identifier already in use; counters are kept per family (counter width,
// kept prefix, extension) and never retried, so each identifier in use is
// hit at most once per family it belongs to (at most one per possible
// counter width). Together with at most nmMaxWidth family look-ups per
// entry this keeps the rest linear in n times the identifier length.
func (s *nmState[U]) resolve(entries []NameEntry) {
	if !s.shared {
		return
	}
	order := slices.Grow(s.order[:0], len(s.items))
	for i := range s.items {
		if s.taken.keys[s.items[i].key].val != nmKeyUnique {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := strings.Compare(entries[a].Name, entries[b].Name); c != 0 {
			return c
		}
		if entries[a].Dir != entries[b].Dir {
			if entries[b].Dir {
				return -1
			}
			return 1
		}
		return a - b
	})
	s.fams.reset(len(order), 0)
	for _, i := range order {
		if k := &s.taken.keys[s.items[i].key]; k.val == nmKeyShared {
			k.val = nmKeyClaimed
			continue
		}
		s.addCounter(&s.items[i], s.limits(entries[i].Dir))
	}
	s.order = order
}

// addCounter gives it the smallest free counter of the narrowest width
// that fits: appended to the name part, cutting the end of the name part
// when the counter would not fit ("LONGNAME" -> "LONGNAM1" … "LONGNA10" …)
// and, when even that is not enough, shortening (or dropping) the
// extension.
func (s *nmState[U]) addCounter(it *nmItem, lim nmLimits) {
	name := s.nameOf(it)
	for w := 1; ; w++ {
		ext := s.extOf(it)
		if nmRoom(len(ext), lim) < w {
			maxExt := lim.maxTotal - lim.dotCost - w
			if maxExt <= 0 {
				ext = nil
			} else {
				ext = ext[:min(len(ext), maxExt)]
				if s.rules.fixSpaces {
					// In place: this only turns the spaces ending
					// ext[:maxExt] into '_', which the shorter
					// ext[:maxExt'] of a wider counter would get
					// anyway, so later widths see the same result.
					nmFixSpaces(ext)
				}
			}
		}
		room := nmRoom(len(ext), lim)
		if room < w || w > nmMaxWidth {
			// Unreachable in practice: even level 1 directory
			// identifiers leave room for 10^8 counters.
			panic("iso9660: no room left for a unique identifier")
		}
		prefix := name[:min(len(name), room-w)]
		if s.rules.joliet {
			// "foo." clashing with "foo" becomes "foo1", not "foo.1".
			t := len(prefix)
			for t > 0 && (prefix[t-1] == '.' || prefix[t-1] == ' ') {
				t--
			}
			if t > 0 {
				prefix = prefix[:t]
			}
		}

		// The family key: width, folded prefix, folded extension.
		f := len(s.fams.data)
		s.fams.data = append(s.fams.data, byte(w))
		s.fams.data = nmAppendFold(s.fams.data, prefix)
		s.fams.data = append(s.fams.data, 0)
		s.fams.data = nmAppendFold(s.fams.data, ext)
		fam, added := s.fams.add(f)
		next := &s.fams.keys[fam].val
		if added {
			*next = nmPow10(w - 1)
			if w == 1 {
				*next = 1
			}
		}
		for hi := nmPow10(w); *next < hi; *next++ {
			s.digits = strconv.AppendInt(s.digits[:0], int64(*next), 10)
			k := len(s.taken.data)
			s.taken.data = s.appendKey(s.taken.data, k, prefix, s.digits, ext)
			if _, added := s.taken.add(k); !added {
				continue
			}
			it.nameLen = len(prefix)
			it.extLen = len(ext)
			it.counter = *next
			*next++
			return
		}
	}
}

// nmPow10 returns 10^e for 0 <= e <= 18.
func nmPow10(e int) int {
	p := 1
	for ; e > 0; e-- {
		p *= 10
	}
	return p
}

// write records the finished identifiers back to back in out: name part,
// counter, SEPARATOR 1 and extension, SEPARATOR 2 and version (ECMA-119
// §7.5.1; directories: the name part, and in Joliet the extension).
func (s *nmState[U]) write(entries []NameEntry) {
	// Enough unless counters make identifiers longer than their names.
	out := slices.Grow(s.out[:0], len(s.units)+4*len(s.items))
	for i := range s.items {
		it := &s.items[i]
		out = append(out, s.nameOf(it)...)
		if it.counter > 0 {
			s.digits = strconv.AppendInt(s.digits[:0], int64(it.counter), 10)
			for _, d := range s.digits {
				out = append(out, U(d))
			}
		}
		file := !entries[i].Dir
		if it.extLen > 0 || (file && s.rules.fileDot) {
			out = append(out, nmSeparator1)
			out = append(out, s.extOf(it)...)
		}
		if file && s.rules.version {
			out = append(out, nmSeparator2, '1')
		}
		it.end = len(out)
	}
	s.out = out
}

// nmSet is a set of byte strings with an int value each: open addressing
// on top of one buffer that holds all keys back to back. Unlike a
// map[string] it needs no string per key, and once its buffers have grown
// it allocates nothing.
type nmSet struct {
	data  []byte  // the keys; a candidate key is built at the end
	keys  []nmKey // in order of addition
	slots []int32 // 1 + index in keys, 0 if free; a power of two, at most half full
}

type nmKey struct {
	hash     uint64
	off, end int // data[off:end]
	val      int
}

var nmSeed = maphash.MakeSeed()

// reset empties the set and makes room for n keys of dataSize bytes.
func (s *nmSet) reset(n, dataSize int) {
	s.data = slices.Grow(s.data[:0], dataSize)
	s.keys = slices.Grow(s.keys[:0], n)
	size := 16
	for size < 2*n {
		size *= 2
	}
	s.slots = nmZeroed(s.slots, size)
}

// add adds the key data[start:], the candidate built at the end of data,
// with value 0 unless the set already has it (then the candidate is
// removed from data again). It returns the index of the key in keys and
// whether it was added.
func (s *nmSet) add(start int) (int, bool) {
	if 2*(len(s.keys)+1) > len(s.slots) {
		s.grow()
	}
	key := s.data[start:]
	h := maphash.Bytes(nmSeed, key)
	mask := uint64(len(s.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		j := int(s.slots[p]) - 1
		if j < 0 {
			s.keys = append(s.keys, nmKey{hash: h, off: start, end: len(s.data)})
			s.slots[p] = int32(len(s.keys))
			return len(s.keys) - 1, true
		}
		if k := &s.keys[j]; k.hash == h && bytes.Equal(s.data[k.off:k.end], key) {
			s.data = s.data[:start]
			return j, false
		}
	}
}

// grow doubles the number of slots.
func (s *nmSet) grow() {
	s.slots = nmZeroed(s.slots, 2*len(s.slots))
	mask := uint64(len(s.slots) - 1)
	for j, k := range s.keys {
		p := k.hash & mask
		for s.slots[p] != 0 {
			p = (p + 1) & mask
		}
		s.slots[p] = int32(j + 1)
	}
}

// nmZeroed returns n zero values, reusing buf when it is large enough.
func nmZeroed[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// CompareISO orders primary-tree identifiers as ECMA-119 §9.3 requires for
// the records of a directory: by file name, the shorter padded on the right
// with (20) fillers, compared byte by byte; then by extension, padded the
// same way; then by version number in descending order. The name ends at the
// first '.' (SEPARATOR 1); the version is the decimal number after the last
// ';' (SEPARATOR 2), absent counting as 0. Directory identifiers (no '.')
// compare as names with an empty extension. Identifiers equal under these
// rules but different as strings are ordered byte-wise, so the result is a
// total order usable with slices.SortFunc on the strings ISONames returns.
func CompareISO(a, b string) int {
	return nmCompareUnits([]byte(a), []byte(b))
}

// CompareJoliet orders Joliet identifiers (UCS-2 code units) by the same
// ECMA-119 §9.3 rule as CompareISO, applied to code units: name up to the
// first U+002E, padded with U+0020; extension padded with U+0020; version
// after the last U+003B descending; then code unit by code unit. (For
// Joliet directory identifiers containing '.', which §7.6 does not foresee,
// this treats the part after the first '.' as an extension; the order
// stays total and deterministic.)
func CompareJoliet(a, b []uint16) int {
	return nmCompareUnits(a, b)
}

// nmCompareUnits implements CompareISO and CompareJoliet.
func nmCompareUnits[U byte | uint16](a, b []U) int {
	an, ae, av := nmSplitVersion(a)
	bn, be, bv := nmSplitVersion(b)
	if c := nmComparePadded(an, bn); c != 0 {
		return c
	}
	if c := nmComparePadded(ae, be); c != 0 {
		return c
	}
	if av != bv {
		if av > bv {
			return -1
		}
		return 1
	}
	return slices.Compare(a, b)
}

// nmSplitVersion splits an identifier into name, extension and version
// (ECMA-119 §7.5.1). A ';' not followed by one or more digits is not a
// version separator.
func nmSplitVersion[U byte | uint16](s []U) (name, ext []U, version int) {
	i := len(s) - 1
	for i >= 0 && s[i] != nmSeparator2 {
		i--
	}
	if i >= 0 && i < len(s)-1 {
		v := 0
		digits := true
		for _, c := range s[i+1:] {
			if c < '0' || c > '9' {
				digits = false
				break
			}
			if v < 1<<30 {
				v = v*10 + int(c-'0')
			}
		}
		if digits {
			s, version = s[:i], v
		}
	}
	if i := slices.Index(s, nmSeparator1); i >= 0 {
		return s[:i], s[i+1:], version
	}
	return s, nil, version
}

// nmComparePadded compares a and b unit by unit as unsigned numbers, the
// shorter one padded with (20) fillers (ECMA-119 §9.3).
func nmComparePadded[U byte | uint16](a, b []U) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		ca, cb := U(nmFillerSpace), U(nmFillerSpace)
		if i < len(a) {
			ca = a[i]
		}
		if i < len(b) {
			cb = b[i]
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return 0
}
