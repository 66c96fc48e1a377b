package isomd5

// Checking libisofs checksums (libisofs doc/checksums.txt, "Usage at Read
// Time"): the tags of a session are found and verified while its blocks
// are hashed in order; the checksum array is located through the root's
// "isofs.ca" attribute and each file's MD5 through its "isofs.cx".

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"spindle/internal/md5"
)

const (
	// maxSessions bounds the sessions followed in an image for
	// overwritable media.
	maxSessions = 4096
	// maxArrayEntries bounds the checksum array (isofs.ca COUNT): 256 MiB.
	maxArrayEntries = 1 << 24
	// sbScan is how far past the volume descriptors the superblock tag
	// is looked for: libisofs looks in blocks 16 to 32 of the session.
	sbScan = 32
)

// TagCheck is the verification of one checksum tag.
type TagCheck struct {
	// Block is where the tag was found.
	Block uint32
	// Tag is the tag as recorded.
	Tag Tag
	// Computed is the MD5 of the session's blocks before Block, as read.
	Computed [16]byte
	// Problem says what is wrong; empty when OK.
	Problem string
	OK      bool
}

// SessionCheck is the verification of one session's tags.
type SessionCheck struct {
	// Start is the session's first block.
	Start uint32
	// Tags are the superblock, tree and session tags found, in order.
	Tags []TagCheck
	// End is the block after the session tag (0 if it was not reached).
	End uint32
	// Problem says why the chain of tags ends early; empty if complete.
	Problem string
	// OK reports that the superblock, tree and session tags were all
	// found and match the blocks they cover.
	OK bool
}

// FileCheck is the verification of one data file's MD5.
type FileCheck struct {
	// Path is the file's path in the Rock Ridge tree.
	Path string
	// Index is its "isofs.cx" index into the checksum array.
	Index uint32
	// Size is the length of its data.
	Size               int64
	Expected, Computed [16]byte
	Problem            string
	OK                 bool
}

// LibisofsResult is what CheckLibisofs found.
type LibisofsResult struct {
	// Found reports whether the image has libisofs checksums at all: a
	// tag or an "isofs.ca" attribute.
	Found bool
	// Relocated is the relocated superblock tag at the start of an image
	// for overwritable media; then Sessions lists every session from
	// block 32 on up to the one it points to.
	Relocated *TagCheck
	Sessions  []SessionCheck
	// TreeSession is the session whose tree, checksum array and files
	// were checked.
	TreeSession uint32
	// Area is the root's "isofs.ca" attribute; nil without one.
	Area *ChecksumArea
	// ArrayOK reports that the array's last entry is the MD5 of the
	// others and that entry 0 is the MD5 of the session up to the array.
	ArrayOK bool
	// Files are the files with an "isofs.cx" index, in directory order.
	Files []FileCheck
	// Unindexed counts data files without an "isofs.cx" index.
	Unindexed int
	// Problems lists what is wrong outside the tags and files: the
	// tree, the attributes, the array.
	Problems []string
	// OK reports that checksums were found and everything matches.
	OK bool
}

