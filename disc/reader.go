package disc

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"spindle/cd"
)

// Errors of Reader, wrapped in *SectorError.
var (
	// ErrNoSector reports an address outside the tracks and lead-outs of
	// the layout: a lead-in, the space between sessions of an image that
	// does not describe it, or beyond the last lead-out.
	ErrNoSector = errors.New("no such sector on the disc")
	// ErrUnreadable reports a link, run-in or run-out block of a track
	// written track-at-once (Track.TAO), which a drive cannot read.
	ErrUnreadable = errors.New("link, run-in or run-out block: not readable")
	// ErrShortFile reports a backing file that ends before the sectors a
	// segment says it holds. A file that ends inside a segment's last
	// sector is not short: the rest of that sector is zeros, as cdrdao
	// pads the last block of its data.
	ErrShortFile = errors.New("the file ends before the sector")
	// ErrClosed reports a read after Close.
	ErrClosed = errors.New("disc: reader closed")
)

// SectorError is the error of a Reader's read: the address, and where the
// sector is stored when it is. It wraps ErrNoSector, ErrUnreadable,
// ErrShortFile or the error of the backing file.
type SectorError struct {
	LBA    cd.LBA
	Track  int    // 0 when the address is in no track
	File   string // the backing file, "" for a generated sector
	Offset int64  // the sector's byte offset in File (as Segment.Offset counts)
	Err    error
}

func (e *SectorError) Error() string {
	where := fmt.Sprintf("sector %d", e.LBA)
	if e.Track != 0 {
		where += fmt.Sprintf(" (track %d)", e.Track)
	}
	if e.File != "" {
		return fmt.Sprintf("disc: %s: %s byte %d: %v", where, e.File, e.Offset, e.Err)
	}
	return fmt.Sprintf("disc: %s: %v", where, e.Err)
}

func (e *SectorError) Unwrap() error { return e.Err }

// Block says what a sector is in the recording's terms: user data, or
// one of the blocks a recorder adds around a TAO track.
type Block uint8

const (
	BlockData   Block = iota // a sector of a track, pre-gap or lead-out
	BlockLink                // the link block at the start of a TAO pre-gap
	BlockRunIn               // one of the run-in blocks after it
	BlockRunOut              // one of the two run-out blocks ending a TAO track
)

// Position is what a sector of the disc is: the session, track and index
// it belongs to and where it is stored.
type Position struct {
	LBA cd.LBA
	// Session is the session's number.
	Session int
	// Track is the track the sector belongs to; in a lead-out, the
	// session's last track, whose mode and control the lead-out takes.
	Track *Track
	// LeadOut is set in a session's lead-out.
	LeadOut bool
	// Index is 0 in a pre-gap, 1 from INDEX 01, then the number of the
	// last of Track.Indexes at or before the sector; 1 in a lead-out
	// (ECMA-130 §22.3: the lead-out's Q carries index 01).
	Index int
	// Block is BlockData except in the link, run-in and run-out blocks of
	// a TAO track.
	Block Block
	// Segment is where the sector is stored, nil for a generated sector;
	// Offset is its byte offset in Segment.File (as Segment.Offset counts).
	Segment *Segment
	Offset  int64
}

// Reader reads the sectors of a layout from its backing files: what a
// drive would read from the disc the layout describes, from the first
// track's pre-gap to the end of the last lead-out. It is safe for
// concurrent use: every read is an independent ReadAt of the backing
// files, which are opened on first use and kept open until Close.
//
// Sectors the layout does not store are generated: silence for audio, and
// for data sectors of the track's mode with zero user data, built with
// sync, header, EDC and ECC for their address (the pre-gap and post-gap
// sectors a CUE sheet or TOC file describes without data, the part of a
// session's first pre-gap an image leaves out, the lead-out). A lead-out
// is as long as the Orange Book makes it (LeadOutLength), or up to where
// the next session's program area begins in an image without the space
// between sessions.
type Reader struct {
	l      *Layout
	open   Opener
	spans  []span // in address order, not overlapping
	mu     sync.Mutex
	files  map[string]*backing
	closed bool
}

