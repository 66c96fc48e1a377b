package isomd5

// AAIP 2.0 attributes (libisofs doc/susp_aaip_2_0.txt) in SUSP "AL"
// entries (SUSP 1.12 §4.1: 4-byte entry header), the "isofs.ca" and
// "isofs.cx" attribute values (libisofs doc/susp_aaip_isofs_names.txt)
// and the checksum array (libisofs doc/checksums.txt).

import (
	"errors"
	"fmt"
	"strings"

	"spindle/internal/md5"
)

// Attr is one AAIP attribute: a name ("isofs.cx") and a value.
type Attr struct {
	Name  string
	Value []byte
}

// AAIP's short namespace prefixes (AAIP 2.0 "Namespaces"): a name that
// starts with one of these bytes means the namespace text and the rest.
var aaipNamespaces = [...]string{2: "system.", 3: "user.", 4: "isofs.", 5: "trusted.", 6: "security."}

const (
	aaipEscape = 0x01 // the name's first byte is literal
	alHeader   = 5    // "AL", length, version, flags
	alMax      = 255  // an entry's length is one byte
	alPayload  = alMax - alHeader
	alContinue = 1 // flag bit 0 of an AL entry and of a component record
)

// EncodeAL encodes attributes as a chain of SUSP "AL" entries, byte for
// byte as libisofs encodes them: a name in a registered namespace is
// shortened to its prefix byte; each name and value is a component of
// component records of up to 255 bytes (the RRIP SL record format, RRIP
// 1.12 §4.1.3.1); the records are cut into entries of 255 bytes, the
// last one shorter; every entry but the last has its CONTINUE flag set.
// The entries go into the System Use field or continuation area of the
// file's directory record (after the Rock Ridge entries, as libisofs
// does). An empty list gives no entries.
func EncodeAL(attrs ...Attr) [][]byte {
	var payload []byte
	for _, a := range attrs {
		name, prefix := a.Name, byte(0)
		for i, ns := range aaipNamespaces {
			if ns != "" && strings.HasPrefix(name, ns) {
				name, prefix = name[len(ns):], byte(i)
			}
		}
		if prefix == 0 && name != "" && name[0] <= 0x1f {
			prefix = aaipEscape
		}
		comp := []byte(name)
		if prefix != 0 {
			comp = append([]byte{prefix}, comp...)
		}
		payload = appendComponent(payload, comp)
		payload = appendComponent(payload, a.Value)
	}
	var out [][]byte
	for len(payload) > 0 {
		n := min(len(payload), alPayload)
		e := make([]byte, alHeader+n)
		e[0], e[1], e[2], e[3] = 'A', 'L', byte(alHeader+n), 1
		copy(e[alHeader:], payload[:n])
		payload = payload[n:]
		if len(payload) > 0 {
			e[4] = alContinue
		}
		out = append(out, e)
	}
	return out
}

// appendComponent appends the component records of c: records of up to
// 255 bytes, all but the last with the CONTINUE flag; an empty component
// is one empty record.
func appendComponent(dst, c []byte) []byte {
	if len(c) == 0 {
		return append(dst, 0, 0)
	}
	for len(c) > 0 {
		n := min(len(c), 255)
		flags := byte(0)
		if len(c) > n {
			flags = alContinue
		}
		dst = append(dst, flags, byte(n))
		dst = append(dst, c[:n]...)
		c = c[n:]
	}
	return dst
}

// ErrAAIP is wrapped by errors for AL entries that do not decode.
var ErrAAIP = errors.New("isomd5: invalid AAIP attribute list")

// maxAttrBytes bounds the total size of one file's attribute list.
const maxAttrBytes = 1 << 20

