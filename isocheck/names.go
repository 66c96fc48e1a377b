package isocheck

import (
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unit is a character of an identifier: a byte of the primary hierarchy,
// a UCS-2 code unit of a Joliet one.
type unit interface{ byte | uint16 }

// units returns the identifier's characters as uint16: bytes as they are,
// UCS-2 big-endian pairs decoded (an odd last byte dropped).
func units(b []byte, ucs2 bool) []uint16 {
	if !ucs2 {
		u := make([]uint16, len(b))
		for i, x := range b {
			u[i] = uint16(x)
		}
		return u
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return u
}

// compareIdent orders two identifiers as ECMA-119 §9.3 orders the records
// of a directory: by file name (up to SEPARATOR 1, '.'), the shorter
// padded on the right with (20) fillers; then by extension, padded the
// same way; then by version number (after SEPARATOR 2, ';') in descending
// order when both have one. It returns 0 for identifiers those rules do
// not order.
func compareIdent[U unit](a, b []U) int { return compareSplit(a, b, false) }

// compareIdentLast is compareIdent with the extension taken after the
// last '.' rather than the first. ECMA-119 §7.5.1 allows a single
// SEPARATOR 1, so the two agree on conforming identifiers; names with
// several dots (Joliet's, relaxed primary ones) are split at the last dot
// by some writers (libarchive).
func compareIdentLast[U unit](a, b []U) int { return compareSplit(a, b, true) }

func compareSplit[U unit](a, b []U, last bool) int {
	an, ae, av := splitIdentAt(a, last)
	bn, be, bv := splitIdentAt(b, last)
	if c := comparePadded(an, bn); c != 0 {
		return c
	}
	if c := comparePadded(ae, be); c != 0 {
		return c
	}
	switch {
	case av < 0 || bv < 0:
		// No version (a directory, or a writer that omits it): the
		// order of versions does not apply.
	case av > bv:
		return -1
	case av < bv:
		return 1
	}
	return 0
}

// splitIdent splits an identifier into name, extension and version
// (ECMA-119 §7.5.1), -1 when there is none; a ';' not followed by digits
// is no separator.
func splitIdent[U unit](s []U) (name, ext []U, version int) { return splitIdentAt(s, false) }

// splitIdentAt is splitIdent, the extension taken after the last '.' if
// last is set.
func splitIdentAt[U unit](s []U, last bool) (name, ext []U, version int) {
	version = -1
	i := len(s) - 1
	for i >= 0 && s[i] != ';' {
		i--
	}
	if i >= 0 && i < len(s)-1 {
		v, digits := 0, true
		for _, c := range s[i+1:] {
			if c < '0' || c > '9' {
				digits = false
				break
			}
			if v < 1<<20 {
				v = v*10 + int(c-'0')
			}
		}
		if digits {
			s, version = s[:i], v
		}
	}
	j := -1
	for k, c := range s {
		if c == '.' {
			j = k
			if !last {
				break
			}
		}
	}
	if j >= 0 {
		return s[:j], s[j+1:], version
	}
	return s, nil, version
}

// compareUnits orders two identifiers by their code units, as bytes.Compare
// does: a shorter identifier that is a prefix of the other comes first.
func compareUnits(a, b []uint16) int { return slices.Compare(a, b) }

// comparePaddedUnits orders two whole identifiers, the shorter padded on
// the right with (20) fillers, as ECMA-119 §6.9.1 orders the directory
// identifiers of a path table.
func comparePaddedUnits(a, b []uint16) int { return comparePadded(a, b) }

func comparePadded[U unit](a, b []U) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		ca, cb := U(' '), U(' ')
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

// display renders an identifier for a problem's path: Joliet names
// decoded from UCS-2, bytes that are not printable UTF-8 escaped as Go
// does.
func display(b []byte, ucs2 bool) string {
	var s string
	if ucs2 {
		s = string(utf16.Decode(units(b, true)))
	} else {
		s = string(b)
	}
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// joinPath appends a name to a directory's path.
func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// dotName reports whether a reader would take identifier u for "." or
// "..": as it is, or without its version (";1") and a trailing '.'
// (ECMA-119 §7.5.1 SEPARATOR 1 of an empty extension).
func dotName(u []uint16) bool {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == ';' {
			u = u[:i]
			break
		}
	}
	is := func(u []uint16) bool {
		return len(u) == 1 && u[0] == '.' || len(u) == 2 && u[0] == '.' && u[1] == '.'
	}
	return is(u) || len(u) > 1 && u[len(u)-1] == '.' && is(u[:len(u)-1])
}