// span is a run of addresses: one track with its pre-gap, or a lead-out.
type span struct {
	start, end cd.LBA
	session    int // index in Layout.Sessions
	number     int // the session's number
	track      *Track
	leadOut    bool
	dataStart  cd.LBA   // where track.Data begins (Start − Pregap)
	segStart   []cd.LBA // where each segment of track.Data begins
	dataEnd    cd.LBA   // after the last segment
}

// backing is an opened backing file.
type backing struct {
	once     sync.Once
	r        io.ReaderAt
	err      error
	waveOnce sync.Once
	waveBase int64
	waveErr  error
}

// maxLBA bounds the addresses of a layout a Reader takes.
const maxLBA = math.MaxInt32 - 1

// maxSectorSize bounds the bytes a segment stores per sector (2352 and 96
// of sub-channel are the most any image format stores), and so the
// buffers a read allocates.
const maxSectorSize = 4096

// NewReader returns a Reader of the sectors of l, whose backing files open
// opens (the names as the segments give them). l must not change while
// the Reader is in use. NewReader checks what it relies on: tracks in
// address order without overlap, lengths and segments that fit their
// track; it fails with an error wrapping ErrLayout otherwise.
func NewReader(l *Layout, open Opener) (*Reader, error) {
	r := &Reader{l: l, open: open, files: map[string]*backing{}}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrLayout, fmt.Sprintf(format, a...))
	}
	var prevEnd cd.LBA = math.MinInt32
	for si := range l.Sessions {
		s := &l.Sessions[si]
		if len(s.Tracks) == 0 {
			continue
		}
		g := l.Geometry(si)
		for ti := range s.Tracks {
			t := &s.Tracks[ti]
			if t.Pregap < 0 || t.Length <= 0 || int64(t.Start)-int64(t.Pregap) < -math.MaxInt32 ||
				int64(t.Start)+int64(t.Length) > maxLBA {
				return nil, bad("track %d: start %d, pre-gap %d and length %d sectors", t.Number, t.Start, t.Pregap, t.Length)
			}
			sp := span{session: si, number: s.Number, track: t, end: t.End(), dataStart: t.Start - cd.LBA(t.Pregap)}
			sp.start = sp.dataStart
			if ti == 0 {
				sp.start = min(sp.start, g.ProgramStart)
			} else if prevEnd < sp.start {
				sp.start = prevEnd // a gap between tracks is pre-gap
			}
			if sp.start < prevEnd {
				return nil, bad("track %d begins at %d, before the sector %d where the one before ends", t.Number, sp.start, prevEnd)
			}
			at := sp.dataStart
			for i, d := range t.Data {
				if d.Sectors < 0 || d.Offset < 0 || d.File != "" && (d.SectorSize <= 0 || d.SectorSize > maxSectorSize || d.SubChannel < 0 || d.SubChannel > d.SectorSize) {
					return nil, bad("track %d: segment %d: %d sectors of %d bytes (%d of sub-channel) at byte %d", t.Number, i, d.Sectors, d.SectorSize, d.SubChannel, d.Offset)
				}
				if int64(at)+int64(d.Sectors) > int64(sp.end) {
					return nil, bad("track %d: its data runs past its end", t.Number)
				}
				sp.segStart = append(sp.segStart, at)
				at += cd.LBA(d.Sectors)
			}
			sp.dataEnd = at
			r.spans = append(r.spans, sp)
			prevEnd = sp.end
		}
		// The lead-out, up to where the next session's program area
		// begins.
		lo := span{session: si, number: s.Number, track: &s.Tracks[len(s.Tracks)-1], leadOut: true, start: max(g.LeadOut, prevEnd)}
		if int64(lo.start)+int64(g.LeadOutLength) > maxLBA {
			return nil, bad("session %d: lead-out at %d", s.Number, g.LeadOut)
		}
		lo.end = lo.start.Add(g.LeadOutLength)
		for sj := si + 1; sj < len(l.Sessions); sj++ {
			if len(l.Sessions[sj].Tracks) > 0 {
				lo.end = min(lo.end, l.Geometry(sj).ProgramStart)
				break
			}
		}
		if lo.end > lo.start {
			r.spans = append(r.spans, lo)
			prevEnd = lo.end
		}
	}
	return r, nil
}

