package mmc

import (
	"fmt"
	"slices"
	"sort"
	"spindle/disc"
	"unicode/utf8"
)

// This file encodes CD-TEXT: the 18-byte packs that a disc carries in the
// R–W sub-channel of its lead-in and that READ TOC format 5 returns (MMC-3
// Annex J, "CD-TEXT format in the lead-in area"; MMC-6 §6.25.3.7), and the
// sub-channel a host sends to write them (cue sheet data form 41h, MMC-6
// SEND CUE SHEET).
//
// A block (one language) holds its packs in ascending pack type order.
// The text of a type is the disc's string (track 0) followed, when any
// track has text of that type, by one string per track from the first to
// the last, each terminated by a NUL byte and packed back to back into the
// 12 text bytes of consecutive packs; the last pack is padded with NULs.
// Byte 1 of a pack is the track of the string its first byte belongs to,
// byte 2 the pack's sequence number within its block (from 0), byte 3 the
// block number (bits 6–4) and the character position (bits 3–0: how many
// bytes of that string earlier packs hold, 15 for 15 or more). The three
// size information packs (8Fh, track numbers 0, 1, 2) close the block
// with its character code, track range, pack counts per type, the last
// sequence number of every block and the language of every block. This is
// the layout cdrdao's and cdrecord's encoders write and real discs carry.

// CDTextOptions select how EncodeCDText writes the text of a layout. The
// zero value writes ISO 8859-1 text in English (block 0, language 09h),
// without the TAB shortcut, and fails on characters ISO 8859-1 lacks.
type CDTextOptions struct {
	// Language is the language code of the block (EBU Tech 3264 appendix
	// 3, as the size information records it: 09h English, 08h German,
	// 0Fh French, 69h Japanese, ...); zero means 09h, English.
	Language uint8
	// CharCode is CharISO8859_1 (the zero value) or CharASCII. The
	// double-byte codes (MS-JIS, Korean, Mandarin) are not written.
	CharCode uint8
	// Tab writes a track's text that equals the previous track's as a
	// single TAB character, the shortcut the CD-TEXT specification allows
	// to save space (a block holds at most 253 packs of text). Off by
	// default: some readers (cdrdao read-toc among them) take the TAB for
	// the text.
	Tab bool
	// Replace writes characters the character code cannot represent as
	// '?' instead of failing: the fallback for text in other scripts,
	// which would need a double-byte block.
	Replace bool
}

// The most packs a block can hold: sequence numbers are one byte.
const maxBlockPacks = 256

// defaultLanguage is English in the language codes of the size
// information (EBU Tech 3264 appendix 3).
const defaultLanguage = 0x09

// EncodeCDText returns the CD-TEXT packs of l as one block (block 0): the
// disc's text (l.Text) as track 0 and each track's (Track.Text) under its
// number, for the fields disc.Text names — title (80h), performer (81h),
// songwriter (82h), composer (83h), arranger (84h), message (85h), the
// UPC/EAN of the disc and the ISRC of each track (8Eh) — and the disc's
// Extra["DISC_ID"] (86h) and Extra["GENRE"] (87h, genre code 0000h, "not
// used", with the text as the supplementary genre information). Other Extra
// keys have no pack and are left out. The track range of the size
// information is the layout's first to last track.
//
// The result is the packs, 18 bytes each, in the order a disc carries
// them: what READ TOC format 5 returns after its 4-byte header, and what
// CDTextSubchannel turns into lead-in sub-channel. A layout without text
// gives nil. Text is UTF-8; a character the character code lacks, a
// control character or invalid UTF-8 is an error wrapping ErrArgument
// unless o.Replace is set, as is text too long for one block.
func EncodeCDText(l *disc.Layout, o CDTextOptions) ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("mmc: CD-TEXT: %w", err)
	}
	tracks := l.Tracks()
	if len(tracks) == 0 {
		return nil, fmt.Errorf("%w: CD-TEXT of a layout without tracks", ErrArgument)
	}
	b := CDTextBlock{
		CharCode:   o.CharCode,
		Language:   o.Language,
		FirstTrack: uint8(tracks[0].Number),
		LastTrack:  uint8(tracks[len(tracks)-1].Number),
		Disc:       l.Text,
		Tracks:     map[int]disc.Text{},
	}
	if b.Language == 0 {
		b.Language = defaultLanguage
	}
	for _, t := range tracks {
		if !t.Text.IsZero() {
			b.Tracks[t.Number] = t.Text
		}
	}
	return EncodeCDTextBlocks([]CDTextBlock{b}, o)
}

