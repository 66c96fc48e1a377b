package isomd5

// libisofs checksum tags (libisofs doc/checksums.txt, "The Checksum
// Tags"): one line of text at the start of a block of 2048 bytes,
//
//	Tag_id pos=# range_start=# range_size=# [next=#|session_start=#] md5=# self=#\n
//
// followed by zero bytes.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"

	"spindle/internal/md5"
)

// TagKind is the type of a libisofs checksum tag; the values are
// libisofs's tag type numbers.
type TagKind int

const (
	// TagSession ends a session: its MD5 covers the whole session,
	// checksum array included ("libisofs_checksum_tag_v1").
	TagSession TagKind = 1
	// TagSuperblock follows the volume descriptor set terminator; its
	// MD5 covers the system area and the volume descriptors
	// ("libisofs_sb_checksum_tag_v1").
	TagSuperblock TagKind = 2
	// TagTree follows the ECMA-119 directory tree and path tables
	// ("libisofs_tree_checksum_tag_v1").
	TagTree TagKind = 3
	// TagRelocatedSuperblock follows the copy of the latest session's
	// volume descriptors at block 0 of an image for overwritable media
	// ("libisofs_rlsb32_checksum_tag_v1"); Next is that session's start.
	TagRelocatedSuperblock TagKind = 4
)

var tagMagic = [...]string{
	TagSession:             "libisofs_checksum_tag_v1",
	TagSuperblock:          "libisofs_sb_checksum_tag_v1",
	TagTree:                "libisofs_tree_checksum_tag_v1",
	TagRelocatedSuperblock: "libisofs_rlsb32_checksum_tag_v1",
}

// String returns the tag's identifier as recorded.
func (k TagKind) String() string {
	if k >= TagSession && k <= TagRelocatedSuperblock {
		return tagMagic[k]
	}
	return fmt.Sprintf("TagKind(%d)", int(k))
}

// Tag is a libisofs checksum tag.
type Tag struct {
	Kind TagKind
	// Pos is the block where the tag says it is recorded.
	Pos uint32
	// RangeStart and RangeSize are the blocks its MD5 covers: the
	// session's start up to the tag, the tag excluded.
	RangeStart, RangeSize uint32
	// Next is next= of a superblock or tree tag (the position of the
	// following tag) or session_start= of a relocated superblock tag; 0
	// for a session tag.
	Next uint32
	// MD5 is the MD5 of the range.
	MD5 [16]byte
	// Self is the MD5 of the tag's text up to the last digit of md5=,
	// as recorded (ParseTag has checked it).
	Self [16]byte
}

// ErrNoTag is returned by ParseTag for a block that holds no checksum
// tag.
var ErrNoTag = errors.New("isomd5: no libisofs checksum tag")

// ErrTagSelf is returned by ParseTag when a tag's self= MD5 does not
// match its text: the tag itself is damaged.
var ErrTagSelf = errors.New("isomd5: libisofs checksum tag damaged (self= MD5 mismatch)")

// ParseTag decodes the libisofs checksum tag at the start of block (a
// block of 2048 bytes; the tag is read up to the first zero byte). It
// returns ErrNoTag if the block holds no tag and ErrTagSelf (with the
// decoded tag) if the tag's self= checksum does not match. It reads a
// tag as libisofs's iso_util_decode_md5_tag does: after the identifier
// and one separator come "pos=", then "range_start=", "range_size=",
// next= or session_start= (for superblock, tree and relocated tags),
// "md5=" and "self=" in this order, each found by searching forward, and
// a newline right after the self= digits.
func ParseTag(block []byte) (Tag, error) {
	var t Tag
	line := block[:min(len(block), BlockSize)]
	if z := bytes.IndexByte(line, 0); z >= 0 {
		line = line[:z]
	}
	for k := TagSession; k <= TagRelocatedSuperblock; k++ {
		if bytes.HasPrefix(line, []byte(tagMagic[k])) {
			t.Kind = k
			break
		}
	}
	if t.Kind == 0 {
		return t, ErrNoTag
	}
	p := len(tagMagic[t.Kind]) + 1 // one separator, whatever it is
	if p > len(line) || !bytes.HasPrefix(line[p:], []byte("pos=")) {
		return t, ErrNoTag
	}
	var ok bool
	if t.Pos, p, ok = tagNumber(line, p, "pos="); !ok {
		return t, ErrNoTag
	}
	if t.RangeStart, p, ok = tagNumber(line, p, "range_start="); !ok {
		return t, ErrNoTag
	}
	if t.RangeSize, p, ok = tagNumber(line, p, "range_size="); !ok {
		return t, ErrNoTag
	}
	switch t.Kind {
	case TagSuperblock, TagTree:
		t.Next, p, ok = tagNumber(line, p, "next=")
	case TagRelocatedSuperblock:
		t.Next, p, ok = tagNumber(line, p, "session_start=")
	}
	if !ok {
		return t, ErrNoTag
	}
	i := bytes.Index(line[p:], []byte("md5="))
	if i < 0 {
		return t, ErrNoTag
	}
	p += i + len("md5=")
	if !tagHex(line, p, &t.MD5) {
		return t, ErrNoTag
	}
	p += 2 * md5.Size
	self := md5.Sum(line[:p])
	i = bytes.Index(line[p:], []byte("self="))
	if i < 0 {
		return t, ErrNoTag
	}
	p += i + len("self=")
	if !tagHex(line, p, &t.Self) {
		return t, ErrNoTag
	}
	if self != t.Self {
		return t, ErrTagSelf
	}
	if p += 2 * md5.Size; p >= len(line) || line[p] != '\n' {
		return t, ErrNoTag
	}
	return t, nil
}

