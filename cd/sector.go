package cd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Layout of a 2352-byte sector (ECMA-130 §14; Mode 2 Forms 1 and 2 per the
// CD-ROM XA specification, which ECMA-130 leaves to the application):
//
//	        0   12      16        24                  2064/2072  2076      2248    2352
//	Mode 0  sync header zeros ........................................................
//	Mode 1  sync header user data (2048) ........... EDC, 8 zeros  P-parity  Q-parity
//	Mode 2  sync header user data (2336) ....................................................
//	Form 1  sync header subheader user data (2048) .. EDC          P-parity  Q-parity
//	Form 2  sync header subheader user data (2324) ............................ EDC
const (
	syncSize       = 12
	headerSize     = 4
	subheaderSize  = 8 // two copies of the 4-byte subheader
	mode1EDCPos    = 2064
	form1EDCPos    = 2072
	form2EDCPos    = 2348
	mode1DataStart = syncSize + headerSize
	xaDataStart    = mode1DataStart + subheaderSize
)

// syncPattern is the sync field that starts every data sector (ECMA-130
// §14.1): one byte 00, ten bytes FF, one byte 00.
var syncPattern = [syncSize]byte{0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0}

// SyncPattern returns the 12-byte sync field of data sectors.
func SyncPattern() [12]byte { return syncPattern }

// Bits of the submode byte, the third byte of a CD-ROM XA subheader.
const (
	SubmodeEOR      = 0x01 // end of record
	SubmodeVideo    = 0x02
	SubmodeAudio    = 0x04
	SubmodeData     = 0x08
	SubmodeTrigger  = 0x10
	SubmodeForm2    = 0x20 // the sector is Form 2
	SubmodeRealTime = 0x40
	SubmodeEOF      = 0x80 // end of file
)

// AnyLBA tells CheckSector not to compare the header address.
const AnyLBA LBA = math.MinInt32

// ErrSectorMode is returned for a SectorMode that an operation does not
// handle.
var ErrSectorMode = errors.New("cd: unknown sector mode")

// SectorMode is the format of a 2352-byte sector.
type SectorMode int

// Sector modes. ECMA-130 §14 defines Modes 0, 1 and 2 by the mode byte of
// the header; Forms 1 and 2 of Mode 2 are defined by CD-ROM XA through the
// Form 2 bit of the subheader's submode byte.
const (
	ModeUnknown   SectorMode = iota // not recognised (CheckSector only)
	Audio                           // 588 stereo 16-bit samples, no structure
	Mode0                           // sync, header, 2336 zero bytes
	Mode1                           // 2048 user bytes with EDC and ECC
	Mode2Formless                   // 2336 user bytes, no EDC or ECC
	Mode2Form1                      // XA: subheader, 2048 user bytes, EDC, ECC
	Mode2Form2                      // XA: subheader, 2324 user bytes, optional EDC
)

var modeNames = [...]string{"unknown", "audio", "mode 0", "mode 1", "mode 2", "mode 2 form 1", "mode 2 form 2"}

func (m SectorMode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("SectorMode(%d)", int(m))
}

// userRange returns where a mode's user data lies in a raw sector.
func (m SectorMode) userRange() (start, end int, ok bool) {
	switch m {
	case Audio:
		return 0, RawSectorSize, true
	case Mode0:
		return mode1DataStart, mode1DataStart, true
	case Mode2Formless:
		return mode1DataStart, RawSectorSize, true
	case Mode1:
		return mode1DataStart, mode1EDCPos, true
	case Mode2Form1:
		return xaDataStart, form1EDCPos, true
	case Mode2Form2:
		return xaDataStart, form2EDCPos, true
	}
	return 0, 0, false
}

// UserSize returns the number of user data bytes in a sector of mode m
// (2048, 2324, 2336 or 2352; 0 for Mode 0, -1 for an unknown mode).
func (m SectorMode) UserSize() int {
	s, e, ok := m.userRange()
	if !ok {
		return -1
	}
	return e - s
}

// UserData returns the user data of the raw sector as a slice of raw: the
// 2048 bytes of Mode 1 and Mode 2 Form 1, 2324 of Form 2, 2336 of formless
// Mode 2 and the whole sector of Audio; none for Mode 0.
func UserData(raw []byte, mode SectorMode) ([]byte, error) {
	if len(raw) != RawSectorSize {
		return nil, fmt.Errorf("cd: raw sector of %d bytes, want %d", len(raw), RawSectorSize)
	}
	s, e, ok := mode.userRange()
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrSectorMode, mode)
	}
	return raw[s:e:e], nil
}