// CheckLibisofs verifies the libisofs checksums (xorriso -md5 on) of the
// session that starts at block sessionStart of the image r (size bytes):
// its superblock, tree and session tags, the checksum array and the MD5
// of every file with an index into it. If the session is the relocated
// superblock of an image for overwritable media (found at block 0 of an
// image made by xorriso -outdev on a file), every session from block
// sessionStart+32 on is checked and the tree of the latest one. Findings
// are reported in the result; errors are reading errors and ctx's.
func CheckLibisofs(ctx context.Context, r io.ReaderAt, size int64, sessionStart uint32) (*LibisofsResult, error) {
	c := &tagChecker{ctx: ctx, r: r, size: size, blocks: uint32(min(size/BlockSize, 1<<32-1)),
		budget: 3*max(size, 0) + 64<<20}
	res := &LibisofsResult{TreeSession: sessionStart}

	// Which session's tree: the one a relocated superblock points to.
	probe, _, err := c.firstTag(sessionStart)
	if err != nil {
		return nil, err
	}
	relocated := probe != nil && probe.Kind == TagRelocatedSuperblock
	// An image in the growable layout whose descriptor copy at block 16
	// carries no tag of its own (spindle master --md5 leaves it out, so
	// that the isomd5sum implant there is outside every tag's range):
	// its sessions are found from block 32 on by their descriptors, and
	// the tree is the newest session's.
	var grown []uint32
	if probe == nil && sessionStart == 0 {
		grown = growableSessions(r, size)
		if len(grown) > 0 {
			res.TreeSession = grown[len(grown)-1]
		}
	}
	if relocated {
		if probe.Next > sessionStart && probe.Next < c.blocks {
			res.TreeSession = probe.Next
		} else {
			res.Problems = append(res.Problems, fmt.Sprintf("the relocated superblock tag points to session_start=%d, outside the image", probe.Next))
		}
	}

	// The tree: isofs.ca of the root and isofs.cx of the files.
	var tree *walkResult
	pvd, _, err := findDescriptors(r, size, res.TreeSession)
	if err == nil {
		tree, err = walkTree(r, size, pvd)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrNoPVD) || errors.Is(err, ErrImage):
		res.Problems = append(res.Problems, fmt.Sprintf("directory tree of the session at block %d: %v", res.TreeSession, err))
	default:
		return nil, err
	}
	if tree != nil {
		if tree.rootAttrErr != nil {
			res.Problems = append(res.Problems, fmt.Sprintf("attributes of the root directory: %v", tree.rootAttrErr))
		}
		if v, ok := attr(tree.rootAttrs, AttrChecksumArea); ok {
			a, err := DecodeChecksumArea(v)
			if err != nil {
				res.Problems = append(res.Problems, err.Error())
			} else {
				res.Area = &a
			}
		}
	}
	if res.Area != nil && res.Area.Start == res.TreeSession {
		c.captureAt, c.capture = res.Area.End, true
	}

	// The tags, session by session.
	if relocated {
		sc, rel, err := c.checkSession(sessionStart, false)
		if err != nil {
			return nil, err
		}
		res.Relocated = rel
		if rel == nil {
			res.Sessions = append(res.Sessions, sc)
		}
		s := sessionStart + 32
		for i := 0; s < res.TreeSession && i < maxSessions; i++ {
			sc, _, err := c.checkSession(s, false)
			if err != nil {
				return nil, err
			}
			res.Sessions = append(res.Sessions, sc)
			if sc.End == 0 || sc.End > c.blocks-32 {
				break
			}
			s = nextSession(r, size, s, sc.End)
		}
	}
	for _, s := range grown[:max(len(grown)-1, 0)] {
		sc, _, err := c.checkSession(s, false)
		if err != nil {
			return nil, err
		}
		res.Sessions = append(res.Sessions, sc)
	}
	sc, rel, err := c.checkSession(res.TreeSession, true)
	if err != nil {
		return nil, err
	}
	if rel != nil && res.Relocated == nil {
		res.Relocated = rel // a relocated tag whose session could not be followed
	} else if rel == nil {
		res.Sessions = append(res.Sessions, sc)
	}

	// The array and the files.
	if res.Area != nil {
		entries, err := c.checkArray(res)
		if err != nil {
			return nil, err
		}
		if entries != nil && tree != nil {
			if err := c.checkFiles(res, tree, entries); err != nil {
				return nil, err
			}
		}
	}

	// The verdict.
	res.Found = res.Relocated != nil || res.Area != nil
	res.OK = len(res.Problems) == 0
	if res.Relocated != nil && !res.Relocated.OK {
		res.OK = false
	}
	for _, s := range res.Sessions {
		res.Found = res.Found || len(s.Tags) > 0
		// A session written without checksums (grown by a tool that did
		// not add them) is not covered; it is not damage.
		if len(s.Tags) > 0 {
			res.OK = res.OK && s.OK
		}
	}
	if res.Area != nil {
		res.OK = res.OK && res.ArrayOK
	}
	for _, f := range res.Files {
		res.OK = res.OK && f.OK
	}
	res.OK = res.OK && res.Found
	return res, nil
}

// tagChecker hashes a session in order and evaluates its tags.
type tagChecker struct {
	ctx    context.Context
	r      io.ReaderAt
	size   int64
	blocks uint32

	h      hash.Hash
	start  uint32 // session being hashed
	hashed uint32 // next block to hash

	// The MD5 of the tree session up to block captureAt (checksum array
	// entry 0), taken on the way.
	capture, captured bool
	captureAt         uint32
	entry0            [16]byte

	// budget is how many more bytes may be hashed. Sessions do not
	// overlap, nor do files but hard links (hashed once), so an image is
	// read about twice (tags, then files) and a third time if entry 0 of
	// the array must be computed apart; hostile next= and extents cannot
	// make it more.
	budget int64
}

// errBudget ends a check that would read far more than the image. It is a
// value of its own type rather than fmt.Errorf's, which would run fmt at
// program start.
var errBudget error = budgetError{}