// tagNumber finds key at or after line[p:] and reads the decimal number
// after it (at most 4294967295), returning it and the index after it.
func tagNumber(line []byte, p int, key string) (uint32, int, bool) {
	i := bytes.Index(line[p:], []byte(key))
	if i < 0 {
		return 0, 0, false
	}
	p += i + len(key)
	j := p
	for j < len(line) && j-p < 11 && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	v, err := strconv.ParseUint(string(line[p:j]), 10, 32)
	if err != nil {
		return 0, 0, false
	}
	return uint32(v), j, true
}

// tagHex decodes 32 hexadecimal digits at line[p:] into sum.
func tagHex(line []byte, p int, sum *[16]byte) bool {
	if p+2*md5.Size > len(line) {
		return false
	}
	_, err := hex.Decode(sum[:], line[p:p+2*md5.Size])
	return err == nil
}

// FormatTag returns the block libisofs writes for t: the tag's line with
// self= computed (t.Self is ignored), a newline and zero bytes. Next is
// written as next= for superblock and tree tags and as session_start= for
// a relocated superblock tag.
func FormatTag(t Tag) [BlockSize]byte {
	var b [BlockSize]byte
	s := fmt.Sprintf("%s pos=%d range_start=%d range_size=%d", t.Kind, t.Pos, t.RangeStart, t.RangeSize)
	switch t.Kind {
	case TagSuperblock, TagTree:
		s += fmt.Sprintf(" next=%d", t.Next)
	case TagRelocatedSuperblock:
		s += fmt.Sprintf(" session_start=%d", t.Next)
	}
	s += " md5=" + hex.EncodeToString(t.MD5[:])
	self := md5.Sum([]byte(s))
	s += " self=" + hex.EncodeToString(self[:]) + "\n"
	copy(b[:], s)
	return b
}

// SessionSum is the running MD5 of a session being written, from its
// first block, for the tags and the checksum array. Write every byte of
// the session to it in order, tags and array included (the tag blocks
// are part of the ranges of later tags).
type SessionSum struct {
	start uint32
	h     hash.Hash
	n     int64
}

// NewSessionSum starts the MD5 of a session that begins at block start.
func NewSessionSum(start uint32) *SessionSum {
	return &SessionSum{start: start, h: md5.New()}
}

// Write adds the next bytes of the session. It never fails.
func (s *SessionSum) Write(p []byte) (int, error) {
	s.h.Write(p)
	s.n += int64(len(p))
	return len(p), nil
}

// Sum returns the MD5 of the bytes written so far; entry 0 of the
// checksum array is Sum() when the array is about to be written.
func (s *SessionSum) Sum() [16]byte {
	var sum [16]byte
	s.h.Sum(sum[:0])
	return sum
}

// Tag returns the tag block of the given kind for the current position:
// Pos is the block after the bytes written so far, RangeStart the
// session's start and RangeSize the blocks written. next is the position
// of the following tag (superblock and tree tags; 0 for a session tag).
// The caller writes the block to the image and to s.
func (s *SessionSum) Tag(kind TagKind, next uint32) ([BlockSize]byte, error) {
	if s.n%BlockSize != 0 {
		return [BlockSize]byte{}, fmt.Errorf("isomd5: checksum tag after %d bytes, not at a block boundary", s.n)
	}
	blocks := s.n / BlockSize
	if int64(s.start)+blocks > 1<<32-1 {
		return [BlockSize]byte{}, fmt.Errorf("isomd5: checksum tag beyond block %d", uint32(1<<32-1))
	}
	return FormatTag(Tag{Kind: kind, Pos: s.start + uint32(blocks), RangeStart: s.start, RangeSize: uint32(blocks), Next: next, MD5: s.Sum()}), nil
}