// EncodeCDTextBlocks returns the packs of up to eight blocks (languages),
// in block number order: the inverse of ParseCDText's Blocks. Each block
// gives its number (0..7, each at most once), character code
// (CharISO8859_1 or CharASCII), language code, track range (FirstTrack and
// LastTrack; zero takes the range of the tracks it has text for) and text
// as EncodeCDText describes; Language is written as given. Of o only Tab
// and Replace apply. Blocks without text are left out; none with text
// gives nil.
func EncodeCDTextBlocks(blocks []CDTextBlock, o CDTextOptions) ([]byte, error) {
	if len(blocks) > 8 {
		return nil, fmt.Errorf("%w: %d CD-TEXT blocks, at most 8", ErrArgument, len(blocks))
	}
	blocks = slices.Clone(blocks)
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].Number < blocks[j].Number })
	type built struct {
		blk   *CDTextBlock
		first uint8
		last  uint8
		packs [][cdTextPackSize]byte
	}
	var out []built
	for i := range blocks {
		blk := &blocks[i]
		if blk.Number > 7 || i > 0 && blk.Number == blocks[i-1].Number {
			return nil, fmt.Errorf("%w: CD-TEXT block number %d (0..7, each once)", ErrArgument, blk.Number)
		}
		if blk.CharCode != CharISO8859_1 && blk.CharCode != CharASCII || blk.DoubleByte {
			return nil, fmt.Errorf("%w: CD-TEXT block %d: character code %02Xh is not written (only ISO 8859-1 and ASCII)", ErrArgument, blk.Number, blk.CharCode)
		}
		first, last, err := blockRange(blk)
		if err != nil {
			return nil, err
		}
		enc := blockEncoder{blk: blk, first: int(first), last: int(last), o: o}
		if err := enc.texts(); err != nil {
			return nil, err
		}
		if len(enc.packs) == 0 {
			continue
		}
		if n := len(enc.packs) + 3; n > maxBlockPacks {
			return nil, fmt.Errorf("%w: CD-TEXT block %d needs %d packs, at most %d fit (about %d bytes of text)",
				ErrArgument, blk.Number, n, maxBlockPacks, (maxBlockPacks-3)*cdTextPayload)
		}
		out = append(out, built{blk: blk, first: first, last: last, packs: enc.packs})
	}
	if len(out) == 0 {
		return nil, nil
	}
	// The size information of every block names the last sequence
	// number and the language of all blocks.
	var lastSeq, langs [8]byte
	for _, x := range out {
		lastSeq[x.blk.Number] = byte(len(x.packs) + 3 - 1)
		langs[x.blk.Number] = x.blk.Language
	}
	var b []byte
	for _, x := range out {
		var info [3 * cdTextPayload]byte
		info[0], info[1], info[2] = x.blk.CharCode, x.first, x.last
		for _, p := range x.packs {
			info[4+p[0]&0x0F]++
		}
		info[4+PackSizeInfo&0x0F] = 3
		copy(info[20:28], lastSeq[:])
		copy(info[28:36], langs[:])
		packs := x.packs
		for i := range 3 {
			var p [cdTextPackSize]byte
			p[0], p[1], p[2], p[3] = PackSizeInfo, byte(i), byte(len(packs)), x.blk.Number<<4
			copy(p[4:16], info[i*cdTextPayload:])
			packs = append(packs, p)
		}
		for _, p := range packs {
			c := cdTextCRC(p[:16])
			p[16], p[17] = byte(c>>8), byte(c)
			b = append(b, p[:]...)
		}
	}
	return b, nil
}

// blockRange is the track range of a block: as given, or that of the
// tracks it has text for; the tracks must lie in it.
func blockRange(blk *CDTextBlock) (first, last uint8, err error) {
	first, last = blk.FirstTrack, blk.LastTrack
	if first == 0 && last == 0 {
		for n := range blk.Tracks {
			if n >= 1 && n <= maxCDTrackNumber {
				if first == 0 || uint8(n) < first {
					first = uint8(n)
				}
				last = max(last, uint8(n))
			}
		}
		if first == 0 {
			first, last = 1, 1
		}
	}
	if first < 1 || last < first || last > maxCDTrackNumber {
		return 0, 0, fmt.Errorf("%w: CD-TEXT block %d: tracks %d to %d", ErrArgument, blk.Number, first, last)
	}
	for n, t := range blk.Tracks {
		if (n < int(first) || n > int(last)) && !t.IsZero() {
			return 0, 0, fmt.Errorf("%w: CD-TEXT block %d: text for track %d outside tracks %d to %d", ErrArgument, blk.Number, n, first, last)
		}
	}
	return first, last, nil
}