// ToBCD encodes 0..99 as two binary-coded decimal digits.
func ToBCD(v uint8) byte { return v/10<<4 | v%10 }

// FromBCD decodes two binary-coded decimal digits; ok is false when either
// nibble is above 9.
func FromBCD(b byte) (v uint8, ok bool) {
	hi, lo := b>>4, b&0xF
	return hi*10 + lo, hi < 10 && lo < 10
}

// BCD returns the address as three BCD bytes, as sector headers and the Q
// subchannel store it. Minutes above 99 do not fit and are taken modulo 100.
func (m MSF) BCD() [3]byte { return [3]byte{ToBCD(m.M % 100), ToBCD(m.S), ToBCD(m.F)} }

// MSFFromBCD decodes three BCD bytes (minute, second, frame).
func MSFFromBCD(b [3]byte) (MSF, error) {
	m, ok1 := FromBCD(b[0])
	s, ok2 := FromBCD(b[1])
	f, ok3 := FromBCD(b[2])
	msf := MSF{m, s, f}
	if !ok1 || !ok2 || !ok3 || !msf.Valid() {
		return msf, fmt.Errorf("cd: invalid BCD address % X", b[:])
	}
	return msf, nil
}

// leadInFrames is where MMC-6 (§6.1.2, Table 12) maps the lead-in's LBAs
// below -150 in absolute time: LBA -45150..-151 are 90:00:00..99:59:74.
const leadInFrames = 100 * FramesPerMinute

// headerMSF returns the address a sector at lba carries in its header.
func headerMSF(lba LBA) (MSF, error) {
	f := Frames(lba) + MSFOffset
	if f < 0 && f >= -10*FramesPerMinute {
		f += leadInFrames
	}
	if f < 0 || f >= leadInFrames {
		return MSF{}, fmt.Errorf("cd: LBA %d has no sector address", lba)
	}
	return MSFFromFrames(f)
}

// EncodeSector builds the raw sector of mode at lba from user data in dst:
// sync and header (ECMA-130 §14.1, §14.2), the subheader for the XA forms,
// the EDC and, for Mode 1 and Mode 2 Form 1, the P and Q parity (Annex A).
// The sector is not scrambled (see Scramble).
//
// user must hold exactly mode.UserSize() bytes (none for Mode 0; the whole
// 2352 bytes, copied as they are, for Audio). subheader is used for
// Mode2Form1 and Mode2Form2, written twice, with its Form 2 bit set to match
// mode; it is ignored otherwise. Form 2 sectors always get an EDC.
func EncodeSector(dst *[RawSectorSize]byte, lba LBA, mode SectorMode, user []byte, subheader [4]byte) error {
	want := mode.UserSize()
	if want < 0 {
		return fmt.Errorf("%w: %v", ErrSectorMode, mode)
	}
	if len(user) != want {
		return fmt.Errorf("cd: %v sector takes %d user bytes, got %d", mode, want, len(user))
	}
	if mode == Audio {
		copy(dst[:], user)
		return nil
	}
	msf, err := headerMSF(lba)
	if err != nil {
		return err
	}
	copy(dst[:], syncPattern[:])
	bcd := msf.BCD()
	copy(dst[syncSize:], bcd[:])
	dst[15] = 1
	switch mode {
	case Mode0:
		dst[15] = 0
		clear(dst[mode1DataStart:])
	case Mode1:
		copy(dst[mode1DataStart:], user)
		binary.LittleEndian.PutUint32(dst[mode1EDCPos:], EDC(dst[:mode1EDCPos]))
		clear(dst[mode1EDCPos+4 : pParity])
		computeECC(dst)
	case Mode2Formless:
		dst[15] = 2
		copy(dst[mode1DataStart:], user)
	case Mode2Form1, Mode2Form2:
		dst[15] = 2
		if mode == Mode2Form2 {
			subheader[2] |= SubmodeForm2
		} else {
			subheader[2] &^= SubmodeForm2
		}
		copy(dst[mode1DataStart:], subheader[:])
		copy(dst[mode1DataStart+4:], subheader[:])
		copy(dst[xaDataStart:], user)
		if mode == Mode2Form2 {
			binary.LittleEndian.PutUint32(dst[form2EDCPos:], EDC(dst[mode1DataStart:form2EDCPos]))
			break
		}
		binary.LittleEndian.PutUint32(dst[form1EDCPos:], EDC(dst[mode1DataStart:form1EDCPos]))
		clear(dst[syncSize : syncSize+headerSize]) // Form 1 ECC sees a zero header
		computeECC(dst)
		copy(dst[syncSize:], bcd[:])
		dst[15] = 2
	}
	return nil
}

