package iso9660

// System Use Sharing Protocol (SUSP), IEEE P1281 / SUSP 1.12.
//
// SUSP structures the System Use field of an ECMA-119 directory record
// (ECMA-119 §9.1.13) as a sequence of self-describing entries, and lets that
// sequence continue in Continuation Areas elsewhere on the volume. This file
// holds the entry encoders, a bounded parser, and the layout logic that packs
// a list of entries into a directory record plus a chain of continuation
// areas. Rock Ridge (RRIP) entries built in rockridge.go are placed with it.

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// suspHeaderLen is the size of the fixed part of every entry: two
	// signature bytes, the length byte and the version byte (SUSP 1.12 §4).
	suspHeaderLen = 4
	// suspEntryMax is the largest possible entry: its length is one byte
	// (SUSP 1.12 §4, BP 3).
	suspEntryMax = 255
	// suspEntryVersion is the version every SUSP 1.12 and RRIP entry carries
	// (SUSP 1.12 §4, BP 4).
	suspEntryVersion = 1
	// suspCELen is the size of a CE entry (SUSP 1.12 §5.1).
	suspCELen = 28
	// suspAreaMax is the largest continuation area spindle produces: one
	// logical block (SUSP 1.12 §5.1 lets an area be longer, but Linux rejects
	// continuation areas that cross a block boundary, so areas never exceed
	// one 2048-byte block).
	suspAreaMax = 2048
	// suspSPCheck1, suspSPCheck2 are the SP check bytes (SUSP 1.12 §5.3).
	suspSPCheck1 = 0xBE
	suspSPCheck2 = 0xEF
)

// suspEntry is one decoded SUSP entry (SUSP 1.12 §4): the two-character
// signature, the version byte, and the entry's data (the bytes after the
// 4-byte header). Data aliases the area passed to parseSUSP.
type suspEntry struct {
	Sig     string
	Version byte
	Data    []byte
	// raw is the whole entry as recorded, when it was parsed: encode then
	// returns it rather than a copy.
	raw []byte
}

// encode returns the entry's on-disc bytes (SUSP 1.12 §4), as the builders in
// this file and rockridge.go produce them, so that decoders taking encoded
// entries (decodeSL, decodeNM, ...) can be fed from parseSUSP's output.
// It panics if the signature is not two bytes or the data is too long.
func (e suspEntry) encode() []byte {
	if e.raw != nil {
		return e.raw
	}
	if len(e.Sig) != 2 {
		panic(fmt.Sprintf("iso9660: SUSP signature %q is not two bytes", e.Sig))
	}
	n := suspHeaderLen + len(e.Data)
	if n > suspEntryMax {
		panic(fmt.Sprintf("iso9660: SUSP entry %s of %d bytes exceeds %d", e.Sig, n, suspEntryMax))
	}
	b := make([]byte, 0, n)
	b = append(b, e.Sig[0], e.Sig[1], byte(n), e.Version)
	return append(b, e.Data...)
}

// suspBuild assembles a version-1 entry with signature sig from the given
// data parts (SUSP 1.12 §4). It panics if the entry would exceed 255 bytes:
// every caller bounds its data, so that is a programming error.
func suspBuild(sig string, parts ...[]byte) []byte {
	n := suspHeaderLen
	for _, p := range parts {
		n += len(p)
	}
	if len(sig) != 2 || n > suspEntryMax {
		panic(fmt.Sprintf("iso9660: bad SUSP entry %q of %d bytes", sig, n))
	}
	b := make([]byte, 0, n)
	b = append(b, sig[0], sig[1], byte(n), suspEntryVersion)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// suspBoth32 encodes v as an ECMA-119 §7.3.3 both-byte-order field: four
// bytes little-endian followed by the same value big-endian.
func suspBoth32(v uint32) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b[0:4], v)
	binary.BigEndian.PutUint32(b[4:8], v)
	return b
}

// suspReadBoth32 decodes an ECMA-119 §7.3.3 both-byte-order field from the
// first 8 bytes of b. It reports an error when the two halves disagree.
func suspReadBoth32(b []byte) (uint32, error) {
	if len(b) < 8 {
		return 0, errors.New("both-byte-order field truncated")
	}
	le := binary.LittleEndian.Uint32(b[0:4])
	be := binary.BigEndian.Uint32(b[4:8])
	if le != be {
		return 0, fmt.Errorf("both-byte-order field halves differ (LE %#x, BE %#x)", le, be)
	}
	return le, nil
}

// suspSP returns the SP entry (SUSP 1.12 §5.3): "SP", length 7, version 1,
// check bytes BE EF, and LEN_SKP, the number of bytes to skip at the start of
// every System Use field before the SUSP entries begin (0 for spindle). It
// must be the first entry of the System Use field of the root directory's
// first ("." ) record; pass pinned >= 1 to suspLayout to keep it there.
func suspSP(skip byte) []byte {
	return suspBuild("SP", []byte{suspSPCheck1, suspSPCheck2, skip})
}

