package isocheck

import (
	"fmt"
	"strings"
)

// Sort orders.
//
// ECMA-119 §6.8.1.2 orders the records of a directory by §9.3: file name,
// then extension (each padded on the right with (20) fillers), then
// version, descending. §6.9.1 orders the records of a path table with the
// same parent by their whole directory identifiers, padded the same way.
// For the primary hierarchy of a conforming volume these are one order:
// identifiers are d-characters, with at most one SEPARATOR 1 (§7.5.1) and
// none in a directory identifier (§7.6.1).
//
// Joliet applies ECMA-119's structures to UCS-2 names that may hold any
// number of dots, spaces and dashes, and says nothing more of the order:
// "§9.3 applied to UCS-2" is read three ways by the writers in use, all
// of which readers accept (they search directories linearly):
//
//   - §9.3 with the extension after the first dot (Spindle's own writer,
//     iso9660.CompareJoliet);
//   - §9.3 with the extension after the last dot (libarchive);
//   - the whole identifier by UCS-2 code unit, a prefix first (libisofs,
//     that is xorriso, and genisoimage), in which "-dash" precedes
//     "..dots" and "a-b" precedes "a.b", where §9.3 wants the reverse.
//
// So a directory passes when its records are sorted by any one of the
// orders its hierarchy admits, the same one throughout: records that
// follow no single order (sorted by none, or by one order up to some
// record and by another after it) are still an error, reported where the
// last order admitted breaks. Path tables are checked the same way, with
// §6.9.1's padded order added. The primary hierarchy admits only the
// §9.3 readings (first or last dot, which differ only on identifiers with
// several dots, which §7.5.1 does not allow anyway).
type sortRule struct {
	name string
	cmp  func(a, b []uint16) int
}

var (
	rule93First = sortRule{"ECMA-119 §9.3", compareIdent[uint16]}
	rule93Last  = sortRule{"§9.3 splitting at the last dot", compareIdentLast[uint16]}
	ruleUnits   = sortRule{"code-unit order", compareUnits}
	rulePadded  = sortRule{"§6.9.1 (whole identifiers padded with spaces)", comparePaddedUnits}
)

// dirRules returns the orders the records of a directory may follow.
func dirRules(kind int) []sortRule {
	if kind == hierPrimary {
		return []sortRule{rule93First, rule93Last}
	}
	return []sortRule{rule93First, rule93Last, ruleUnits}
}

// pathTableRules returns the orders the entries of a path table with the
// same parent may follow: §6.9.1's, and those of the directory records,
// which most writers reuse (they coincide on conforming primary names).
func pathTableRules(kind int) []sortRule {
	return append(dirRules(kind), rulePadded)
}

// sortCheck follows a sequence of identifiers and the orders it keeps.
type sortCheck struct {
	rules  []sortRule
	broken []int64 // per rule, where it broke; -1 while kept
	left   int     // rules kept
}

func newSortCheck(rules []sortRule) *sortCheck {
	s := &sortCheck{rules: rules, broken: make([]int64, len(rules)), left: len(rules)}
	for i := range s.broken {
		s.broken[i] = -1
	}
	return s
}

// next checks identifier b (at byte off) after a. It returns "" when the
// sequence still follows one of the orders; otherwise why it does not,
// for a message that goes on "out of order: it follows "a" ...". Once
// every order is broken, only pairs that every order rejects are
// reported.
func (s *sortCheck) next(a, b []uint16, off int64) string {
	if s.left == 0 {
		for _, r := range s.rules {
			if r.cmp(a, b) <= 0 {
				return ""
			}
		}
		return s.why(off, false)
	}
	for i, r := range s.rules {
		if s.broken[i] < 0 && r.cmp(a, b) > 0 {
			s.broken[i] = off
			s.left--
		}
	}
	if s.left > 0 {
		return ""
	}
	return s.why(off, true)
}

func (s *sortCheck) why(off int64, first bool) string {
	var names []string
	earlier := map[int64][]string{}
	var at []int64
	for i, r := range s.rules {
		names = append(names, r.name)
		if b := s.broken[i]; first && b != off {
			if earlier[b] == nil {
				at = append(at, b)
			}
			earlier[b] = append(earlier[b], r.name)
		}
	}
	msg := "in none of the orders admitted (" + strings.Join(names, "; ") + ")"
	for _, b := range at {
		msg += fmt.Sprintf("; the records before it already broke %s at byte %d", strings.Join(earlier[b], " and "), b)
	}
	return msg
}