// blockEncoder builds the text packs of one block.
type blockEncoder struct {
	blk         *CDTextBlock
	first, last int
	o           CDTextOptions
	packs       [][cdTextPackSize]byte
}

// A piece of a pack type's payload: the bytes of one string (with its
// terminator), which track it belongs to, and for genre the two bytes
// of code that precede the text and do not count as characters.
type piece struct {
	track  int
	b      []byte
	prefix int
}

// texts adds the packs of every text type, in pack type order.
func (e *blockEncoder) texts() error {
	field := func(t disc.Text, typ uint8, isDisc bool) string {
		switch typ {
		case PackTitle:
			return t.Title
		case PackPerformer:
			return t.Performer
		case PackSongwriter:
			return t.Songwriter
		case PackComposer:
			return t.Composer
		case PackArranger:
			return t.Arranger
		case PackMessage:
			return t.Message
		case PackUPCISRC:
			if isDisc {
				return t.UPC
			}
			return t.ISRC
		}
		return ""
	}
	for _, typ := range []uint8{PackTitle, PackPerformer, PackSongwriter, PackComposer, PackArranger, PackMessage,
		PackDiscID, PackGenre, PackUPCISRC} {
		var ps []piece
		switch typ {
		case PackDiscID, PackGenre:
			name := map[uint8]string{PackDiscID: "DISC_ID", PackGenre: "GENRE"}[typ]
			s := e.blk.Disc.Extra[name]
			if s == "" {
				continue
			}
			b, err := e.encode(s, 0, name)
			if err != nil {
				return err
			}
			p := piece{b: b}
			if typ == PackGenre {
				// Genre code 0000h, "not used" (no genre of the list
				// applies), then the supplementary text.
				p.b, p.prefix = append([]byte{0, 0}, b...), 2
			}
			ps = append(ps, p)
		default:
			discText := field(e.blk.Disc, typ, true)
			anyTrack := false
			for n := e.first; n <= e.last; n++ {
				if field(e.blk.Tracks[n], typ, false) != "" {
					anyTrack = true
				}
			}
			if discText == "" && !anyTrack {
				continue
			}
			name := packName(typ)
			b, err := e.encode(discText, 0, name)
			if err != nil {
				return err
			}
			ps = append(ps, piece{b: b})
			if anyTrack {
				prev := ""
				for n := e.first; n <= e.last; n++ {
					s := field(e.blk.Tracks[n], typ, false)
					var b []byte
					if e.o.Tab && n > e.first && s != "" && s == prev {
						b = []byte{'\t', 0}
					} else if b, err = e.encode(s, n, name); err != nil {
						return err
					}
					prev = s
					ps = append(ps, piece{track: n, b: b})
				}
			}
		}
		e.pack(typ, ps)
	}
	return nil
}

func packName(typ uint8) string {
	switch typ {
	case PackTitle:
		return "title"
	case PackPerformer:
		return "performer"
	case PackSongwriter:
		return "songwriter"
	case PackComposer:
		return "composer"
	case PackArranger:
		return "arranger"
	case PackMessage:
		return "message"
	}
	return "UPC/EAN or ISRC"
}

// encode converts s to the block's character code with its NUL
// terminator.
func (e *blockEncoder) encode(s string, track int, name string) ([]byte, error) {
	limit := rune(0xFF)
	code := "ISO 8859-1"
	if e.blk.CharCode == CharASCII {
		limit, code = 0x7E, "ASCII"
	}
	b := make([]byte, 0, len(s)+1)
	for i, r := range s {
		// Control characters (a TAB would read as the shortcut, a NUL
		// as a terminator) and C1 codes are not text in either code.
		if r < 0x20 || r >= 0x7F && r < 0xA0 || r > limit {
			if !e.o.Replace {
				what := fmt.Sprintf("character %U", r)
				if _, size := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 {
					what = "invalid UTF-8"
				}
				return nil, fmt.Errorf("%w: CD-TEXT block %d, track %d, %s: %s at byte %d cannot be written in %s",
					ErrArgument, e.blk.Number, track, name, what, i, code)
			}
			r = '?'
		}
		b = append(b, byte(r))
	}
	return append(b, 0), nil
}