// SectorCheck is what CheckSector found in a raw sector.
type SectorCheck struct {
	// Mode is the sector's mode: from the header's mode byte, and for
	// Mode 2 the form whose EDC (and ECC) the sector satisfies; Form 1 or 2
	// by the subheader when neither does but both subheader copies agree;
	// Mode2Formless otherwise. A sector whose sync field is mostly wrong is
	// taken as Audio, which has nothing to check.
	Mode SectorMode
	// Address is the header's sector address, after correction when the
	// sector is repairable.
	Address MSF
	// Subheader is the (first, or corrected) copy of an XA subheader.
	Subheader [4]byte

	SyncOK      bool // the sync field is intact
	HeaderOK    bool // valid BCD address and known mode byte, and the address is the one asked for
	SubheaderOK bool // XA: both copies agree (true for other modes)
	HasEDC      bool // the mode has an EDC (for Form 2: a non-zero one)
	HasECC      bool // the mode has P and Q parity
	EDCOK       bool // the EDC matches, or the mode has none
	ECCOK       bool // every P and Q codeword has zero syndromes, or the mode has none

	// Errors lists, in increasing order, the byte offsets in the sector
	// that RepairSector would change: bytes located by the ECC, sync bytes,
	// non-zero bytes of a Mode 0 sector. It is empty when the damage
	// cannot be located.
	Errors []int
	// Repairable reports whether the sector is intact or RepairSector can
	// make it so, with the EDC confirming every correction.
	Repairable bool
}

// OK reports whether the sector is intact: sync, header, subheader, EDC and
// ECC as the mode defines them.
func (c SectorCheck) OK() bool {
	return c.Mode != ModeUnknown && c.SyncOK && c.HeaderOK && c.SubheaderOK && c.EDCOK && c.ECCOK && len(c.Errors) == 0
}

// CheckSector verifies a raw (unscrambled) sector: the sync field, the
// header (against want unless want is AnyLBA), the subheader copies of
// Mode 2 XA sectors, the EDC and the P and Q parity (ECMA-130 §14,
// Annex A). It does not modify raw. When something is wrong it also runs
// the correction of RepairSector on a copy, to say where the damage is and
// whether it can be repaired.
func CheckSector(raw *[RawSectorSize]byte, want LBA) SectorCheck {
	c, _ := analyze(raw, want)
	return c
}

// RepairSector corrects raw in place where the code allows: the sync field
// is rewritten, and for Mode 1 and Mode 2 Form 1 the RSPC corrects one
// erroneous byte per P or Q codeword, alternating P and Q passes so that
// each can clear what the other could not. A result is kept only when all
// syndromes end at zero and the EDC matches; otherwise raw is left as it was
// and ok is false. corrected is the number of bytes changed. Audio sectors
// and intact sectors are left alone with ok true.
func RepairSector(raw *[RawSectorSize]byte) (corrected int, ok bool) {
	c, fixed := analyze(raw, AnyLBA)
	if !c.Repairable {
		return 0, false
	}
	if fixed != nil {
		*raw = *fixed
	}
	return len(c.Errors), true
}

// eccRounds bounds the alternating P/Q correction passes.
const eccRounds = 4

