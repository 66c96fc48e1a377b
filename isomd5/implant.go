package isomd5

// The isomd5sum checksum (implantisomd5 / checkisomd5): text in the
// Application Use field of the primary volume descriptor, ECMA-119
// §8.4.32. The layout of the text, which bytes are hashed and how the
// fragment sums are placed follow isomd5sum 1.2 (see doc.go).

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"

	"spindle/internal/md5"
)

// Layout of the primary volume descriptor used here (ECMA-119 §8.4).
const (
	// AppUseOffset is the byte offset of the Application Use field in a
	// volume descriptor (ECMA-119 §8.4.32).
	AppUseOffset = 883
	// AppUseSize is the length of the Application Use field.
	AppUseSize = 512
	// vdsStart is the block of the first volume descriptor (§6.2.1).
	vdsStart = 16
	// maxDescriptors bounds the search for the primary volume descriptor.
	maxDescriptors = 256
	// volumeSpaceSizeOffset is the big-endian half of the Volume Space Size
	// (§8.4.8, recorded both-endian per §7.3.3), as isomd5sum reads it.
	volumeSpaceSizeOffset = 84
)

// isomd5sum's fixed parameters.
const (
	// DefaultSkipSectors is the number of blocks at the end of the volume
	// space that implantisomd5 leaves out of the checksum.
	DefaultSkipSectors = 15
	// DefaultFragmentCount is the number of fragment checkpoints
	// implantisomd5 records.
	DefaultFragmentCount = 20
	// fragmentSumSize is the length of the FRAGMENT SUMS text.
	fragmentSumSize = 60
	// implantChunk is the granularity at which isomd5sum evaluates
	// fragment checkpoints: it reads 16 blocks at a time.
	implantChunk = 16 * BlockSize
	md5HexLen    = 32
)

// Keys of the Application Use text, each followed by its value and ";".
const (
	keyMD5       = "ISO MD5SUM = "
	keySkip      = "SKIPSECTORS = "
	keyStatus    = "RHLISOSTATUS="
	keyFragSums  = "FRAGMENT SUMS = "
	keyFragCount = "FRAGMENT COUNT = "
	implantTrail = "THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!"
)

// ErrNotImplanted is returned by ParseAppUse when the field holds no
// isomd5sum checksum.
var ErrNotImplanted = errors.New("isomd5: no implanted MD5 in the application use field")

// ErrNoPVD is returned when the image has no primary volume descriptor.
var ErrNoPVD = errors.New("isomd5: no primary volume descriptor")

// ErrAppUseInUse is returned by Implant when the Application Use field
// holds something (it is neither all spaces nor all zero bytes) and
// ImplantOptions.Force is not set.
var ErrAppUseInUse = errors.New("isomd5: the application use field is in use (an MD5 may be implanted already)")

// AppUse is the content of an isomd5sum Application Use field.
type AppUse struct {
	// MD5 is the 32 characters after "ISO MD5SUM = ", as recorded: a
	// checker compares it with the lowercase hexadecimal MD5.
	MD5 string
	// SkipSectors is the number of blocks at the end of the volume space
	// left out of the checksum. It may be negative in a damaged field.
	SkipSectors int64
	// Supported is the RHLISOSTATUS value (1: "supported" media).
	Supported    int64
	HasSupported bool
	// FragmentSums is the 60 characters after "FRAGMENT SUMS = ", as
	// recorded; empty when the field has none, in which case no
	// fragment is checked.
	FragmentSums string
	// FragmentCount is the number of fragment checkpoints
	// (DefaultFragmentCount when the field does not say).
	FragmentCount    int64
	HasFragmentCount bool
}