// suspST returns the ST entry (SUSP 1.12 §5.4): "ST", length 4, version 1.
// It terminates the SUSP entries of a System Use field or continuation area;
// it is optional when the area simply ends.
func suspST() []byte {
	return suspBuild("ST")
}

// suspCE returns a CE entry (SUSP 1.12 §5.1): "CE", length 28, version 1,
// then the block location of the continuation area, the offset of the area
// within that block and the area's length in bytes, each an ECMA-119 §7.3.3
// both-byte-order 32-bit field.
func suspCE(block, offset, length uint32) []byte {
	return suspBuild("CE", suspBoth32(block), suspBoth32(offset), suspBoth32(length))
}

// suspPD returns a PD padding entry (SUSP 1.12 §5.2) carrying n zero padding
// bytes, so the whole entry is n+4 bytes long. It panics if n > 251.
func suspPD(n int) []byte {
	if n < 0 || n > suspEntryMax-suspHeaderLen {
		panic(fmt.Sprintf("iso9660: PD padding length %d out of range", n))
	}
	return suspBuild("PD", make([]byte, n))
}

// suspES returns an ES entry (SUSP 1.12 §5.6): "ES", length 5, version 1, and
// the extension sequence number (the index, from 0, of the ER entry whose
// extension the following entries belong to). Only needed when more than one
// extension is recorded.
func suspES(seq byte) []byte {
	return suspBuild("ES", []byte{seq})
}

// suspERFor returns an ER entry (SUSP 1.12 §5.5): "ER", length, version 1,
// LEN_ID, LEN_DES, LEN_SRC, EXT_VER, then the identifier, descriptor and
// source texts. It returns an error if the texts do not fit in one entry.
// suspER in rockridge.go supplies the RRIP texts.
func suspERFor(id, desc, src string, extVersion byte) ([]byte, error) {
	if len(id) == 0 {
		return nil, errors.New("iso9660: ER extension identifier is empty")
	}
	if n := 8 + len(id) + len(desc) + len(src); n > suspEntryMax {
		return nil, fmt.Errorf("iso9660: ER entry of %d bytes exceeds %d", n, suspEntryMax)
	}
	head := []byte{byte(len(id)), byte(len(desc)), byte(len(src)), extVersion}
	return suspBuild("ER", head, []byte(id), []byte(desc), []byte(src)), nil
}

// parseSUSP splits a System Use field or continuation area into its entries
// (SUSP 1.12 §4). The caller removes the LEN_SKP bytes announced by SP
// (SUSP 1.12 §5.3) beforehand. Parsing stops at an ST entry (SUSP 1.12 §5.4,
// which is not returned), when fewer than 4 bytes remain, or at a zero
// signature (padding, such as the ECMA-119 §9.1.12 pad byte or zero fill
// after the last entry of a continuation area). An entry whose length is
// below 4 or runs past the end of area is an error naming its offset. The
// work done is bounded by len(area); Data slices alias area.
func parseSUSP(area []byte) ([]suspEntry, error) {
	if len(area) < suspHeaderLen {
		return nil, nil
	}
	var out []suspEntry
	off := 0
	for len(area)-off >= suspHeaderLen {
		if area[off] == 0 && area[off+1] == 0 {
			break // padding
		}
		sig := suspSig(area[off], area[off+1])
		n := int(area[off+2])
		if n < suspHeaderLen {
			return out, fmt.Errorf("iso9660: SUSP entry %q at offset %d: length %d is below %d", sig, off, n, suspHeaderLen)
		}
		if n > len(area)-off {
			return out, fmt.Errorf("iso9660: SUSP entry %q at offset %d: length %d runs past the end of the %d-byte area", sig, off, n, len(area))
		}
		if sig == "ST" {
			break
		}
		out = append(out, suspEntry{Sig: sig, Version: area[off+3], Data: area[off+4 : off+n : off+n], raw: area[off : off+n : off+n]})
		off += n
	}
	return out, nil
}

// suspPayload checks that entry is one complete, version-1 SUSP entry with
// signature sig whose data is at least minData bytes long (SUSP 1.12 §4), and
// returns its data.
func suspPayload(entry []byte, sig string, minData int) ([]byte, error) {
	if len(entry) < suspHeaderLen {
		return nil, fmt.Errorf("iso9660: %s entry truncated (%d bytes)", sig, len(entry))
	}
	if string(entry[0:2]) != sig {
		return nil, fmt.Errorf("iso9660: expected %s entry, got %q", sig, entry[0:2])
	}
	if int(entry[2]) != len(entry) {
		return nil, fmt.Errorf("iso9660: %s entry length byte %d, but entry has %d bytes", sig, entry[2], len(entry))
	}
	if entry[3] != suspEntryVersion {
		return nil, fmt.Errorf("iso9660: %s entry version %d, want %d", sig, entry[3], suspEntryVersion)
	}
	data := entry[suspHeaderLen:]
	if len(data) < minData {
		return nil, fmt.Errorf("iso9660: %s entry data is %d bytes, want at least %d", sig, len(data), minData)
	}
	return data, nil
}