// analyze checks raw and, when it is damaged but repairable, returns the
// repaired copy.
func analyze(raw *[RawSectorSize]byte, want LBA) (SectorCheck, *[RawSectorSize]byte) {
	var c SectorCheck
	syncBad := 0
	for i, v := range raw[:syncSize] {
		if v != syncPattern[i] {
			syncBad++
		}
	}
	c.SyncOK = syncBad == 0
	c.SubheaderOK = true
	if syncBad > syncSize/3 {
		c.Mode, c.HeaderOK, c.EDCOK, c.ECCOK, c.Repairable = Audio, true, true, true, true
		return c, nil
	}
	var fixed *[RawSectorSize]byte
	// Try the modes in the order the mode byte suggests; the EDC (and ECC)
	// decide. A damaged mode byte of Mode 1 is corrected by the ECC; the
	// Mode 2 forms leave it unprotected, so they are tried with it set.
	switch raw[15] {
	case 0:
		if fixed = checkMode0(raw, &c); c.Repairable && len(c.Errors) == 0 {
			break
		}
		if fixed = tryMode1(raw, &c, false); c.Repairable {
			break
		}
		if fixed = checkMode0(raw, &c); c.Repairable {
			break
		}
		if fixed, ok := tryMode2(raw, &c, true); ok {
			return finishCheck(raw, want, c, fixed), fixed
		}
		fixed = checkMode0(raw, &c)
	case 1:
		if fixed = tryMode1(raw, &c, true); c.Repairable {
			break
		}
		c1 := c
		if f, ok := tryMode2(raw, &c, true); ok {
			fixed = f
			break
		}
		c, fixed = c1, nil
	case 2:
		if f, ok := tryMode2(raw, &c, false); ok {
			fixed = f
			break
		}
		c2 := c
		if fixed = tryMode1(raw, &c, false); c.Repairable {
			break
		}
		c = c2
		fixed, _ = tryMode2(raw, &c, false)
	default:
		if fixed = tryMode1(raw, &c, false); c.Repairable {
			break
		}
		if f, ok := tryMode2(raw, &c, true); ok {
			fixed = f
			break
		}
		c.Mode, c.HeaderOK, c.Repairable, c.Errors, fixed = ModeUnknown, false, false, nil, nil
	}
	return finishCheck(raw, want, c, fixed), fixed
}

// finishCheck fills in the header fields of c.
func finishCheck(raw *[RawSectorSize]byte, want LBA, c SectorCheck, fixed *[RawSectorSize]byte) SectorCheck {
	hdr := raw
	if fixed != nil {
		hdr = fixed
	}
	addr, err := MSFFromBCD([3]byte(hdr[syncSize:]))
	c.Address = addr
	c.HeaderOK = c.Mode != ModeUnknown && err == nil && raw[15] == hdr[15] && bytes.Equal(raw[syncSize:syncSize+3], hdr[syncSize:syncSize+3])
	if want != AnyLBA {
		if w, err := headerMSF(want); err != nil || w != addr {
			c.HeaderOK = false
		}
	}
	return c
}

// diffOffsets lists where a and b differ.
func diffOffsets(a, b *[RawSectorSize]byte) []int {
	var d []int
	for i := range a {
		if a[i] != b[i] {
			d = append(d, i)
		}
	}
	return d
}

func checkMode0(raw *[RawSectorSize]byte, c *SectorCheck) *[RawSectorSize]byte {
	*c = SectorCheck{Mode: Mode0, SyncOK: c.SyncOK, SubheaderOK: true, EDCOK: true, ECCOK: true}
	fixed := *raw
	copy(fixed[:], syncPattern[:])
	clear(fixed[mode1DataStart:])
	c.Errors = diffOffsets(raw, &fixed)
	// A Mode 0 sector has nothing to lose, but one with many non-zero bytes
	// is more likely something else: leave it alone.
	c.Repairable = len(c.Errors) <= mode0MaxRepair
	if len(c.Errors) == 0 || !c.Repairable {
		return nil
	}
	return &fixed
}

// mode0MaxRepair is the most bytes RepairSector zeroes in a Mode 0 sector.
const mode0MaxRepair = 32

// tryMode1 checks raw as a Mode 1 sector. fast allows the quick path that
// trusts the mode byte.
func tryMode1(raw *[RawSectorSize]byte, c *SectorCheck, fast bool) *[RawSectorSize]byte {
	*c = SectorCheck{Mode: Mode1, SyncOK: c.SyncOK, SubheaderOK: true, HasEDC: true, HasECC: true}
	c.EDCOK = binary.LittleEndian.Uint32(raw[mode1EDCPos:]) == EDC(raw[:mode1EDCPos])
	c.ECCOK = eccOK(raw, false)
	if fast && c.SyncOK && c.EDCOK && c.ECCOK {
		c.Repairable = true
		return nil
	}
	fixed := *raw
	copy(fixed[:], syncPattern[:])
	if !eccCorrect(&fixed, eccRounds) || fixed[15] != 1 ||
		binary.LittleEndian.Uint32(fixed[mode1EDCPos:]) != EDC(fixed[:mode1EDCPos]) {
		return nil
	}
	c.Repairable = true
	c.Errors = diffOffsets(raw, &fixed)
	if len(c.Errors) == 0 {
		return nil
	}
	return &fixed
}

