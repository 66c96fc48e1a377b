package mmc

import (
	"strings"
	"unicode/utf8"

	"spindle/disc"
)

// CD-TEXT pack types (the pack type indicator, byte 0 of a pack, as READ
// TOC format 5 returns the packs of the lead-in; MMC-6 §6.25 and the
// CD-TEXT specification of the Red Book, IEC 61866).
const (
	PackTitle      = 0x80
	PackPerformer  = 0x81
	PackSongwriter = 0x82
	PackComposer   = 0x83
	PackArranger   = 0x84
	PackMessage    = 0x85
	PackDiscID     = 0x86
	PackGenre      = 0x87
	PackTOC        = 0x88
	PackTOC2       = 0x89
	PackClosed     = 0x8D
	PackUPCISRC    = 0x8E
	PackSizeInfo   = 0x8F
)

// Character codes of a CD-TEXT block (byte 0 of the size information).
const (
	CharISO8859_1 = 0x00
	CharASCII     = 0x01 // ISO 646
	CharMSJIS     = 0x80 // Japanese, double byte
	CharKorean    = 0x81
	CharMandarin  = 0x82
)

const (
	cdTextPackSize = 18
	cdTextPayload  = 12
	maxCDTextPacks = 8 * 256 // eight blocks of at most 256 packs
)

// CDTextPack is one 18-byte pack.
type CDTextPack struct {
	Type       uint8
	Track      uint8 // track of the first character (bits 6–0 of byte 1)
	Extension  bool  // bit 7 of byte 1
	Seq        uint8
	DoubleByte bool  // DBCC: the text is in a double-byte code
	Block      uint8 // 0..7
	CharPos    uint8 // characters of the first string that are in earlier packs (0..15)
	Data       [cdTextPayload]byte
	CRC        uint16
	// CRCOK reports whether CRC matches the first 16 bytes. Drives may
	// return the field as zero; the packs are decoded regardless.
	CRCOK bool
}

// CDTextBlock is the decoded text of one block (one language).
type CDTextBlock struct {
	Number                uint8
	CharCode              uint8 // CharISO8859_1, CharASCII, CharMSJIS, ...
	Language              uint8 // language code of the size information
	FirstTrack, LastTrack uint8
	DoubleByte            bool
	// Disc holds the album's text (track 0) and Tracks the text of each
	// track by number. Strings in ISO 8859-1 and ASCII are converted to
	// UTF-8; double-byte text is kept as the bytes read.
	Disc   disc.Text
	Tracks map[int]disc.Text
}

// CDText is the response of READ TOC format 5.
type CDText struct {
	Packs  []CDTextPack
	Blocks []CDTextBlock // in block number order
}

// cdTextCRC is the CRC of a pack: CRC-16 with generator x^16 + x^12 + x^5 +
// 1 over bytes 0..15, preset zero, stored inverted and most significant
// byte first (the same code as the Q sub-channel's, ECMA-130 §22.3.5).
func cdTextCRC(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return ^crc
}

// ParseCDText parses the response of READ TOC format 5: the packs, and
// the text they carry per block and track. Packs of unknown types are kept
// in Packs only.
func ParseCDText(b []byte) (*CDText, error) {
	const s = "READ TOC format 5"
	b, err := response(s, b, 2, 4)
	if err != nil {
		return nil, err
	}
	n := (len(b) - 4) / cdTextPackSize
	if n > maxCDTextPacks {
		return nil, formatErr(s, 0, "%d packs, at most %d allowed", n, maxCDTextPacks)
	}
	t := &CDText{Packs: make([]CDTextPack, 0, n)}
	for i := range n {
		off := 4 + i*cdTextPackSize
		d := b[off : off+cdTextPackSize]
		if d[0] < 0x80 || d[0] > 0x8F {
			return nil, formatErr(s, off, "pack type %02Xh outside 80h..8Fh", d[0])
		}
		p := CDTextPack{
			Type: d[0], Track: d[1] & 0x7F, Extension: d[1]&0x80 != 0, Seq: d[2],
			DoubleByte: d[3]&0x80 != 0, Block: d[3] >> 4 & 7, CharPos: d[3] & 0x0F,
			CRC: uint16(be16(d[16:18])),
		}
		copy(p.Data[:], d[4:16])
		p.CRCOK = cdTextCRC(d[:16]) == p.CRC
		t.Packs = append(t.Packs, p)
	}
	t.decode()
	return t, nil
}