// ParseAppUse decodes an isomd5sum Application Use field (ECMA-119
// §8.4.32; b is the field, normally AppUseSize bytes). It reads the field
// as checkisomd5 does: keys are searched at every position, a later key
// overrides an earlier one, and the field must name both the MD5 and
// SKIPSECTORS. Otherwise it returns ErrNotImplanted.
func ParseAppUse(b []byte) (*AppUse, error) {
	var buf [AppUseSize]byte
	copy(buf[:], b)
	buf[AppUseSize-1] = 0 // checkisomd5 reads the field as a C string
	const (
		haveMD5 = 1 << iota
		haveSkip
		haveStatus
		haveSums
		haveCount
		haveAll = 1<<iota - 1
	)
	a := &AppUse{SkipSectors: DefaultSkipSectors, FragmentCount: DefaultFragmentCount}
	have := 0
	for i := 0; i < AppUseSize; i++ {
		rest := buf[i:]
		switch {
		case bytes.HasPrefix(rest, []byte(keyMD5)):
			i += len(keyMD5)
			if i+md5HexLen >= AppUseSize {
				return nil, ErrNotImplanted
			}
			a.MD5 = string(buf[i : i+md5HexLen])
			i += md5HexLen
			i = skipTo(buf[:], i)
			have |= haveMD5
		case bytes.HasPrefix(rest, []byte(keyFragSums)):
			i += len(keyFragSums)
			if i+fragmentSumSize >= AppUseSize {
				return nil, ErrNotImplanted
			}
			a.FragmentSums = string(buf[i : i+fragmentSumSize])
			i += fragmentSumSize
			i = skipTo(buf[:], i)
			have |= haveSums
		default:
			if v, end, ok := numberAfter(buf[:], i, keySkip); ok {
				if end >= AppUseSize {
					return nil, ErrNotImplanted
				}
				a.SkipSectors, i = v, end
				have |= haveSkip
			} else if v, end, ok := numberAfter(buf[:], i, keyStatus); ok {
				a.Supported, a.HasSupported, i = v, true, end
				have |= haveStatus
			} else if v, end, ok := numberAfter(buf[:], i, keyFragCount); ok {
				a.FragmentCount, a.HasFragmentCount, i = v, true, end
				have |= haveCount
			}
		}
		if have == haveAll {
			break
		}
	}
	if have&haveMD5 == 0 || have&haveSkip == 0 {
		return nil, ErrNotImplanted
	}
	return a, nil
}

// skipTo returns the index of the next ';' in b at or after i, or len(b).
func skipTo(b []byte, i int) int {
	for i < len(b) && b[i] != ';' {
		i++
	}
	return i
}

// numberAfter reports whether b[i:] starts with key followed by a decimal
// number that extends to the next ';' (or the end of b), read as C's
// strtol reads it: leading white space and a sign are allowed, an empty
// text is 0, the text ends at a NUL byte, and the value saturates. It
// returns the value and the index of the ';'.
func numberAfter(b []byte, i int, key string) (int64, int, bool) {
	if !bytes.HasPrefix(b[i:], []byte(key)) {
		return 0, 0, false
	}
	i += len(key)
	if i >= len(b) {
		return 0, 0, false
	}
	end := skipTo(b, i)
	text := b[i:end]
	if z := bytes.IndexByte(text, 0); z >= 0 {
		text = text[:z]
	}
	j := 0
	for j < len(text) && (text[j] == ' ' || text[j] >= '\t' && text[j] <= '\r') {
		j++
	}
	neg := false
	if j < len(text) && (text[j] == '+' || text[j] == '-') {
		neg = text[j] == '-'
		j++
	}
	digits := j
	var v int64
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		if v <= (1<<63-1-9)/10 {
			v = v*10 + int64(text[j]-'0')
		} else {
			v = 1<<63 - 1
		}
		j++
	}
	if j == digits { // no digits: strtol consumes nothing
		return 0, end, len(text) == 0
	}
	if j != len(text) {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, end, true
}

