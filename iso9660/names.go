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
	"slices"
	"strconv"
	"strings"
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

// nmParts is an identifier split into name part and extension (without
// the separating '.'); an empty ext means "no extension".
type nmParts struct {
	name, ext []rune
}

// nmRules describes one tree's naming rules for the shared collision
// resolver.
type nmRules struct {
	// fixPart adjusts a name part or extension after truncation (may be nil).
	fixPart func([]rune)
	// fixWhole adjusts a complete truncated base identifier (may be nil).
	fixWhole func(*nmParts)
	// trimPrefix adjusts the kept part of a name before a counter is
	// appended (may be nil).
	trimPrefix func([]rune) []rune
	// fold maps a character to its case-insensitive comparison form.
	fold func(rune) rune
	// trimKey lists characters that readers drop from the end of an
	// identifier and that therefore do not count for uniqueness.
	trimKey string
}

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
	long := opt.Level >= 2 || opt.LongNames
	fileLim := nmLimits{maxName: nmL1Name, maxExt: nmL1Ext, maxTotal: nmL1Name + nmL1Ext}
	dirLim := nmLimits{maxName: nmL1Dir, maxTotal: nmL1Dir}
	if long {
		fileLim = nmLimits{maxName: nmL2File, maxExt: nmL2File, maxTotal: nmL2File}
		dirLim = nmLimits{maxName: nmL2Dir, maxTotal: nmL2Dir}
	}
	rules := &nmRules{fold: nmASCIIUpper}
	if opt.RelaxedFilenames {
		// §9.3 pads identifiers with spaces when ordering them, so
		// "A " and "A" would be indistinguishable; a trailing space
		// becomes '_' instead.
		rules.fixPart = func(rs []rune) {
			for i := len(rs) - 1; i >= 0 && rs[i] == ' '; i-- {
				rs[i] = nmISOFallback
			}
		}
	}
	base := make([]nmParts, len(entries))
	lims := make([]nmLimits, len(entries))
	for i, e := range entries {
		rs := nmDecode(e.Name)
		var p nmParts
		if e.Dir {
			p.name = rs
			lims[i] = dirLim
		} else {
			p = nmSplitExt(rs)
			lims[i] = fileLim
		}
		for _, part := range [][]rune{p.name, p.ext} {
			for j, r := range part {
				part[j] = nmISOChar(r, opt)
			}
		}
		if len(p.name) == 0 {
			p.name = []rune{nmISOFallback}
		}
		base[i] = p
	}
	final := nmAssign(entries, base, lims, rules)
	out := make([]string, len(entries))
	var buf []byte
	for i, p := range final {
		// Every character is ASCII here (nmISOChar).
		buf = buf[:0]
		for _, r := range p.name {
			buf = append(buf, byte(r))
		}
		if !entries[i].Dir {
			// §7.5.1: SEPARATOR 1 is always recorded for files
			// unless -d style omission was requested.
			if len(p.ext) > 0 || !opt.OmitTrailingPeriod {
				buf = append(buf, nmSeparator1)
			}
			for _, r := range p.ext {
				buf = append(buf, byte(r))
			}
			if !opt.OmitVersion {
				buf = append(buf, nmSeparator2, '1')
			}
		}
		out[i] = string(buf)
	}
	return out
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