// decode fills Blocks from Packs.
func (t *CDText) decode() {
	var byBlock [8][]CDTextPack
	for _, p := range t.Packs {
		byBlock[p.Block] = append(byBlock[p.Block], p)
	}
	for bn, packs := range byBlock {
		if len(packs) == 0 {
			continue
		}
		blk := CDTextBlock{Number: uint8(bn), Tracks: map[int]disc.Text{}}
		// Concatenate the payloads of each pack type, in sequence order as
		// the packs came (drives return them in order).
		var payload [16][]byte
		var firstTrack [16]int
		var seen [16]bool
		for _, p := range packs {
			k := p.Type & 0x0F
			if !seen[k] {
				seen[k], firstTrack[k] = true, int(p.Track)
			}
			if p.DoubleByte {
				blk.DoubleByte = true
			}
			payload[k] = append(payload[k], p.Data[:]...)
		}
		if sz := payload[PackSizeInfo&0x0F]; len(sz) >= 36 {
			blk.CharCode, blk.FirstTrack, blk.LastTrack = sz[0], sz[1], sz[2]
			blk.Language = sz[28+bn]
		}
		for _, typ := range []uint8{PackTitle, PackPerformer, PackSongwriter, PackComposer, PackArranger, PackMessage, PackUPCISRC} {
			k := typ & 0x0F
			if !seen[k] {
				continue
			}
			prev := ""
			// The strings follow each other from the track of the first
			// pack: after the disc's (track 0) come the tracks from the
			// first one the size information names (1 without one).
			track := -1
			for _, str := range splitText(payload[k], blk.DoubleByte) {
				switch {
				case track < 0:
					track = firstTrack[k]
				case track == 0 && blk.FirstTrack > 0:
					track = int(blk.FirstTrack)
				default:
					track++
				}
				if track > maxCDTrackNumber {
					break
				}
				if str == "" { // padding, or no text for this track
					continue
				}
				if str == "\t" || str == "\t\t" { // same as the previous track
					str = prev
				} else if !blk.DoubleByte {
					str = latin1(str)
				}
				prev = str
				if track == 0 {
					setText(&blk.Disc, typ, str, true)
				} else {
					tt := blk.Tracks[track]
					setText(&tt, typ, str, false)
					blk.Tracks[track] = tt
				}
			}
		}
		if seen[PackDiscID&0x0F] {
			if ss := splitText(payload[PackDiscID&0x0F], false); len(ss) > 0 && ss[0] != "" {
				setExtra(&blk.Disc, "DISC_ID", latin1(ss[0]))
			}
		}
		if g := payload[PackGenre&0x0F]; len(g) > 2 {
			if ss := splitText(g[2:], false); len(ss) > 0 && ss[0] != "" {
				setExtra(&blk.Disc, "GENRE", latin1(ss[0]))
			}
		}
		t.Blocks = append(t.Blocks, blk)
	}
}

// splitText splits concatenated payloads at the string terminators: one
// NUL byte, or two for double-byte text. A trailing unterminated fragment
// (padding) is dropped.
func splitText(b []byte, double bool) []string {
	var out []string
	step := 1
	if double {
		step = 2
	}
	start := 0
	for i := 0; i+step <= len(b); i += step {
		if b[i] == 0 && (!double || b[i+1] == 0) {
			out = append(out, string(b[start:i]))
			start = i + step
		}
	}
	return out
}

// latin1 converts ISO 8859-1 (of which ASCII is a subset) to UTF-8.
func latin1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf || r == utf8.RuneError }) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		sb.WriteRune(rune(s[i]))
	}
	return sb.String()
}

func setText(t *disc.Text, typ uint8, s string, isDisc bool) {
	switch typ {
	case PackTitle:
		t.Title = s
	case PackPerformer:
		t.Performer = s
	case PackSongwriter:
		t.Songwriter = s
	case PackComposer:
		t.Composer = s
	case PackArranger:
		t.Arranger = s
	case PackMessage:
		t.Message = s
	case PackUPCISRC:
		if isDisc {
			t.UPC = s
		} else {
			t.ISRC = s
		}
	}
}

func setExtra(t *disc.Text, k, v string) {
	if t.Extra == nil {
		t.Extra = map[string]string{}
	}
	t.Extra[k] = v
}

// Apply copies the text of the given block into l: the disc's text and
// each track's, by track number.
func (t *CDText) Apply(l *disc.Layout, block int) {
	for _, b := range t.Blocks {
		if int(b.Number) != block {
			continue
		}
		l.Text = b.Disc
		for _, tr := range l.Tracks() {
			if tt, ok := b.Tracks[tr.Number]; ok {
				tr.Text = tt
			}
		}
	}
}