// Format returns the Application Use field implantisomd5 writes for a:
// the keys in its order, padded with spaces to AppUseSize bytes.
func (a *AppUse) Format() ([AppUseSize]byte, error) {
	var f [AppUseSize]byte
	for i := range f {
		f[i] = ' '
	}
	text := keyMD5 + a.MD5 + ";" + keySkip + strconv.FormatInt(a.SkipSectors, 10) + ";" +
		keyStatus + strconv.FormatInt(a.Supported, 10) + ";" +
		keyFragSums + a.FragmentSums + ";" + keyFragCount + strconv.FormatInt(a.FragmentCount, 10) + ";" +
		implantTrail
	if len(text) >= AppUseSize {
		return f, fmt.Errorf("isomd5: application use text of %d bytes does not fit in %d", len(text), AppUseSize)
	}
	copy(f[:], text)
	return f, nil
}

// findPVD returns the byte offset of the first primary volume descriptor
// (type 1, ECMA-119 §8.4) of the image and the descriptor block. The
// descriptors are read from block 16 until a primary one, a Volume
// Descriptor Set Terminator (type 255, §8.3) or the end of the image, at
// most maxDescriptors of them. Like isomd5sum it goes by the type byte
// alone.
func findPVD(r io.ReaderAt, size int64) (int64, []byte, error) {
	b := make([]byte, BlockSize)
	for i := int64(0); i < maxDescriptors; i++ {
		off := (vdsStart + i) * BlockSize
		if off+BlockSize > size {
			break
		}
		if _, err := r.ReadAt(b, off); err != nil {
			return 0, nil, fmt.Errorf("isomd5: reading volume descriptor at byte %d: %w", off, err)
		}
		switch b[0] {
		case 1:
			return off, b, nil
		case 255:
			return 0, nil, ErrNoPVD
		}
	}
	return 0, nil, ErrNoPVD
}

// checkpoint is a place where isomd5sum finalizes the running MD5 to
// compare it with fragment slot slot.
type checkpoint struct {
	end  int64 // hash bytes [0, end) before the checkpoint
	slot int64 // 1 .. count
}

// fragmentPlan lists the checkpoints for a checksummed range of covered
// bytes cut into count+1 fragments, of which the image holds the first n
// bytes: after each 32 KiB chunk (counted from byte 0) that starts in a
// later fragment than the chunk before it, the MD5 of all bytes so far is
// compared with the slot of that fragment.
func fragmentPlan(covered, n, count int64) ([]checkpoint, error) {
	if count <= 0 || covered <= 0 {
		return nil, nil
	}
	fsize := covered / (count + 1)
	if fsize <= 0 {
		return nil, fmt.Errorf("%d fragments do not fit in %d bytes", count, covered)
	}
	var plan []checkpoint
	var prev int64
	for k := int64(1); k <= count; k++ {
		m := (k*fsize + implantChunk - 1) / implantChunk // first chunk starting in fragment >= k
		start := m * implantChunk
		if start >= n {
			break
		}
		slot := start / fsize
		if slot == prev {
			continue
		}
		plan = append(plan, checkpoint{end: min(start+implantChunk, n), slot: slot})
		prev = slot
		k = slot
	}
	return plan, nil
}

// fragmentDigits returns the characters isomd5sum records for one
// checkpoint: per digest byte, the first digit of the byte written in
// hexadecimal without leading zeros.
func fragmentDigits(sum []byte, width int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, width)
	for i := 0; i < width && i < len(sum); i++ {
		if sum[i] >= 16 {
			out = append(out, digits[sum[i]>>4])
		} else {
			out = append(out, digits[sum[i]])
		}
	}
	return string(out)
}

// ImplantHasher computes an isomd5sum Application Use field while an
// image is written: write the whole image to it, in order, from byte 0
// (with the Application Use field as the writer writes it, normally
// spaces: it is hashed as spaces either way), then call AppUse and patch
// the result at PVD offset + AppUseOffset. Bytes past the checksummed
// range are ignored.
type ImplantHasher struct {
	h        hash.Hash
	appUse   int64 // image offset of the Application Use field
	n        int64 // bytes to hash
	done     int64
	plan     []checkpoint
	next     int
	sums     []checkpoint // checkpoints reached, with digits in sumsText
	sumsText []string
	spaces   [AppUseSize]byte
}