// nmASCIIUpper folds ASCII letters to upper case.
func nmASCIIUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
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
func JolietNames(entries []NameEntry, opt JolietOptions) [][]uint16 {
	limit := nmJoliet
	if opt.Long {
		limit = nmJolietLong
	}
	fileTotal := limit
	if !opt.OmitVersion {
		fileTotal -= nmVersionLen
	}
	fileLim := nmLimits{maxName: fileTotal, maxExt: fileTotal, maxTotal: fileTotal, dotCost: 1}
	dirLim := nmLimits{maxName: limit, maxExt: limit, maxTotal: limit, dotCost: 1}
	rules := &nmRules{
		fold:    unicode.ToUpper,
		trimKey: ". ",
		fixWhole: func(p *nmParts) {
			for _, part := range [][]rune{p.name, p.ext} {
				for _, r := range part {
					if r != '.' && r != ' ' {
						return
					}
				}
			}
			for _, part := range [][]rune{p.name, p.ext} {
				for j := range part {
					part[j] = nmISOFallback
				}
			}
		},
		trimPrefix: func(rs []rune) []rune {
			// "foo." clashing with "foo" becomes "foo1", not "foo.1".
			t := rs
			for len(t) > 0 && (t[len(t)-1] == '.' || t[len(t)-1] == ' ') {
				t = t[:len(t)-1]
			}
			if len(t) == 0 {
				return rs
			}
			return t
		},
	}
	base := make([]nmParts, len(entries))
	lims := make([]nmLimits, len(entries))
	for i, e := range entries {
		rs := nmDecode(e.Name)
		for j, r := range rs {
			if r > nmUCS2MaxRune || r < 0x20 || strings.ContainsRune(nmJolietForbid, r) {
				rs[j] = nmISOFallback
			}
		}
		if len(rs) == 0 {
			rs = []rune{nmISOFallback}
		}
		// Joliet relaxes ECMA-119 §7.6: directory identifiers may have
		// an extension, so directories are split like files (this only
		// affects which part truncation keeps).
		base[i] = nmSplitExt(rs)
		if e.Dir {
			lims[i] = dirLim
		} else {
			lims[i] = fileLim
		}
	}
	final := nmAssign(entries, base, lims, rules)
	out := make([][]uint16, len(entries))
	for i, p := range final {
		n := len(p.name)
		if len(p.ext) > 0 {
			n += 1 + len(p.ext)
		}
		if !entries[i].Dir && !opt.OmitVersion {
			n += nmVersionLen
		}
		u := make([]uint16, 0, n)
		for _, r := range p.name {
			u = append(u, uint16(r))
		}
		if len(p.ext) > 0 {
			u = append(u, nmSeparator1)
			for _, r := range p.ext {
				u = append(u, uint16(r))
			}
		}
		if !entries[i].Dir && !opt.OmitVersion {
			u = append(u, nmSeparator2, '1')
		}
		out[i] = u
	}
	return out
}

// nmDecode returns the characters of s; each byte that is not part of a
// valid UTF-8 encoding becomes '_'. The result is a fresh slice.
func nmDecode(s string) []rune {
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			r = nmISOFallback
			size = 1
		}
		rs = append(rs, r)
		i += size
	}
	return rs
}

// nmSplitExt splits a file name at its last '.' (ECMA-119 §7.5.1 allows a
// single SEPARATOR 1). A '.' at the start (dot files) or at the end does not
// separate an extension, so name is never empty when rs is not.
func nmSplitExt(rs []rune) nmParts {
	for i := len(rs) - 1; i > 0; i-- {
		if rs[i] == '.' {
			if i == len(rs)-1 {
				break
			}
			return nmParts{name: rs[:i:i], ext: rs[i+1:]}
		}
	}
	return nmParts{name: rs}
}