// pack appends the packs of one type: the pieces back to back, 12 bytes
// a pack, each pack naming the track and character position of its first
// byte.
func (e *blockEncoder) pack(typ uint8, ps []piece) {
	var stream []byte
	type owner struct{ track, pos int }
	var owners []owner
	for _, p := range ps {
		for i := range p.b {
			owners = append(owners, owner{p.track, max(0, i-p.prefix)})
		}
		stream = append(stream, p.b...)
	}
	for off := 0; off < len(stream); off += cdTextPayload {
		var p [cdTextPackSize]byte
		o := owners[off]
		p[0], p[1], p[2] = typ, byte(o.track), byte(len(e.packs))
		p[3] = e.blk.Number<<4 | byte(min(o.pos, 15))
		copy(p[4:16], stream[off:])
		e.packs = append(e.packs, p)
	}
}

// CDTextSubchannel returns the lead-in sub-channel that carries packs (a
// whole number of 18-byte packs, as EncodeCDText returns them) in the form
// SEND CUE SHEET's lead-in data form 41h takes: 96 bytes a sector, each
// byte one sub-channel symbol with R–W in its low six bits (P and Q, which
// the drive generates in the lead-in, zero). A pack's 144 bits are 24
// symbols, most significant bit first; a sector holds four packs. The
// result is one cycle: the packs in order, starting again from the first
// until they end at a sector boundary (lcm(n, 4)/4 sectors for n packs).
// The host repeats it from the lead-in's start up to the first track's
// pre-gap.
func CDTextSubchannel(packs []byte) ([]byte, error) {
	n := len(packs) / cdTextPackSize
	if n == 0 || len(packs)%cdTextPackSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes of CD-TEXT are not a whole number of %d-byte packs", ErrArgument, len(packs), cdTextPackSize)
	}
	if n > maxCDTextPacks {
		return nil, fmt.Errorf("%w: %d CD-TEXT packs, at most %d", ErrArgument, n, maxCDTextPacks)
	}
	sectors := n
	switch n % 4 {
	case 0:
		sectors = n / 4
	case 2:
		sectors = n / 2
	}
	out := make([]byte, 0, sectors*96)
	for i := range sectors * 4 {
		p := packs[i%n*cdTextPackSize:]
		for j := 0; j < cdTextPackSize; j += 3 {
			a, b, c := p[j], p[j+1], p[j+2]
			out = append(out, a>>2, (a&0x03)<<4|b>>4, (b&0x0F)<<2|c>>6, c&0x3F)
		}
	}
	return out, nil
}

// CDTextFromSubchannel returns the CD-TEXT packs that lead-in sub-channel
// carries, as a drive reports them after recording it: sub is sectors of
// 96 bytes as CDTextSubchannel makes them (only the low six bits of each
// byte count); the packs are read four to a sector, those of a pack type
// outside 80h–8Fh or with a wrong CRC dropped, and of the packs sharing a
// block and sequence number, the first kept. The result is in block and
// sequence number order, 18 bytes a pack, nil if there is none: one copy
// of the cycle, wherever in it the sub-channel began. A trailing partial
// sector is ignored.
func CDTextFromSubchannel(sub []byte) []byte {
	type key struct{ block, seq byte }
	seen := map[key][cdTextPackSize]byte{}
	var keys []key
	var p [cdTextPackSize]byte
	for s := 0; s+96 <= len(sub); s += 96 {
		sym := sub[s : s+96]
		for k := range 4 {
			in := sym[k*24 : k*24+24]
			for j := 0; j < 24; j += 4 {
				a, b, c, d := in[j]&0x3F, in[j+1]&0x3F, in[j+2]&0x3F, in[j+3]&0x3F
				o := j / 4 * 3
				p[o], p[o+1], p[o+2] = a<<2|b>>4, b<<4|c>>2, c<<6|d
			}
			if p[0] < 0x80 || p[0] > 0x8F || cdTextCRC(p[:16]) != uint16(p[16])<<8|uint16(p[17]) {
				continue
			}
			kk := key{p[3] >> 4 & 7, p[2]}
			if _, ok := seen[kk]; ok {
				continue
			}
			seen[kk] = p
			keys = append(keys, kk)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.block != b.block {
			return a.block < b.block
		}
		return a.seq < b.seq
	})
	out := make([]byte, 0, len(keys)*cdTextPackSize)
	for _, k := range keys {
		p := seen[k]
		out = append(out, p[:]...)
	}
	return out
}