// Layout returns the layout read.
func (r *Reader) Layout() *Layout { return r.l }

// Close closes the backing files that were opened and implement io.Closer.
// Reads after Close fail with ErrClosed.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	var errs []error
	for _, b := range r.files {
		if c, ok := b.r.(io.Closer); ok && b.err == nil {
			errs = append(errs, c.Close())
		}
	}
	r.files = nil
	return errors.Join(errs...)
}

// find returns the span holding lba, or nil.
func (r *Reader) find(lba cd.LBA) *span {
	i := sort.Search(len(r.spans), func(i int) bool { return r.spans[i].end > lba })
	if i < len(r.spans) && r.spans[i].start <= lba {
		return &r.spans[i]
	}
	return nil
}

// Locate says what the sector at lba is. It fails with an error wrapping
// ErrNoSector for an address outside the tracks and lead-outs.
func (r *Reader) Locate(lba cd.LBA) (Position, error) {
	sp := r.find(lba)
	if sp == nil {
		return Position{}, &SectorError{LBA: lba, Err: ErrNoSector}
	}
	return sp.position(lba), nil
}

func (sp *span) position(lba cd.LBA) Position {
	t := sp.track
	p := Position{LBA: lba, Session: sp.number, Track: t, Index: 1, LeadOut: sp.leadOut}
	if sp.leadOut {
		return p
	}
	if lba < t.Start {
		p.Index = 0
	}
	for _, x := range t.Indexes {
		if lba >= x.LBA {
			p.Index = x.Number
		}
	}
	p.Block = sp.block(lba)
	if i := sp.segment(lba); i >= 0 {
		d := &t.Data[i]
		p.Segment = d
		p.Offset = d.Offset + int64(lba-sp.segStart[i])*int64(d.SectorSize)
	}
	return p
}

// block is the kind of the sector at lba of a track's span.
func (sp *span) block(lba cd.LBA) Block {
	t := sp.track
	if !t.TAO || sp.leadOut {
		return BlockData
	}
	switch {
	case lba >= t.End()-cd.LBA(RunOutBlocks):
		return BlockRunOut
	case lba >= sp.dataStart && lba < sp.dataStart+cd.LBA(LinkBlocks):
		return BlockLink
	case lba >= sp.dataStart+cd.LBA(LinkBlocks) && lba < sp.dataStart+cd.LBA(LinkBlocks+RunInBlocks):
		return BlockRunIn
	}
	return BlockData
}

// segment is the index of the segment of Data holding lba, or -1 when the
// sector is generated.
func (sp *span) segment(lba cd.LBA) int {
	if sp.leadOut || lba < sp.dataStart || lba >= sp.dataEnd {
		return -1
	}
	i := sort.Search(len(sp.segStart), func(i int) bool { return sp.segStart[i] > lba }) - 1
	for ; i >= 0; i-- {
		// Segments of no sectors share their address with the next one.
		if d := sp.track.Data[i]; d.Sectors > 0 && lba < sp.segStart[i]+cd.LBA(d.Sectors) {
			if d.File == "" {
				return -1
			}
			return i
		}
	}
	return -1
}

// run is a stretch of sectors that come from the same place: one segment,
// or generated sectors, of one kind of block.
type run struct {
	sp    *span
	lba   cd.LBA
	n     int
	seg   int   // index in Data, -1 for generated
	off   int64 // byte offset of the first sector in the segment's file
	block Block
}