type budgetError struct{}

func (budgetError) Error() string {
	return ErrImage.Error() + ": the checksums would make the image be read more than three times"
}
func (budgetError) Unwrap() error { return ErrImage }

// spend takes n bytes from the hashing budget.
func (c *tagChecker) spend(n int64) error {
	if c.budget -= n; c.budget < 0 {
		return errBudget
	}
	return nil
}

// isDamage reports whether err describes the image rather than a failure
// to read it.
func isDamage(err error) bool {
	return errors.Is(err, ErrTruncated) || errors.Is(err, ErrImage)
}

func (c *tagChecker) readBlock(b uint32) ([]byte, error) {
	blk := make([]byte, BlockSize)
	off := int64(b) * BlockSize
	if _, err := c.r.ReadAt(blk, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("isomd5: reading block %d: %w", b, err)
	}
	return blk, nil
}

// hashTo hashes the blocks from c.hashed up to b (excluded).
func (c *tagChecker) hashTo(b uint32, capture bool) error {
	if capture && c.capture && !c.captured && c.hashed <= c.captureAt && c.captureAt <= b {
		if err := c.hashTo(c.captureAt, false); err != nil {
			return err
		}
		c.h.Sum(c.entry0[:0])
		c.captured = true
	}
	if b <= c.hashed {
		return nil
	}
	off, n := int64(c.hashed)*BlockSize, int64(b-c.hashed)*BlockSize
	if err := c.spend(n); err != nil {
		return err
	}
	done, err := stream(c.ctx, c.r, off, n, func(_ int64, p []byte) error {
		c.h.Write(p)
		return nil
	})
	if err != nil {
		return err
	}
	if done < n {
		return fmt.Errorf("%w: block %d", ErrTruncated, (off+done)/BlockSize)
	}
	c.hashed = b
	return nil
}

// firstTag looks for the superblock (or relocated superblock) tag of the
// session at start: after its volume descriptors, in its first 32
// blocks or right after the descriptor set terminator.
func (c *tagChecker) firstTag(start uint32) (*Tag, uint32, error) {
	limit := uint64(start) + sbScan
	for b := uint64(start) + vdsStart; b < uint64(start)+vdsStart+maxDescriptors+1 && b < uint64(c.blocks); b++ {
		blk, err := c.readBlock(uint32(b))
		if err != nil {
			return nil, 0, err
		}
		if string(blk[1:6]) == "CD001" {
			limit = max(limit, b+2) // the tag follows the descriptors
			continue
		}
		t, err := ParseTag(blk)
		if err == nil || errors.Is(err, ErrTagSelf) {
			return &t, uint32(b), nil
		}
		if b+1 >= limit {
			break
		}
	}
	return nil, 0, nil
}

// evaluate checks the tag block blk found at block b (all blocks before
// it hashed) against what the session's reading says.
func (c *tagChecker) evaluate(b uint32, blk []byte, want ...TagKind) *TagCheck {
	t, err := ParseTag(blk)
	if errors.Is(err, ErrNoTag) {
		return nil
	}
	tc := &TagCheck{Block: b, Tag: t}
	c.h.Sum(tc.Computed[:0])
	var problems []string
	if errors.Is(err, ErrTagSelf) {
		problems = append(problems, "the tag is damaged (self= MD5 mismatch)")
	}
	kindOK := false
	for _, k := range want {
		kindOK = kindOK || t.Kind == k
	}
	if !kindOK {
		problems = append(problems, fmt.Sprintf("unexpected %s", t.Kind))
	}
	if t.Pos != b {
		problems = append(problems, fmt.Sprintf("pos=%d but found at block %d (relocated or copied data)", t.Pos, b))
	}
	if t.RangeStart != c.start {
		problems = append(problems, fmt.Sprintf("range_start=%d but the session starts at block %d", t.RangeStart, c.start))
	}
	if uint64(t.RangeStart)+uint64(t.RangeSize) != uint64(b) {
		problems = append(problems, fmt.Sprintf("range_size=%d does not end at the tag", t.RangeSize))
	}
	if t.MD5 != tc.Computed {
		problems = append(problems, fmt.Sprintf("MD5 mismatch: recorded %x, blocks %d..%d give %x", t.MD5, c.start, b-1, tc.Computed))
	}
	if len(problems) == 0 {
		tc.OK = true
	} else {
		tc.Problem = joinProblems(problems)
	}
	return tc
}