// NewImplantHasher returns a hasher for an image whose primary volume
// descriptor is at byte pvdOffset (normally 16*2048) and whose volume
// space is volumeBlocks blocks of 2048 bytes (ECMA-119 §8.4.8).
func NewImplantHasher(pvdOffset int64, volumeBlocks uint32) *ImplantHasher {
	n := int64(volumeBlocks)*BlockSize - DefaultSkipSectors*BlockSize
	plan, _ := fragmentPlan(n, n, DefaultFragmentCount) // n is a multiple of 2048: 21 fragments always fit
	h := &ImplantHasher{h: md5.New(), appUse: pvdOffset + AppUseOffset, n: max(n, 0), plan: plan}
	for i := range h.spaces {
		h.spaces[i] = ' '
	}
	return h
}

// Write hashes the next bytes of the image. It never fails.
func (h *ImplantHasher) Write(p []byte) (int, error) {
	n := len(p)
	off := h.done
	if rest := h.n - off; int64(len(p)) > rest {
		p = p[:max(rest, 0)]
	}
	for len(p) > 0 {
		step := int64(len(p))
		if h.next < len(h.plan) {
			step = min(step, h.plan[h.next].end-off)
		}
		// Hash p[:step], with the Application Use field as spaces.
		hashBlanked(h.h, p[:step], off, h.appUse, h.spaces[:])
		off += step
		p = p[step:]
		if h.next < len(h.plan) && off == h.plan[h.next].end {
			cp := h.plan[h.next]
			h.sums = append(h.sums, cp)
			h.sumsText = append(h.sumsText, fragmentDigits(h.h.Sum(nil), fragmentSumSize/DefaultFragmentCount))
			h.next++
		}
	}
	h.done = off
	return n, nil
}

// hashBlanked writes p (at image offset off) to h with the bytes of the
// Application Use field [field, field+AppUseSize) replaced by spaces.
func hashBlanked(h hash.Hash, p []byte, off, field int64, spaces []byte) {
	end := off + int64(len(p))
	if end <= field || off >= field+AppUseSize {
		h.Write(p)
		return
	}
	lo := max(field, off) - off
	hi := min(field+AppUseSize, end) - off
	h.Write(p[:lo])
	h.Write(spaces[:hi-lo])
	h.Write(p[hi:])
}

// Complete reports whether every byte of the checksummed range was written.
func (h *ImplantHasher) Complete() bool { return h.done >= h.n }

// AppUse returns the field to record: the MD5, SKIPSECTORS 15, the
// RHLISOSTATUS flag and 20 fragment sums. A fragment slot gets the
// digits of the first checkpoint at or after it, so checkisomd5 finds the
// right digits even for images below 700 kB, where no chunk starts in
// some fragments (implantisomd5 packs its sums there and checkisomd5 then
// rejects its own image); for larger images the text is implantisomd5's
// byte for byte.
func (h *ImplantHasher) AppUse(supported bool) ([AppUseSize]byte, error) {
	if !h.Complete() {
		return [AppUseSize]byte{}, fmt.Errorf("%w: %d of %d bytes hashed", ErrTruncated, h.done, h.n)
	}
	sum := h.h.Sum(nil)
	width := fragmentSumSize / DefaultFragmentCount
	var frags []byte
	if len(h.sums) > 0 {
		j := 0
		for k := int64(1); k <= DefaultFragmentCount; k++ {
			for j < len(h.sums) && h.sums[j].slot < k {
				j++
			}
			if j < len(h.sums) {
				frags = append(frags, h.sumsText[j]...)
			} else {
				frags = append(frags, fragmentDigits(sum, width)...)
			}
		}
	}
	a := &AppUse{MD5: hex.EncodeToString(sum), SkipSectors: DefaultSkipSectors, FragmentSums: string(frags), FragmentCount: DefaultFragmentCount}
	if supported {
		a.Supported = 1
	}
	return a.Format()
}