// runAt returns the run that starts at lba, at most max sectors long.
func (r *Reader) runAt(lba cd.LBA, max int) (run, error) {
	sp := r.find(lba)
	if sp == nil {
		return run{}, &SectorError{LBA: lba, Err: ErrNoSector}
	}
	ru := run{sp: sp, lba: lba, seg: sp.segment(lba), block: sp.block(lba)}
	end := sp.end
	if ru.seg >= 0 {
		d := &sp.track.Data[ru.seg]
		end = sp.segStart[ru.seg] + cd.LBA(d.Sectors)
		ru.off = d.Offset + int64(lba-sp.segStart[ru.seg])*int64(d.SectorSize)
	} else if !sp.leadOut {
		// Generated sectors run to the next segment.
		for i, s := range sp.segStart {
			if s > lba && s < end && sp.track.Data[i].Sectors > 0 {
				end = s
				break
			}
		}
		if lba < sp.dataStart {
			end = min(end, sp.dataStart)
		} else if lba >= sp.dataEnd {
			end = min(end, sp.track.End())
		}
	}
	// The TAO blocks are runs of their own.
	if t := sp.track; t.TAO && !sp.leadOut {
		for _, b := range []cd.LBA{sp.dataStart, sp.dataStart + cd.LBA(LinkBlocks), sp.dataStart + cd.LBA(LinkBlocks+RunInBlocks), t.End() - cd.LBA(RunOutBlocks)} {
			if b > lba && b < end {
				end = b
			}
		}
	}
	ru.n = int(min(int64(end-lba), int64(max)))
	return ru, nil
}

// file returns the opened backing file name.
func (r *Reader) file(name string) (*backing, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	b := r.files[name]
	if b == nil {
		b = &backing{}
		r.files[name] = b
	}
	r.mu.Unlock()
	b.once.Do(func() {
		if r.open == nil {
			b.err = errors.New("no opener for backing files")
			return
		}
		b.r, b.err = r.open(name)
		if b.err == nil && b.r == nil {
			b.err = errors.New("opener returned no file")
		}
	})
	return b, b.err
}

// readStored reads the stored bytes of a run of a segment into dst (n
// whole stored sectors), zero-filling a last sector that the file ends in.
func (r *Reader) readStored(ru run, dst []byte) error {
	d := &ru.sp.track.Data[ru.seg]
	fail := func(lba cd.LBA, off int64, err error) error {
		return &SectorError{LBA: lba, Track: ru.sp.track.Number, File: d.File, Offset: off, Err: err}
	}
	b, err := r.file(d.File)
	if err != nil {
		return fail(ru.lba, ru.off, err)
	}
	base := ru.off
	if d.Wave {
		b.waveOnce.Do(func() { b.waveBase, b.waveErr = waveData(b.r) })
		if b.waveErr != nil {
			return fail(ru.lba, ru.off, b.waveErr)
		}
		base += b.waveBase
	}
	n, err := b.r.ReadAt(dst, base)
	if n == len(dst) {
		return nil
	}
	if err == nil || err == io.EOF {
		// Where the file ends, in the segment: inside its last sector is
		// padding; before it, the file is short.
		segEnd := d.Offset + d.Bytes()
		at := ru.off + int64(n)
		if at > segEnd-int64(d.SectorSize) {
			clear(dst[n:])
			return nil
		}
		k := cd.LBA((at - ru.off) / int64(d.SectorSize))
		return fail(ru.lba+k, ru.off+int64(k)*int64(d.SectorSize), fmt.Errorf("%w (it ends at byte %d)", ErrShortFile, at))
	}
	k := cd.LBA(n / d.SectorSize)
	return fail(ru.lba+k, ru.off+int64(k)*int64(d.SectorSize), err)
}

// chunkSectors bounds the sectors read into a scratch buffer at once.
const chunkSectors = 64

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSectors*(cd.RawSectorSize+cd.SubchannelSize)); return &b }}

func getScratch(n int) *[]byte {
	p := scratchPool.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, n)
	}
	*p = (*p)[:n]
	return p
}