func joinProblems(p []string) string {
	var b bytes.Buffer
	for i, s := range p {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// checkSession follows the tags of the session at start: the superblock
// tag, then the tags each next= points to. A relocated superblock tag
// found instead is verified and returned on its own.
func (c *tagChecker) checkSession(start uint32, capture bool) (SessionCheck, *TagCheck, error) {
	sc := SessionCheck{Start: start}
	c.h, c.start, c.hashed = md5.New(), start, start
	t, b, err := c.firstTag(start)
	if err != nil {
		return sc, nil, err
	}
	if t == nil {
		sc.Problem = "no superblock checksum tag"
		return sc, nil, nil
	}
	want := []TagKind{TagSuperblock, TagRelocatedSuperblock}
	for range 3 {
		if err := c.hashTo(b, capture); err != nil {
			if isDamage(err) {
				sc.Problem = err.Error()
				return sc, nil, nil
			}
			return sc, nil, err
		}
		blk, err := c.readBlock(b)
		if err != nil {
			return sc, nil, err
		}
		tc := c.evaluate(b, blk, want...)
		if tc == nil {
			sc.Problem = fmt.Sprintf("no %s at block %d", want[0], b)
			return sc, nil, nil
		}
		if tc.Tag.Kind == TagRelocatedSuperblock {
			return sc, tc, nil
		}
		sc.Tags = append(sc.Tags, *tc)
		c.h.Write(blk) // the tag is covered by the tags after it
		c.hashed = b + 1
		if tc.Tag.Kind == TagSession {
			sc.End = b + 1
			break
		}
		next := tc.Tag.Next
		if next <= b || next >= c.blocks {
			sc.Problem = fmt.Sprintf("%s at block %d: next=%d is outside the image or not after the tag", tc.Tag.Kind, b, next)
			return sc, nil, nil
		}
		b = next
		if tc.Tag.Kind == TagSuperblock {
			want = []TagKind{TagTree}
		} else {
			want = []TagKind{TagSession}
		}
	}
	if sc.End == 0 {
		sc.Problem = "no session checksum tag"
		return sc, nil, nil
	}
	sc.OK = len(sc.Tags) == 3
	for _, t := range sc.Tags {
		sc.OK = sc.OK && t.OK
	}
	return sc, nil, nil
}

// checkArray reads and verifies the checksum array res.Area describes,
// returning its entries (nil if it cannot be used).
func (c *tagChecker) checkArray(res *LibisofsResult) ([][16]byte, error) {
	a := res.Area
	fail := func(format string, args ...any) ([][16]byte, error) {
		res.Problems = append(res.Problems, "checksum array: "+fmt.Sprintf(format, args...))
		return nil, nil
	}
	if a.Type != "MD5" || a.Size != md5.Size {
		return fail("isofs.ca names %d-byte %q checksums, not 16-byte MD5", a.Size, a.Type)
	}
	if a.Count < 2 || a.Count > maxArrayEntries {
		return fail("isofs.ca COUNT %d outside 2..%d", a.Count, maxArrayEntries)
	}
	if a.End < a.Start || int64(a.End)*BlockSize+int64(a.Count)*md5.Size > c.size {
		return fail("isofs.ca places %d entries at block %d (session start %d), outside the image", a.Count, a.End, a.Start)
	}
	raw := make([]byte, int(a.Count)*md5.Size)
	if _, err := c.r.ReadAt(raw, int64(a.End)*BlockSize); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("isomd5: reading the checksum array at block %d: %w", a.End, err)
	}
	entries := make([][16]byte, a.Count)
	for i := range entries {
		copy(entries[i][:], raw[i*md5.Size:])
	}
	ok := true
	if sum := md5.Sum(raw[:len(raw)-md5.Size]); sum != entries[len(entries)-1] {
		ok = false
		res.Problems = append(res.Problems, fmt.Sprintf("checksum array: the last entry %x is not the MD5 %x of the others", entries[len(entries)-1], sum))
	}
	// Entry 0: the MD5 of blocks Start .. End-1, taken while the tags
	// were checked, or computed now.
	if !c.captured || a.Start != res.TreeSession {
		c.h, c.start, c.hashed, c.capture = md5.New(), a.Start, a.Start, false
		if err := c.hashTo(a.End, false); err != nil {
			if !isDamage(err) {
				return nil, err
			}
			res.Problems = append(res.Problems, "checksum array: "+err.Error())
			return nil, nil
		}
		c.h.Sum(c.entry0[:0])
	}
	if c.entry0 != entries[0] {
		ok = false
		res.Problems = append(res.Problems, fmt.Sprintf("checksum array: entry 0 %x is not the MD5 %x of blocks %d..%d", entries[0], c.entry0, a.Start, a.End-1))
	}
	res.ArrayOK = ok
	return entries, nil
}

// checkFiles computes the MD5 of every file with an isofs.cx index and
// compares it with the array's entry.
func (c *tagChecker) checkFiles(res *LibisofsResult, tree *walkResult, entries [][16]byte) error {
	type key struct {
		lba  uint32
		size int64
	}
	done := map[key][16]byte{}
	for _, f := range tree.files {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		v, ok := attr(f.attrs, AttrChecksumIndex)
		if !ok {
			if f.attrErr != nil {
				res.Problems = append(res.Problems, fmt.Sprintf("%s: attributes: %v", f.path, f.attrErr))
			} else if len(f.extents) > 0 && f.size > 0 {
				res.Unindexed++
			}
			continue
		}
		fc := FileCheck{Path: f.path, Size: f.size}
		idx, err := DecodeChecksumIndex(v)
		switch {
		case err != nil:
			fc.Problem = err.Error()
		case idx == 0 || idx >= uint32(len(entries))-1:
			fc.Index = idx
			fc.Problem = fmt.Sprintf("isofs.cx index %d outside 1..%d", idx, len(entries)-2)
		default:
			fc.Index, fc.Expected = idx, entries[idx]
			k := key{f.extents[0].lba, f.size}
			sum, seen := done[k]
			if !seen {
				if sum, err = c.fileMD5(f); err != nil {
					if !isDamage(err) {
						return err
					}
					fc.Problem = err.Error()
					break
				}
				done[k] = sum
			}
			fc.Computed = sum
			if sum == fc.Expected {
				fc.OK = true
			} else {
				fc.Problem = fmt.Sprintf("MD5 mismatch: recorded %s, data gives %s", hex.EncodeToString(fc.Expected[:]), hex.EncodeToString(sum[:]))
			}
		}
		res.Files = append(res.Files, fc)
	}
	return nil
}

// fileMD5 hashes a file's data, extent after extent.
func (c *tagChecker) fileMD5(f walkFile) ([16]byte, error) {
	var sum [16]byte
	h := md5.New()
	for _, e := range f.extents {
		off := int64(e.lba) * BlockSize
		if off+int64(e.length) > c.size {
			return sum, fmt.Errorf("%w: the data of %s (block %d, %d bytes) ends past the image", ErrTruncated, f.path, e.lba, e.length)
		}
		if err := c.spend(int64(e.length)); err != nil {
			return sum, err
		}
		n, err := stream(c.ctx, c.r, off, int64(e.length), func(_ int64, p []byte) error {
			h.Write(p)
			return nil
		})
		if err != nil {
			return sum, err
		}
		if n < int64(e.length) {
			return sum, fmt.Errorf("%w: the data of %s is cut at byte %d", ErrTruncated, f.path, off+n)
		}
	}
	h.Sum(sum[:0])
	return sum, nil
}

// growableSessions returns the session starts of an image in the growable
// layout (libisofs for image files and overwritable media): a session at
// block 32 and each next one at the multiple of 32 blocks after the end
// its own primary descriptor records (ECMA-119 §8.4.8 there holds the
// session's size), up to the volume size the copy at block 16 records.
// It returns nil for any other image.
func growableSessions(r io.ReaderAt, size int64) []uint32 {
	top, _, err := findDescriptors(r, size, 0)
	if err != nil {
		return nil
	}
	end := binary.LittleEndian.Uint32(top[80:])
	var out []uint32
	for s := uint32(32); s < end && len(out) < maxSessions; {
		pvd, _, err := findDescriptors(r, size, s)
		if err != nil {
			break
		}
		out = append(out, s)
		n := binary.LittleEndian.Uint32(pvd[80:])
		next := (uint64(s) + uint64(n) + 31) &^ 31
		if n == 0 || next > 1<<32-1 {
			break
		}
		s = uint32(next)
	}
	return out
}

// nextSession returns where the session after the one at block s begins:
// from the size its descriptor records, or else after its session tag's
// end, rounded up to 32 blocks either way.
func nextSession(r io.ReaderAt, size int64, s, tagEnd uint32) uint32 {
	if pvd, _, err := findDescriptors(r, size, s); err == nil {
		if n := binary.LittleEndian.Uint32(pvd[80:]); n > 0 {
			if next := (uint64(s) + uint64(n) + 31) &^ 31; next <= 1<<32-1 && uint32(next) >= tagEnd {
				return uint32(next)
			}
		}
	}
	return (tagEnd + 31) &^ 31
}