// decodeSP decodes an SP entry (SUSP 1.12 §5.3) and returns LEN_SKP. It
// reports an error if the check bytes are not BE EF.
func decodeSP(entry []byte) (skip byte, err error) {
	d, err := suspPayload(entry, "SP", 3)
	if err != nil {
		return 0, err
	}
	if len(d) != 3 || d[0] != suspSPCheck1 || d[1] != suspSPCheck2 {
		return 0, fmt.Errorf("iso9660: SP entry check bytes % X, want BE EF", d[:2])
	}
	return d[2], nil
}

// decodeCE decodes a CE entry (SUSP 1.12 §5.1) into the continuation area's
// block, offset within the block, and length.
func decodeCE(entry []byte) (block, offset, length uint32, err error) {
	d, err := suspPayload(entry, "CE", 24)
	if err != nil {
		return 0, 0, 0, err
	}
	if len(d) != 24 {
		return 0, 0, 0, fmt.Errorf("iso9660: CE entry is %d bytes, want %d", len(entry), suspCELen)
	}
	if block, err = suspReadBoth32(d[0:8]); err != nil {
		return 0, 0, 0, fmt.Errorf("iso9660: CE block: %w", err)
	}
	if offset, err = suspReadBoth32(d[8:16]); err != nil {
		return 0, 0, 0, fmt.Errorf("iso9660: CE offset: %w", err)
	}
	if length, err = suspReadBoth32(d[16:24]); err != nil {
		return 0, 0, 0, fmt.Errorf("iso9660: CE length: %w", err)
	}
	return block, offset, length, nil
}

// decodeER decodes an ER entry (SUSP 1.12 §5.5) into its identifier,
// descriptor and source texts and the extension version.
func decodeER(entry []byte) (id, desc, src string, extVersion byte, err error) {
	d, err := suspPayload(entry, "ER", 4)
	if err != nil {
		return "", "", "", 0, err
	}
	li, ld, ls := int(d[0]), int(d[1]), int(d[2])
	if 4+li+ld+ls != len(d) {
		return "", "", "", 0, fmt.Errorf("iso9660: ER entry text lengths %d+%d+%d do not match its %d data bytes", li, ld, ls, len(d)-4)
	}
	t := d[4:]
	return string(t[:li]), string(t[li : li+ld]), string(t[li+ld:]), d[3], nil
}

// decodeES decodes an ES entry (SUSP 1.12 §5.6) into its extension sequence
// number.
func decodeES(entry []byte) (byte, error) {
	d, err := suspPayload(entry, "ES", 1)
	if err != nil {
		return 0, err
	}
	if len(d) != 1 {
		return 0, fmt.Errorf("iso9660: ES entry is %d bytes, want 5", len(entry))
	}
	return d[0], nil
}

// suspLayout packs entries, in order and each kept whole, into a chain of
// System Use areas (SUSP 1.12 §4, §5.1):
//
//   - areas[0] is the directory record's System Use field and holds at most
//     room bytes;
//   - every later area is a continuation area of at most 2048 bytes, so it
//     never crosses a logical block (Linux refuses one that does);
//   - every area except the last ends with a 28-byte CE entry whose block,
//     offset and length are zero placeholders, to be filled in with patchCE
//     once the next area has been placed.
//
// The fill is greedy: an area takes all remaining entries if they fit;
// otherwise it takes as many leading entries as fit while leaving 28 bytes
// for its CE entry. So the entries the caller lists first (NM, PX, TF, ...)
// stay in the directory record and later ones move out.
//
// The first pinned entries must land in areas[0] (the SP entry must be the
// first entry of the root's "." record, SUSP 1.12 §5.3); an error is
// returned if they do not fit there, or if room cannot hold even a CE entry
// while some entries have to move out. Zero-length entries (such as a nil
// from an optional builder) are skipped; they still count towards pinned.
// Any other entry must be a well-formed SUSP entry of 4..255 bytes. With no
// entries, areas is a single empty area.
func suspLayout(entries [][]byte, room int, pinned int) (areas [][]byte, err error) {
	first, more, err := suspLayoutIn(nil, entries, room, pinned)
	if err != nil {
		return nil, err
	}
	return append([][]byte{first}, more...), nil
}

// suspArena hands out the System Use areas of many records from shared
// chunks: one allocation per few kilobytes of areas instead of one per
// file. The areas stay alive while any record of their chunk needs them.
// chunk is the size of the chunks (suspArenaChunk when zero), so that a
// directory of a few files does not take kilobytes.
type suspArena struct {
	buf   []byte
	chunk int
}