// ReadRaw reads the raw 2352-byte sectors from lba on into buf, whose
// length must be a multiple of cd.RawSectorSize (several sectors are read
// at once): audio in the CD's little-endian sample order, data sectors
// stored raw as they are stored, and data stored as user data, or
// generated, built with sync, header, subheader, EDC and ECC for their
// address (ECMA-130 §14, Annex A; see cd.EncodeSector). Sub-channel data
// stored with a sector is left out (see SubChannel).
//
// Errors are *SectorError naming the address and, where there is one, the
// file and byte offset: ErrNoSector outside the tracks and lead-outs,
// ErrUnreadable for the link, run-in and run-out blocks of a TAO track,
// ErrShortFile or the file's error when the data cannot be read. The
// sectors before the failing one are in buf.
func (r *Reader) ReadRaw(lba cd.LBA, buf []byte) error {
	return r.readRaw(lba, buf, false)
}

func (r *Reader) readRaw(lba cd.LBA, buf []byte, taoAsData bool) error {
	if len(buf)%cd.RawSectorSize != 0 {
		return fmt.Errorf("disc: ReadRaw: a buffer of %d bytes is not a whole number of %d-byte sectors", len(buf), cd.RawSectorSize)
	}
	for len(buf) > 0 {
		ru, err := r.runAt(lba, len(buf)/cd.RawSectorSize)
		if err != nil {
			return err
		}
		if ru.block != BlockData && !taoAsData {
			return &SectorError{LBA: lba, Track: ru.sp.track.Number, Err: ErrUnreadable}
		}
		dst := buf[:ru.n*cd.RawSectorSize]
		if err := r.rawRun(ru, dst, taoAsData); err != nil {
			return err
		}
		lba += cd.LBA(ru.n)
		buf = buf[len(dst):]
	}
	return nil
}

// sectorMode is the codec's mode for sectors of m.
func sectorMode(m Mode) cd.SectorMode {
	switch m {
	case Audio:
		return cd.Audio
	case Mode0:
		return cd.Mode0
	case Mode1:
		return cd.Mode1
	case Mode2Form1:
		return cd.Mode2Form1
	case Mode2Form2:
		return cd.Mode2Form2
	}
	return cd.Mode2Formless
}

// rawRun reads one run of raw sectors.
func (r *Reader) rawRun(ru run, dst []byte, taoAsData bool) error {
	t := ru.sp.track
	mode := t.Mode
	sm := sectorMode(mode)
	if ru.seg < 0 || ru.block != BlockData && taoAsData {
		if mode == Audio {
			clear(dst)
			return nil
		}
		var zero [cd.Mode2SectorSize]byte
		for k := 0; k < ru.n; k++ {
			lba := ru.lba + cd.LBA(k)
			if err := cd.EncodeSector((*[cd.RawSectorSize]byte)(dst[k*cd.RawSectorSize:]), lba, sm, zero[:max(sm.UserSize(), 0)], [4]byte{}); err != nil {
				return &SectorError{LBA: lba, Track: t.Number, Err: err}
			}
		}
		return nil
	}
	d := &t.Data[ru.seg]
	if d.SectorSize == cd.RawSectorSize && (d.Storage == StoreRaw || mode == Audio) {
		// Stored as they are read: straight into dst.
		if err := r.readStored(ru, dst); err != nil {
			return err
		}
		if mode == Audio && d.SwapBytes {
			cd.SwapAudio(dst)
		}
		return nil
	}
	return r.eachStored(ru, func(i int, off int64, stored []byte) error {
		lba := ru.lba + cd.LBA(i)
		if err := encodeStored((*[cd.RawSectorSize]byte)(dst[i*cd.RawSectorSize:]), lba, mode, d, stored); err != nil {
			return &SectorError{LBA: lba, Track: t.Number, File: d.File, Offset: off, Err: err}
		}
		return nil
	})
}