// nmFitBase truncates p to the limits, keeping the extension where possible
// (it may take all but min(len(name), nmKeepName) characters of the total),
// and applies the rules' fixups. The result does not alias p.
func nmFitBase(p nmParts, lim nmLimits, rules *nmRules) nmParts {
	ext := p.ext
	if len(ext) > lim.maxExt {
		ext = ext[:lim.maxExt]
	}
	if len(ext) > 0 {
		maxExt := lim.maxTotal - lim.dotCost - min(len(p.name), nmKeepName)
		if maxExt <= 0 {
			ext = nil
		} else if len(ext) > maxExt {
			ext = ext[:maxExt]
		}
	}
	room := nmRoom(len(ext), lim)
	name := p.name
	if len(name) > room {
		name = name[:room]
	}
	out := nmParts{name: slices.Clone(name), ext: slices.Clone(ext)}
	if rules.fixPart != nil {
		rules.fixPart(out.name)
		rules.fixPart(out.ext)
	}
	if rules.fixWhole != nil {
		rules.fixWhole(&out)
	}
	return out
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

// nmFitCounter returns the kept name prefix and the extension for a
// counter of w digits appended to the name part of the fitted base b. When
// the counter does not fit next to the extension, the extension is
// shortened (or dropped). ok is false when w digits cannot fit at all.
func nmFitCounter(b nmParts, lim nmLimits, w int, rules *nmRules) (prefix, ext []rune, ok bool) {
	ext = b.ext
	if nmRoom(len(ext), lim) < w {
		maxExt := lim.maxTotal - lim.dotCost - w
		if maxExt <= 0 {
			ext = nil
		} else {
			ext = slices.Clone(ext[:min(len(ext), maxExt)])
			if rules.fixPart != nil {
				rules.fixPart(ext)
			}
		}
	}
	room := nmRoom(len(ext), lim)
	if room < w {
		return nil, nil, false
	}
	prefix = b.name[:min(len(b.name), room-w)]
	if rules.trimPrefix != nil {
		prefix = rules.trimPrefix(prefix)
	}
	return prefix, ext, true
}

// nmAppendKey appends the uniqueness key of an identifier to buf: name
// and extension folded, joined by '.', with the rules' ignorable trailing
// characters removed. It never includes the version (ECMA-119 §7.5.1
// SEPARATOR 2 and version), which is the same for every file. digits, if
// not empty, is appended to the name part (a counter candidate).
func nmAppendKey(buf []byte, name []rune, digits []byte, ext []rune, rules *nmRules) []byte {
	buf = nmAppendFold(buf, name, rules)
	buf = append(buf, digits...)
	if len(ext) > 0 {
		buf = append(buf, nmSeparator1)
		buf = nmAppendFold(buf, ext, rules)
	}
	// trimKey holds ASCII characters only, so trimming bytes is safe.
	for len(buf) > 0 && strings.IndexByte(rules.trimKey, buf[len(buf)-1]) >= 0 {
		buf = buf[:len(buf)-1]
	}
	return buf
}

// nmAppendFold appends the folded characters of rs to buf as UTF-8.
func nmAppendFold(buf []byte, rs []rune, rules *nmRules) []byte {
	for _, r := range rs {
		buf = utf8.AppendRune(buf, rules.fold(r))
	}
	return buf
}

// nmAssign makes the fitted identifiers of base unique under rules and
// returns them. Who keeps an un-suffixed identifier depends only on the
// source names, so the result is independent of input order.
//
// Complexity: sorting is O(n log n) string comparisons. Every counter
// candidate tried either succeeds or hits an identifier already in use;
// counters are kept per family (counter width, kept prefix, extension) and
// never retried, so each identifier in use is hit at most once per family
// it belongs to (at most one per possible counter width). Together with at
// most nmMaxWidth family look-ups per entry this keeps the rest linear in n
// times the identifier length.
func nmAssign(entries []NameEntry, base []nmParts, lims []nmLimits, rules *nmRules) []nmParts {
	n := len(entries)
	order := make([]int, n)
	for i := range order {
		order[i] = i
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

	final := make([]nmParts, n)
	taken := make(map[string]struct{}, n)
	var pending []int
	var buf []byte
	for _, i := range order {
		final[i] = nmFitBase(base[i], lims[i], rules)
		buf = nmAppendKey(buf[:0], final[i].name, nil, final[i].ext, rules)
		if _, dup := taken[string(buf)]; dup {
			pending = append(pending, i)
			continue
		}
		taken[string(buf)] = struct{}{}
	}

	// next maps a family key to the next counter to try in it.
	next := make(map[string]*int)
	var fam, digits []byte
	for _, i := range pending {
		b := final[i]
		assigned := false
		for w := 1; !assigned; w++ {
			prefix, ext, ok := nmFitCounter(b, lims[i], w, rules)
			if !ok || w > nmMaxWidth {
				// Unreachable in practice: even level 1 directory
				// identifiers leave room for 10^8 counters.
				panic("iso9660: no room left for a unique identifier")
			}
			fam = append(fam[:0], byte(w))
			fam = nmAppendFold(fam, prefix, rules)
			fam = append(fam, 0)
			fam = nmAppendFold(fam, ext, rules)
			cp := next[string(fam)]
			if cp == nil {
				lo := nmPow10(w - 1)
				if w == 1 {
					lo = 1
				}
				cp = &lo
				next[string(fam)] = cp
			}
			for hi := nmPow10(w); *cp < hi; *cp++ {
				digits = strconv.AppendInt(digits[:0], int64(*cp), 10)
				buf = nmAppendKey(buf[:0], prefix, digits, ext, rules)
				if _, dup := taken[string(buf)]; dup {
					continue
				}
				taken[string(buf)] = struct{}{}
				name := make([]rune, 0, len(prefix)+len(digits))
				name = append(name, prefix...)
				for _, d := range digits {
					name = append(name, rune(d))
				}
				final[i] = nmParts{name: name, ext: slices.Clone(ext)}
				assigned = true
				*cp++
				break
			}
		}
	}
	return final
}

// nmPow10 returns 10^e for 0 <= e <= 18.
func nmPow10(e int) int {
	p := 1
	for ; e > 0; e-- {
		p *= 10
	}
	return p
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