// ImplantFile is what Implant needs of an image file.
type ImplantFile interface {
	io.ReaderAt
	io.WriterAt
}

// ImplantOptions configures Implant. The zero value behaves like
// implantisomd5 without options.
type ImplantOptions struct {
	// Force replaces an Application Use field that is in use, that is
	// neither all spaces nor all zero bytes (implantisomd5 --force; it
	// refuses zero bytes too).
	Force bool
	// Supported sets RHLISOSTATUS=1 (implantisomd5 --supported-iso).
	Supported bool
	// Progress, if set, is called as the image is hashed.
	Progress func(done, total int64)
}

// Implant computes the isomd5sum checksum of the image f (size bytes)
// and records it in the Application Use field of its primary volume
// descriptor, as implantisomd5 does. The image must hold its whole volume
// space (ECMA-119 §8.4.8).
func Implant(ctx context.Context, f ImplantFile, size int64, opt *ImplantOptions) error {
	if opt == nil {
		opt = &ImplantOptions{}
	}
	pvdOff, pvd, err := findPVD(f, size)
	if err != nil {
		return err
	}
	if field := pvd[AppUseOffset : AppUseOffset+AppUseSize]; !opt.Force && !unused(field) {
		return ErrAppUseInUse
	}
	blocks := beUint32(pvd[volumeSpaceSizeOffset:])
	h := NewImplantHasher(pvdOff, blocks)
	if h.n > size {
		return fmt.Errorf("%w: the volume space is %d blocks, the image %d bytes", ErrTruncated, blocks, size)
	}
	_, err = stream(ctx, f, 0, h.n, func(off int64, b []byte) error {
		h.Write(b)
		if opt.Progress != nil {
			opt.Progress(off+int64(len(b)), h.n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	field, err := h.AppUse(opt.Supported)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(field[:], pvdOff+AppUseOffset); err != nil {
		return fmt.Errorf("isomd5: writing the application use field at byte %d: %w", pvdOff+AppUseOffset, err)
	}
	return nil
}

// unused reports whether an Application Use field holds nothing: all
// spaces (what mastering tools write) or all zero bytes.
func unused(field []byte) bool {
	return len(bytes.Trim(field, " ")) == 0 || len(bytes.Trim(field, "\x00")) == 0
}

func beUint32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// FragmentResult is the outcome of one fragment checkpoint.
type FragmentResult struct {
	Slot     int64  // 1 .. FragmentCount
	End      int64  // the checkpoint covers image bytes [0, End)
	Expected string // the recorded characters
	Computed string
	OK       bool
}

// ImplantResult is what CheckImplanted found.
type ImplantResult struct {
	// Found reports whether the image carries an isomd5sum checksum.
	// Without one the other fields but PVDOffset are zero.
	Found bool
	// PVDOffset is the byte offset of the primary volume descriptor.
	PVDOffset int64
	// AppUse is the parsed field.
	AppUse *AppUse
	// VolumeSize is the volume space in bytes (ECMA-119 §8.4.8).
	VolumeSize int64
	// Covered is the length of the checksummed range [0, Covered):
	// VolumeSize less SkipSectors blocks; Hashed is how much of it the
	// image holds.
	Covered, Hashed int64
	// Expected is the recorded MD5 text; Computed the MD5 of the range,
	// empty if the check stopped at a bad fragment.
	Expected, Computed string
	// Fragments are the checkpoints evaluated, in order. The check stops
	// at the first that fails, as checkisomd5 does.
	Fragments []FragmentResult
	// Problem explains a field that cannot be checked (an impossible
	// fragment count); Pass is then false.
	Problem string
	// Pass is checkisomd5's verdict: every fragment checkpoint and the
	// MD5 match.
	Pass bool
}

// CheckImplanted verifies the isomd5sum checksum of the image r (size
// bytes) with the verdict of checkisomd5. An image without a checksum (or
// without a primary volume descriptor) gives Found == false and no error.
// progress, if not nil, is called as the image is hashed. Errors are
// reading errors and ctx's.
func CheckImplanted(ctx context.Context, r io.ReaderAt, size int64, progress func(done, total int64)) (*ImplantResult, error) {
	res := &ImplantResult{}
	pvdOff, pvd, err := findPVD(r, size)
	if errors.Is(err, ErrNoPVD) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.PVDOffset = pvdOff
	a, err := ParseAppUse(pvd[AppUseOffset : AppUseOffset+AppUseSize])
	if errors.Is(err, ErrNotImplanted) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Found, res.AppUse, res.Expected = true, a, a.MD5
	res.VolumeSize = int64(beUint32(pvd[volumeSpaceSizeOffset:])) * BlockSize
	// Covered = VolumeSize - SkipSectors*2048, without overflow.
	const maxBlocks = 1 << 40
	switch skip := a.SkipSectors; {
	case skip >= maxBlocks:
		res.Covered = 0
	case skip <= -maxBlocks:
		res.Covered = maxBlocks * BlockSize
	default:
		res.Covered = res.VolumeSize - skip*BlockSize
	}
	res.Covered = max(res.Covered, 0)
	n := min(res.Covered, size) // checkisomd5 stops at the end of the file

	var plan []checkpoint
	width := 0 // characters per slot
	if a.FragmentSums != "" && a.FragmentCount != 0 {
		if a.FragmentCount < 0 {
			res.Problem = fmt.Sprintf("invalid fragment count %d", a.FragmentCount)
			return res, nil
		}
		// The fragments are cut from the covered range even when the
		// image is shorter, as checkisomd5 cuts them.
		if plan, err = fragmentPlan(res.Covered, n, a.FragmentCount); err != nil {
			res.Problem = err.Error()
			return res, nil
		}
		if width = int(fragmentSumSize / min(a.FragmentCount, fragmentSumSize+1)); width == 0 {
			plan = nil // more than 60 fragments: no characters to compare
		}
	}
	h := md5.New()
	var spaces [AppUseSize]byte
	for i := range spaces {
		spaces[i] = ' '
	}
	next := 0
	errBadFragment := errors.New("bad fragment")
	if progress != nil {
		progress(0, res.Covered)
	}
	done, err := stream(ctx, r, 0, n, func(off int64, b []byte) error {
		for len(b) > 0 {
			step := int64(len(b))
			if next < len(plan) {
				step = min(step, plan[next].end-off)
			}
			hashBlanked(h, b[:step], off, pvdOff+AppUseOffset, spaces[:])
			off += step
			b = b[step:]
			if next < len(plan) && off == plan[next].end {
				cp := plan[next]
				next++
				// Slot k starts at character (k-1)*width; at most one
				// character per digest byte is compared.
				j := int((cp.slot - 1) * int64(width))
				want := a.FragmentSums[min(j, len(a.FragmentSums)):min(j+min(width, md5.Size), len(a.FragmentSums))]
				got := fragmentDigits(h.Sum(nil), width)
				fr := FragmentResult{Slot: cp.slot, End: cp.end, Expected: want, Computed: got, OK: want == got}
				res.Fragments = append(res.Fragments, fr)
				if !fr.OK {
					return errBadFragment
				}
			}
		}
		if progress != nil {
			progress(off, res.Covered)
		}
		return nil
	})
	res.Hashed = done
	if errors.Is(err, errBadFragment) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Computed = hex.EncodeToString(h.Sum(nil))
	res.Pass = res.Computed == res.Expected
	return res, nil
}