// eachStored reads the stored sectors of run ru in chunks through a pooled
// buffer and calls fn with each sector's index in the run, its byte offset
// in the file and its stored bytes (valid only during the call).
func (r *Reader) eachStored(ru run, fn func(i int, off int64, stored []byte) error) error {
	size := ru.sp.track.Data[ru.seg].SectorSize
	for done := 0; done < ru.n; {
		part := ru
		part.lba += cd.LBA(done)
		part.off += int64(done) * int64(size)
		part.n = min(ru.n-done, chunkSectors)
		sp := getScratch(part.n * size)
		err := r.readStored(part, *sp)
		for k := 0; err == nil && k < part.n; k++ {
			err = fn(done+k, part.off+int64(k)*int64(size), (*sp)[k*size:(k+1)*size])
		}
		scratchPool.Put(sp)
		if err != nil {
			return err
		}
		done += part.n
	}
	return nil
}

// encodeStored builds the raw sector at lba from one stored sector of d.
func encodeStored(dst *[cd.RawSectorSize]byte, lba cd.LBA, mode Mode, d *Segment, stored []byte) error {
	sm := sectorMode(mode)
	switch {
	case mode == Audio:
		clear(dst[copy(dst[:], stored):])
		if d.SwapBytes {
			cd.SwapAudio(dst[:])
		}
		return nil
	case d.Storage == StoreRaw:
		clear(dst[copy(dst[:], stored):])
		return nil
	}
	var user []byte
	var sub [4]byte
	switch {
	case sm == cd.Mode0:
	case d.Storage == StoreMode2 && (sm == cd.Mode2Form1 || sm == cd.Mode2Form2):
		// Subheader (twice), then the form's data (ECMA-130 §14.5).
		copy(sub[:], stored)
		user = tail(stored, 8, sm.UserSize())
	case d.Storage == StoreMode2:
		user = tail(stored, 0, cd.Mode2SectorSize)
	default:
		user = tail(stored, 0, sm.UserSize())
	}
	if sm != cd.Mode0 && len(user) < sm.UserSize() {
		user = append(append(make([]byte, 0, sm.UserSize()), user...), make([]byte, sm.UserSize()-len(user))...)
	}
	return cd.EncodeSector(dst, lba, sm, user, sub)
}

// tail returns b[from:from+n], as much of it as b has.
func tail(b []byte, from, n int) []byte {
	if from >= len(b) {
		return nil
	}
	return b[from:min(len(b), from+n)]
}

// userRange is where the user data of a sector of mode m lies in the raw
// sector (ECMA-130 §14; the XA forms after their subheader).
func userRange(m Mode) (from, to int) {
	switch m {
	case Audio:
		return 0, cd.RawSectorSize
	case Mode1:
		return 16, 16 + cd.DataSectorSize
	case Mode2Form1:
		return 24, 24 + cd.DataSectorSize
	case Mode2Form2:
		return 24, 24 + cd.Form2DataSize
	}
	return 16, cd.RawSectorSize // Mode 0, formless and mixed Mode 2: all after the header
}

// ReadUser reads the user data of the sectors from lba on into buf: for
// each sector the bytes of Mode.UserSize of its track's mode, which are
// those ReadRaw's sector holds there (2048 bytes of Mode 1 and Form 1,
// 2324 of Form 2, the 2336 after the header of formless or mixed Mode 2
// and of Mode 0, 2352 of audio). All the sectors must belong to one
// track (pre-gap included) and buf must hold a whole number of them. It
// is what a drive's READ command returns of a data track, and it reads
// user data stored as such without building the raw sector.
func (r *Reader) ReadUser(lba cd.LBA, buf []byte) error {
	sp := r.find(lba)
	if sp == nil || sp.leadOut {
		return &SectorError{LBA: lba, Err: ErrNoSector}
	}
	t := sp.track
	us := t.Mode.UserSize()
	if len(buf)%us != 0 {
		return fmt.Errorf("disc: ReadUser: a buffer of %d bytes is not a whole number of %d-byte sectors of track %d", len(buf), us, t.Number)
	}
	if last := int64(lba) + int64(len(buf)/us); last > int64(sp.end) {
		return &SectorError{LBA: sp.end, Track: t.Number, Err: fmt.Errorf("%w: the read runs past the end of track %d", ErrNoSector, t.Number)}
	}
	from, to := userRange(t.Mode)
	for len(buf) > 0 {
		ru, err := r.runAt(lba, len(buf)/us)
		if err != nil {
			return err
		}
		if ru.block != BlockData {
			return &SectorError{LBA: lba, Track: t.Number, Err: ErrUnreadable}
		}
		dst := buf[:ru.n*us]
		if err := r.userRun(ru, dst, us, from, to); err != nil {
			return err
		}
		lba += cd.LBA(ru.n)
		buf = buf[len(dst):]
	}
	return nil
}