// DecodeAL decodes an attribute list from its AL entries in recorded
// order (each a whole SUSP entry, "AL" header included). Entries after
// the one whose CONTINUE flag is clear are ignored; complete reports
// whether that entry was found. An empty name stands for the binary ACL
// (AAIP 2.0); names with a namespace prefix byte are expanded.
func DecodeAL(entries [][]byte) (attrs []Attr, complete bool, err error) {
	var payload []byte
	for i, e := range entries {
		if len(e) < alHeader || e[0] != 'A' || e[1] != 'L' || int(e[2]) != len(e) {
			return nil, false, fmt.Errorf("%w: entry %d is not an AL entry", ErrAAIP, i)
		}
		if len(payload)+len(e) > maxAttrBytes {
			return nil, false, fmt.Errorf("%w: more than %d bytes", ErrAAIP, maxAttrBytes)
		}
		payload = append(payload, e[alHeader:]...)
		if e[4]&alContinue == 0 {
			complete = true
			break
		}
	}
	var comps [][]byte
	var cur []byte
	open := false
	for p := 0; p < len(payload); {
		if p+2 > len(payload) {
			return nil, complete, fmt.Errorf("%w: component record cut at byte %d", ErrAAIP, p)
		}
		flags, n := payload[p], int(payload[p+1])
		p += 2
		if p+n > len(payload) {
			return nil, complete, fmt.Errorf("%w: component record of %d bytes runs past the end", ErrAAIP, n)
		}
		cur = append(cur, payload[p:p+n]...)
		p += n
		open = flags&alContinue != 0
		if !open {
			comps = append(comps, cur)
			cur = nil
		}
	}
	if open {
		return nil, complete, fmt.Errorf("%w: the last component is continued", ErrAAIP)
	}
	if len(comps)%2 != 0 {
		return nil, complete, fmt.Errorf("%w: a name without a value", ErrAAIP)
	}
	for i := 0; i < len(comps); i += 2 {
		name := comps[i]
		var s string
		switch {
		case len(name) > 0 && name[0] == aaipEscape:
			s = string(name[1:])
		case len(name) > 0 && int(name[0]) < len(aaipNamespaces) && aaipNamespaces[name[0]] != "":
			s = aaipNamespaces[name[0]] + string(name[1:])
		default:
			s = string(name)
		}
		attrs = append(attrs, Attr{Name: s, Value: comps[i+1]})
	}
	return attrs, complete, nil
}

// ERAAIP returns the SUSP "ER" entry (SUSP 1.12 §5.5) that announces AAIP
// 2.0: identifier "AAIP_0200", version 1, with the descriptor and source
// texts of the AAIP specification; 160 bytes. It belongs in the root
// directory's "." record (libisofs puts it in the continuation area
// after the RRIP ER entry) and requires ES entries (SUSP 1.12 §5.6)
// before the RRIP and the AAIP entries of every record.
func ERAAIP() []byte {
	const (
		id   = "AAIP_0200"
		desc = "AL PROVIDES VIA AAIP 2.0 SUPPORT FOR ARBITRARY FILE ATTRIBUTES IN ISO 9660 IMAGES"
		src  = "PLEASE CONTACT THE LIBBURNIA PROJECT VIA LIBBURNIA-PROJECT.ORG"
	)
	e := []byte{'E', 'R', byte(8 + len(id) + len(desc) + len(src)), 1, byte(len(id)), byte(len(desc)), byte(len(src)), 1}
	e = append(e, id...)
	e = append(e, desc...)
	return append(e, src...)
}

// Names of the libisofs attributes (libisofs doc/susp_aaip_isofs_names.txt).
const (
	// AttrChecksumArea is the root's attribute locating the checksum
	// array (ChecksumArea).
	AttrChecksumArea = "isofs.ca"
	// AttrChecksumIndex is a data file's index into the checksum array.
	AttrChecksumIndex = "isofs.cx"
)

// ChecksumArea is the value of "isofs.ca": the session range of entry 0
// and the array's place and shape.
type ChecksumArea struct {
	// Start is the session's first block; End the first block of the
	// checksum array. Entry 0 of the array is the MD5 of blocks
	// Start .. End-1.
	Start, End uint32
	// Count is the number of entries (N+2 for N data files).
	Count uint32
	// Size is the size of one entry: 16.
	Size uint32
	// Type is the checksum algorithm: "MD5".
	Type string
}

// Encode returns the attribute value as libisofs records it: START, END
// and COUNT as 4-byte and SIZE as a 1-byte big-endian number, each after
// its length byte, then the algorithm name.
func (c ChecksumArea) Encode() []byte {
	b := []byte{4}
	b = be32(b, c.Start)
	b = append(b, 4)
	b = be32(b, c.End)
	b = append(b, 4)
	b = be32(b, c.Count)
	if c.Size <= 0xff {
		b = append(b, 1, byte(c.Size))
	} else {
		b = append(b, 4)
		b = be32(b, c.Size)
	}
	return append(b, c.Type...)
}