// tryMode2 checks raw as a Mode 2 sector, trying the form its submode
// names first. ok reports whether a form's EDC (and ECC) validated the
// sector, possibly after repair; otherwise c describes a damaged XA sector
// or a formless one. fixMode allows a repair that sets the mode byte to 2.
func tryMode2(raw *[RawSectorSize]byte, c *SectorCheck, fixMode bool) (fixed *[RawSectorSize]byte, ok bool) {
	syncOK := c.SyncOK
	sub1, sub2 := [4]byte(raw[16:20]), [4]byte(raw[20:24])
	forms := [2]SectorMode{Mode2Form1, Mode2Form2}
	if sub1[2]&SubmodeForm2 != 0 && sub2[2]&SubmodeForm2 != 0 {
		forms[0], forms[1] = forms[1], forms[0]
	}
	for _, form := range forms {
		*c = SectorCheck{Mode: form, SyncOK: syncOK, Subheader: sub1, SubheaderOK: sub1 == sub2, HasEDC: true}
		fixed = nil
		if form == Mode2Form2 {
			stored := binary.LittleEndian.Uint32(raw[form2EDCPos:])
			c.HasEDC = stored != 0
			c.EDCOK = !c.HasEDC || stored == EDC(raw[mode1DataStart:form2EDCPos])
			c.ECCOK = true
			if !c.EDCOK || (!c.HasEDC && (!c.SubheaderOK || sub1[2]&SubmodeForm2 == 0)) {
				continue
			}
			if !syncOK || (fixMode && raw[15] != 2) {
				fixed = new([RawSectorSize]byte)
				*fixed = *raw
			}
		} else {
			c.HasECC = true
			c.EDCOK = binary.LittleEndian.Uint32(raw[form1EDCPos:]) == EDC(raw[mode1DataStart:form1EDCPos])
			c.ECCOK = eccOK(raw, true)
			if !c.EDCOK || !c.ECCOK {
				work := new([RawSectorSize]byte)
				*work = *raw
				clear(work[syncSize : syncSize+headerSize])
				if !eccCorrect(work, eccRounds) ||
					binary.LittleEndian.Uint32(work[form1EDCPos:]) != EDC(work[mode1DataStart:form1EDCPos]) {
					continue
				}
				copy(work[syncSize:syncSize+headerSize], raw[syncSize:])
				fixed = work
			} else if !syncOK || (fixMode && raw[15] != 2) {
				fixed = new([RawSectorSize]byte)
				*fixed = *raw
			}
		}
		if fixed != nil {
			copy(fixed[:], syncPattern[:])
			fixed[15] = 2
			c.Errors = diffOffsets(raw, fixed)
			c.Subheader = [4]byte(fixed[16:20])
		}
		c.Repairable = true
		return fixed, true
	}
	// Neither form checks out. Subheader copies that mostly agree make a
	// damaged XA sector; otherwise bytes 16..23 are user data of a formless
	// sector, which has nothing to check.
	*c = SectorCheck{Mode: Mode2Formless, SyncOK: syncOK, SubheaderOK: true, EDCOK: true, ECCOK: true}
	if fixMode {
		c.Mode = ModeUnknown
		return nil, false
	}
	same := 0
	for i := range sub1 {
		if sub1[i] == sub2[i] {
			same++
		}
	}
	if same >= 2 {
		c.Subheader, c.SubheaderOK, c.HasEDC, c.EDCOK = sub1, sub1 == sub2, true, false
		c.Mode = Mode2Form1
		if sub1[2]&SubmodeForm2 != 0 || sub2[2]&SubmodeForm2 != 0 {
			c.Mode = Mode2Form2
		} else {
			c.HasECC, c.ECCOK = true, false
		}
		return nil, false
	}
	c.Repairable = true
	if !syncOK {
		fixed := *raw
		copy(fixed[:], syncPattern[:])
		c.Errors = diffOffsets(raw, &fixed)
		return &fixed, false
	}
	return nil, false
}