// userRun reads the user data of one run.
func (r *Reader) userRun(ru run, dst []byte, us, from, to int) error {
	t := ru.sp.track
	if ru.seg < 0 {
		clear(dst) // a generated sector's user data is zeros, in every mode
		return nil
	}
	d := &t.Data[ru.seg]
	if d.SectorSize == us && (t.Mode == Audio || d.Storage == StoreUser && t.Mode != Mode0 ||
		d.Storage == StoreMode2 && (t.Mode == Mode2 || t.Mode == Mode2Mixed)) {
		// Stored as they are read: straight into dst.
		if err := r.readStored(ru, dst); err != nil {
			return err
		}
		if t.Mode == Audio && d.SwapBytes {
			cd.SwapAudio(dst)
		}
		return nil
	}
	return r.eachStored(ru, func(i int, _ int64, stored []byte) error {
		out := dst[i*us : (i+1)*us]
		var user []byte
		switch {
		case t.Mode == Audio:
			user = tail(stored, 0, us)
		case d.Storage == StoreRaw:
			user = tail(stored, from, to-from)
		case t.Mode == Mode0:
		case d.Storage == StoreMode2 && (t.Mode == Mode2Form1 || t.Mode == Mode2Form2):
			user = tail(stored, 8, us)
		default:
			user = tail(stored, 0, us)
		}
		clear(out[copy(out, user):])
		if t.Mode == Audio && d.SwapBytes {
			cd.SwapAudio(out)
		}
		return nil
	})
}

// TrackData returns the user data of the track numbered n, from its
// INDEX 01 to its end, as ReadUser reads it: an io.ReaderAt (with its
// size) over which, say, an ISO 9660 image of a later session can be read
// in place (iso9660.Open with a Displacement of the track's Start).
func (r *Reader) TrackData(n int) (*io.SectionReader, error) {
	t := r.l.Track(n)
	if t == nil {
		return nil, fmt.Errorf("disc: no track %d", n)
	}
	us := int64(t.Mode.UserSize())
	return io.NewSectionReader(&userReaderAt{r: r, t: t, us: us}, 0, int64(t.Length)*us), nil
}

// userReaderAt reads a track's user data at byte offsets from its Start.
type userReaderAt struct {
	r  *Reader
	t  *Track
	us int64
}

func (u *userReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("disc: track %d: negative offset %d", u.t.Number, off)
	}
	size := int64(u.t.Length) * u.us
	if off >= size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > size-off {
		p = p[:size-off]
	}
	n := 0
	var one []byte
	for n < len(p) {
		lba := u.t.Start + cd.LBA((off+int64(n))/u.us)
		in := int((off + int64(n)) % u.us)
		if in == 0 && len(p)-n >= int(u.us) {
			k := min((len(p)-n)/int(u.us), 1<<20/int(u.us)+1)
			if err := u.r.ReadUser(lba, p[n:n+k*int(u.us)]); err != nil {
				return n, err
			}
			n += k * int(u.us)
			continue
		}
		if one == nil {
			one = make([]byte, u.us)
		}
		if err := u.r.ReadUser(lba, one); err != nil {
			return n, err
		}
		n += copy(p[n:], one[in:])
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}