const suspArenaChunk = 8 << 10

// take returns an empty slice with room for n bytes. A nil arena allocates.
func (a *suspArena) take(n int) []byte {
	if a == nil || n > suspArenaChunk/4 {
		return make([]byte, 0, n)
	}
	if cap(a.buf)-len(a.buf) < n {
		size := a.chunk
		if size <= 0 || size > suspArenaChunk {
			size = suspArenaChunk
		}
		a.buf = make([]byte, 0, max(size, n))
	}
	l := len(a.buf)
	a.buf = a.buf[:l+n]
	return a.buf[l : l : l+n]
}

// suspLayoutIn is suspLayout returning the first area (the one in the
// directory record) apart from the continuation areas, with the common
// single area taken from arena.
func suspLayoutIn(arena *suspArena, entries [][]byte, room int, pinned int) (first []byte, more [][]byte, err error) {
	if room < 0 {
		return nil, nil, fmt.Errorf("iso9660: SUSP layout: negative room %d", room)
	}
	if pinned < 0 || pinned > len(entries) {
		return nil, nil, fmt.Errorf("iso9660: SUSP layout: pinned %d out of range 0..%d", pinned, len(entries))
	}
	// The common case: every entry present and all of them fitting the
	// directory record. One allocation for the area.
	total, fast := 0, true
	for _, e := range entries {
		if len(e) < suspHeaderLen || len(e) > suspEntryMax || int(e[2]) != len(e) {
			fast = false
			break
		}
		total += len(e)
	}
	if fast && total <= room {
		area := arena.take(total)
		for _, e := range entries {
			area = append(area, e...)
		}
		return area, nil, nil
	}
	// Drop empty entries, remembering how many kept entries are pinned.
	kept := make([][]byte, 0, len(entries))
	keptPinned := 0
	for i, e := range entries {
		if len(e) == 0 {
			continue
		}
		if len(e) < suspHeaderLen || len(e) > suspEntryMax || int(e[2]) != len(e) {
			return nil, nil, fmt.Errorf("iso9660: SUSP layout: entry %d is not a well-formed SUSP entry (%d bytes)", i, len(e))
		}
		kept = append(kept, e)
		if i < pinned {
			keptPinned++
		}
	}
	// rest[i] is the total size of kept[i:].
	rest := make([]int, len(kept)+1)
	for i := len(kept) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + len(kept[i])
	}

	i := 0
	capacity := room
	for {
		if rest[i] <= capacity {
			area := make([]byte, 0, rest[i])
			for _, e := range kept[i:] {
				area = append(area, e...)
			}
			if first == nil {
				return area, nil, nil
			}
			return first, append(more, area), nil
		}
		if capacity < suspCELen {
			return nil, nil, fmt.Errorf("iso9660: SUSP layout: %d bytes of entries do not fit in %d bytes of System Use and no room is left for a CE entry", rest[i], capacity)
		}
		limit := capacity - suspCELen
		area := make([]byte, 0, capacity)
		for i < len(kept) && len(area)+len(kept[i]) <= limit {
			area = append(area, kept[i]...)
			i++
		}
		if first == nil && i < keptPinned {
			return nil, nil, fmt.Errorf("iso9660: SUSP layout: %d pinned entries do not fit in %d bytes of System Use", keptPinned, room)
		}
		area = append(area, suspCE(0, 0, 0)...)
		if first == nil {
			first = area
		} else {
			more = append(more, area)
		}
		capacity = suspAreaMax
	}
}

// patchCE rewrites the CE entry (SUSP 1.12 §5.1) that ends area, as produced
// by suspLayout, so that it points at the continuation area at the given
// block, offset within the block, and length. It panics if area does not end
// with a CE entry: that is a programming error in the caller.
func patchCE(area []byte, block, offset, length uint32) {
	if len(area) < suspCELen {
		panic("iso9660: patchCE: area too short to end with a CE entry")
	}
	ce := area[len(area)-suspCELen:]
	if ce[0] != 'C' || ce[1] != 'E' || ce[2] != suspCELen || ce[3] != suspEntryVersion {
		panic("iso9660: patchCE: area does not end with a CE entry")
	}
	copy(ce, suspCE(block, offset, length))
}

// suspSig returns a signature as a string without allocating for the
// signatures of SUSP and RRIP (and zisofs and AAIP), which are read once
// per directory record.
func suspSig(a, b byte) string {
	const known = "SPSTCEPDERESPXPNSLNMCLPLRETFSFRRZFALNM"
	for i := 0; i+1 < len(known); i += 2 {
		if known[i] == a && known[i+1] == b {
			return known[i : i+2]
		}
	}
	return string([]byte{a, b})
}
