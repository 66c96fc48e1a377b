package emu

import (
	"fmt"
	"strings"

	"spindle/cd"
	"spindle/mmc"
)

// Kind is a type of medium.
type Kind int

// The media the emulator models.
const (
	CDROM Kind = iota + 1
	CDR
	CDRW
	DVDROM
	DVDR       // DVD-R, sequential recording
	DVDRW      // DVD-RW, sequential recording until formatted for restricted overwrite
	DVDPlusR   // DVD+R
	DVDPlusRW  // DVD+RW
	BDROM      // BD-ROM
	BDR        // BD-R, sequential recording mode
	BDRE       // BD-RE
	numKinds   = iota
	firstKind  = CDROM
	kindsCount = numKinds - 1
)

// kindInfo is what distinguishes one kind of medium from another.
type kindInfo struct {
	name    string
	profile mmc.Profile
	// capacity is the user capacity of a blank medium in blocks (of 2048
	// bytes; on CD, sectors): the figures real media report.
	capacity cd.Frames
	cd       bool // a CD: MSF addresses, sessions with lead-in and lead-out
	writable bool // recordable at all
	erasable bool // can be blanked or reformatted
	// overwrite: random-access writable once formatted (DVD+RW, BD-RE,
	// DVD-RW restricted overwrite); no tracks or sessions to append.
	overwrite bool
}

// Capacities of real media. A CD-R or CD-RW of 80 minutes has its last
// possible lead-out at 79:59:74 (ATIP), so 359,849 sectors of program area;
// single-layer DVD±R/RW and BD-R/RE report these block counts in READ
// FORMAT CAPACITIES or READ TRACK INFORMATION of a blank medium (DVD-R/RW
// 2,298,496, DVD+R/RW 2,295,104; BD 25 GB 12,219,392, BD-RE formatted with
// the default spare area 11,826,176).
const (
	cdCapacity80     cd.Frames = 359849
	dvdMinusCapacity cd.Frames = 2298496
	dvdPlusCapacity  cd.Frames = 2295104
	bdCapacity       cd.Frames = 12219392
	bdREFormatted    cd.Frames = 11826176
)

// kinds is indexed by Kind; an array rather than a map so that it is
// static data, not work at program start.
var kinds = [...]kindInfo{
	CDROM:     {"cd-rom", mmc.ProfileCDROM, 0, true, false, false, false},
	CDR:       {"cd-r", mmc.ProfileCDR, cdCapacity80, true, true, false, false},
	CDRW:      {"cd-rw", mmc.ProfileCDRW, cdCapacity80, true, true, true, false},
	DVDROM:    {"dvd-rom", mmc.ProfileDVDROM, 0, false, false, false, false},
	DVDR:      {"dvd-r", mmc.ProfileDVDR, dvdMinusCapacity, false, true, false, false},
	DVDRW:     {"dvd-rw", mmc.ProfileDVDRWSeq, dvdMinusCapacity, false, true, true, false},
	DVDPlusR:  {"dvd+r", mmc.ProfileDVDPlusR, dvdPlusCapacity, false, true, false, false},
	DVDPlusRW: {"dvd+rw", mmc.ProfileDVDPlusRW, dvdPlusCapacity, false, true, true, true},
	BDROM:     {"bd-rom", mmc.ProfileBDROM, 0, false, false, false, false},
	BDR:       {"bd-r", mmc.ProfileBDRSeq, bdCapacity, false, true, false, false},
	BDRE:      {"bd-re", mmc.ProfileBDRE, bdREFormatted, false, true, true, true},
}

func (k Kind) info() kindInfo {
	i, _ := kindOf(k)
	return i
}

// kindOf returns what kinds says about k, and whether k is a medium.
func kindOf(k Kind) (kindInfo, bool) {
	if k <= 0 || int(k) >= len(kinds) {
		return kindInfo{}, false
	}
	return kinds[k], true
}

// String is the medium's name as the CLI spells it: cd-r, dvd+rw, ...
func (k Kind) String() string {
	if i, ok := kindOf(k); ok {
		return i.name
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// IsCD reports whether the medium is a CD.
func (k Kind) IsCD() bool { return k.info().cd }

// Writable reports whether the medium can be recorded.
func (k Kind) Writable() bool { return k.info().writable }

// Profile is the MMC profile a drive reports as current for the medium.
func (k Kind) Profile() mmc.Profile { return k.info().profile }

// Kinds lists every medium kind in a stable order.
func Kinds() []Kind {
	out := make([]Kind, 0, kindsCount)
	for k := firstKind; k < numKinds; k++ {
		out = append(out, k)
	}
	return out
}

// ParseKind parses a medium name (cd-r, dvd+rw, bd-re, ...; case and the
// spellings "cdr", "dvdrw", "dvdplusrw" are accepted).
func ParseKind(s string) (Kind, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.ReplaceAll(n, "plus", "+")
	n = strings.ReplaceAll(n, "minus", "-")
	for k, i := range kinds {
		if k > 0 && n == i.name || n == strings.ReplaceAll(i.name, "-", "") {
			return Kind(k), nil
		}
	}
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.String())
	}
	return 0, fmt.Errorf("emu: unknown medium %q (want one of %s)", s, strings.Join(names, ", "))
}