func be32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// DecodeChecksumArea decodes an "isofs.ca" value: four numbers, each a
// length byte and that many big-endian bytes (leading zeros allowed),
// then the algorithm name.
func DecodeChecksumArea(v []byte) (ChecksumArea, error) {
	var c ChecksumArea
	var nums [4]uint32
	p := 0
	for i := range nums {
		var err error
		if nums[i], p, err = lenNumber(v, p); err != nil {
			return c, fmt.Errorf("%w: isofs.ca: %v", ErrAAIP, err)
		}
	}
	c.Start, c.End, c.Count, c.Size = nums[0], nums[1], nums[2], nums[3]
	c.Type = string(v[p:])
	return c, nil
}

// lenNumber reads a length byte and that many big-endian bytes at v[p:].
func lenNumber(v []byte, p int) (uint32, int, error) {
	if p >= len(v) {
		return 0, p, errors.New("value too short")
	}
	n := int(v[p])
	p++
	if p+n > len(v) {
		return 0, p, errors.New("number runs past the value")
	}
	x, err := beNumber(v[p : p+n])
	return x, p + n, err
}

// beNumber decodes a big-endian number that must fit 32 bits.
func beNumber(b []byte) (uint32, error) {
	var x uint64
	for _, c := range b {
		x = x<<8 | uint64(c)
		if x > 1<<32-1 {
			return 0, errors.New("number exceeds 32 bits")
		}
	}
	return uint32(x), nil
}

// EncodeChecksumIndex returns the "isofs.cx" value libisofs records: the
// index as a 4-byte big-endian number.
func EncodeChecksumIndex(i uint32) []byte { return be32(nil, i) }

// DecodeChecksumIndex decodes an "isofs.cx" value: a big-endian number
// of 1 to 4 significant bytes.
func DecodeChecksumIndex(v []byte) (uint32, error) {
	if len(v) == 0 {
		return 0, fmt.Errorf("%w: empty isofs.cx", ErrAAIP)
	}
	x, err := beNumber(v)
	if err != nil {
		return 0, fmt.Errorf("%w: isofs.cx: %v", ErrAAIP, err)
	}
	return x, nil
}

// ChecksumArray builds the libisofs checksum array of a session with n
// checksummed data files: entry 0 the session MD5, entries 1 .. n the
// files' MD5s (the "isofs.cx" indexes), entry n+1 the MD5 of entries
// 0 .. n. A writer assigns the indexes while laying out the image (they
// are recorded in the directory records, before the data), sets each
// file's MD5 as its data streams, and writes Encode's blocks after the
// file data.
type ChecksumArray struct {
	sums [][16]byte // entries 0 .. n+1
}

// NewChecksumArray returns an array for n files.
func NewChecksumArray(n uint32) *ChecksumArray {
	return &ChecksumArray{sums: make([][16]byte, int(n)+2)}
}

// Set records the MD5 of the file with index i (1 .. n).
func (a *ChecksumArray) Set(i uint32, sum [16]byte) error {
	if i == 0 || int(i) >= len(a.sums)-1 {
		return fmt.Errorf("isomd5: checksum index %d outside 1..%d", i, len(a.sums)-2)
	}
	a.sums[i] = sum
	return nil
}

// Count is the number of entries: n+2 (isofs.ca COUNT).
func (a *ChecksumArray) Count() uint32 { return uint32(len(a.sums)) }

// Blocks is the array's size in blocks: 128 entries fit a block.
func (a *ChecksumArray) Blocks() uint32 {
	return uint32((len(a.sums)*md5.Size + BlockSize - 1) / BlockSize)
}

// Area returns the "isofs.ca" value for an array at block end of a
// session starting at block start.
func (a *ChecksumArray) Area(start, end uint32) ChecksumArea {
	return ChecksumArea{Start: start, End: end, Count: a.Count(), Size: md5.Size, Type: "MD5"}
}

// Encode returns the array's blocks with session as entry 0 (the MD5 of
// the session up to the array, SessionSum.Sum) and the MD5 of entries
// 0 .. n as the last entry; zero bytes fill the last block.
func (a *ChecksumArray) Encode(session [16]byte) []byte {
	a.sums[0] = session
	b := make([]byte, int(a.Blocks())*BlockSize)
	last := len(a.sums) - 1
	for i := 0; i < last; i++ {
		copy(b[i*md5.Size:], a.sums[i][:])
	}
	a.sums[last] = md5.Sum(b[:last*md5.Size])
	copy(b[last*md5.Size:], a.sums[last][:])
	return b
}
