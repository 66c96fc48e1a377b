package emu

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"spindle/cd"
)

// TrackState is where a track is in its recording life (MMC-6, READ TRACK
// INFORMATION: the RT, Blank and NWA_V bits describe these states).
type TrackState string

const (
	// TrackInvisible is the last, open track of an appendable medium: it
	// begins at the next writable address and grows as it is written.
	TrackInvisible TrackState = "invisible"
	// TrackReserved has a fixed size (RESERVE TRACK) and is being written.
	TrackReserved TrackState = "reserved"
	// TrackComplete is closed (or pressed).
	TrackComplete TrackState = "complete"
)

// Track is one track of a medium.
type Track struct {
	Number  int        `json:"number"`
	Session int        `json:"session"`
	State   TrackState `json:"state"`
	Start   cd.LBA     `json:"start"`
	// Size is the track's length in blocks: for a complete or reserved
	// track its fixed size (run-out included), for the invisible track 0.
	Size cd.Frames `json:"size"`
	// Written counts the blocks written from Start; the next writable
	// address is Start+Written.
	Written cd.Frames `json:"written"`
	// Control is the Q sub-channel control nibble (ECMA-130 §22.3.2.2):
	// 4 data, 2 copy permitted, 1 pre-emphasis (audio) or incremental
	// (data), 8 four-channel audio.
	Control byte `json:"control"`
	// DataMode is 1 or 2 for data tracks (READ TRACK INFORMATION), 0 for
	// audio, 0Fh while unknown.
	DataMode byte `json:"data_mode"`
	// CDI marks a CD-i track: the disc type is then CD-i (10h) rather
	// than CD-ROM XA (MMC-6 §6.22.3.1.4, §6.26.3.4 point A0h).
	CDI bool `json:"cdi,omitempty"`
	// Block is the data block type of write parameters page 05h the
	// track was written with; it fixes how its blocks are stored and
	// what READ CD makes of them.
	Block BlockType `json:"block"`
	// RunOut is the number of blocks at the end of Size that were never
	// written and cannot be read: the two run-out blocks a CD recorder
	// writes after a track recorded at once (Orange Book; cdrecord's
	// "track size includes two run-out blocks").
	RunOut cd.Frames `json:"run_out,omitempty"`
	ISRC   string    `json:"isrc,omitempty"`
	// Pregap is the length of the track's pre-gap (index 0) before
	// Start: what SAO's cue sheet gave it, or the 150 blocks a recorder
	// writes before a track recorded at once.
	Pregap cd.Frames `json:"pregap,omitempty"`
	// Indexes are where index points 2, 3, ... begin (a cue sheet's
	// INDEX 02 and up, ECMA-130 §22.3.3.1).
	Indexes []cd.LBA `json:"indexes,omitempty"`
}

// End is the address after the track's last block.
func (t *Track) End() cd.LBA {
	if t.State == TrackInvisible {
		return t.Start + cd.LBA(t.Written)
	}
	return t.Start + cd.LBA(t.Size)
}

// NWA is the track's next writable address.
func (t *Track) NWA() cd.LBA { return t.Start + cd.LBA(t.Written) }

// Session is one session of a medium.
type Session struct {
	Number int  `json:"number"`
	Closed bool `json:"closed"`
	// LeadOut is where the session's lead-out begins (closed sessions).
	LeadOut cd.LBA `json:"lead_out"`
}

// BlockType is the data block type of write parameters page 05h (MMC-6,
// the table of data block types): how a host sends, and the emulator
// stores, each block.
type BlockType byte

// Data block types.
const (
	BlockRaw       BlockType = 0  // 2352 bytes: CD-DA samples
	BlockRawPQ     BlockType = 1  // 2368: raw, then 16 bytes of P and Q sub-channel
	BlockRawPW     BlockType = 2  // 2448: raw, then 96 bytes of packed P–W sub-channel
	BlockRawRW     BlockType = 3  // 2448: raw, then 96 bytes of raw P–W sub-channel
	BlockMode1     BlockType = 8  // 2048 bytes of Mode 1 user data
	BlockMode2     BlockType = 13 // 2336 bytes: Mode 2 formless, or XA with its subheader
	BlockForm1     BlockType = 10 // 2048 bytes of XA form 1 user data
	BlockForm1Sub  BlockType = 11 // 2056: subheader (8) and form 1 user data
	BlockForm2     BlockType = 12 // 2324 bytes of XA form 2 user data
	blockUndefined BlockType = 0xFF
)

// Size is the number of bytes per block of the type as the host sends
// it, or 0 if unknown.
func (b BlockType) Size() int {
	switch b {
	case BlockRaw:
		return cd.RawSectorSize
	case BlockRawPQ:
		return cd.RawSectorSize + 16
	case BlockRawPW, BlockRawRW:
		return cd.RawSectorSize + cd.SubchannelSize
	case BlockMode1, BlockForm1:
		return cd.DataSectorSize
	case BlockForm1Sub:
		return 2056
	case BlockForm2:
		return 2324
	case BlockMode2:
		return 2336
	}
	return 0
}

// Medium is a virtual disc: its kind, its state and its blocks. A Medium
// is inserted into a Drive; it can be taken out and put into another
// (a disc moved between drives keeps everything recorded on it).
type Medium struct {
	mu sync.Mutex
	st state
	// blocks holds the recorded blocks: slot bytes per address, from
	// address 0, each slot holding the block as the host wrote it (or a
	// raw sector when st.Raw).
	blocks store
	// dir, image and file are set for a medium kept in a directory
	// (OpenDir): its state is saved there after every change.
	dir, image string
	file       interface{ Close() error }
	dirty      bool // written blocks not yet counted in the saved state
}

// state is what a Medium persists (as JSON in its directory).
type state struct {
	Kind      Kind      `json:"kind"`
	Capacity  cd.Frames `json:"capacity"`
	Formatted bool      `json:"formatted,omitempty"`
	// Finalized: the disc is closed, nothing can be appended.
	Finalized bool      `json:"finalized,omitempty"`
	Sessions  []Session `json:"sessions"`
	Tracks    []Track   `json:"tracks"`
	MCN       string    `json:"mcn,omitempty"`
	// CDText holds the CD-TEXT packs of the lead-in (18 bytes each).
	CDText []byte `json:"cd_text,omitempty"`
	// Slot is the bytes per address in the block store: 2048 or 2352.
	Slot int `json:"slot"`
	// Raw is set when slots hold whole raw 2352-byte sectors (a pressed
	// CD made from a raw image) rather than blocks as written.
	Raw bool `json:"raw,omitempty"`
	// Damaged lists unreadable addresses of the medium itself.
	Damaged []Extent `json:"damaged,omitempty"`
}

// Extent is a run of blocks.
type Extent struct {
	Start  cd.LBA    `json:"start"`
	Length cd.Frames `json:"length"`
}

func (e Extent) contains(a cd.LBA) bool { return a >= e.Start && a < e.Start+cd.LBA(e.Length) }

// store holds the slots of a medium.
type store interface {
	io.ReaderAt
	io.WriterAt
}

// ErrReadOnly is returned when a pressed medium's blocks would be written.
var ErrReadOnly = errors.New("emu: medium is read-only")

// Kind is the medium's kind.
func (m *Medium) Kind() Kind { m.mu.Lock(); defer m.mu.Unlock(); return m.st.Kind }

// Tracks returns a copy of the medium's tracks.
func (m *Medium) Tracks() []Track {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Track(nil), m.st.Tracks...)
}

// Sessions returns a copy of the medium's sessions.
func (m *Medium) Sessions() []Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Session(nil), m.st.Sessions...)
}

// Damage marks blocks of the medium itself unreadable on every drive.
func (m *Medium) Damage(e Extent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st.Damaged = append(m.st.Damaged, e)
}

// NewBlank returns a blank medium of a recordable kind whose blocks are
// held in memory. Overwritable media (DVD+RW, BD-RE) come unformatted,
// as new discs do.
func NewBlank(k Kind) (*Medium, error) {
	return newBlank(k, newMemStore())
}

func newBlank(k Kind, s store) (*Medium, error) {
	ki, ok := kindOf(k)
	if !ok || !ki.writable {
		return nil, fmt.Errorf("emu: %v is not a recordable medium", k)
	}
	m := &Medium{blocks: s}
	m.st = state{Kind: k, Capacity: ki.capacity, Slot: cd.DataSectorSize}
	if ki.cd {
		m.st.Slot = cd.RawSectorSize
	}
	m.blankState()
	return m, nil
}

// blankState resets the recording state to that of a blank disc: one
// empty session holding the invisible track 1 over the whole capacity.
func (m *Medium) blankState() {
	m.st.Finalized = false
	m.st.Formatted = false
	m.st.MCN = ""
	m.st.CDText = nil
	m.st.Sessions = []Session{{Number: 1}}
	m.st.Tracks = []Track{{Number: 1, Session: 1, State: TrackInvisible, DataMode: 0x0F, Block: blockUndefined}}
	if m.st.Kind.info().overwrite {
		m.st.Tracks = nil
	}
}

// NewPressed returns a pressed (read-only) medium of kind CD-ROM, DVD-ROM
// or BD-ROM holding one closed session with one Mode 1 data track whose
// 2048-byte blocks are read from r (size bytes, a whole number of blocks).
func NewPressed(k Kind, r io.ReaderAt, size int64) (*Medium, error) {
	ki, ok := kindOf(k)
	if !ok || ki.writable {
		return nil, fmt.Errorf("emu: %v is not a pressed medium", k)
	}
	if size <= 0 || size%cd.DataSectorSize != 0 {
		return nil, fmt.Errorf("emu: image of %d bytes is not a whole number of %d-byte blocks", size, cd.DataSectorSize)
	}
	n := cd.Frames(size / cd.DataSectorSize)
	if k == CDROM && n > cdCapacity80+cd.FramesPerMinute*20 {
		return nil, fmt.Errorf("emu: image of %d blocks is too large for a CD (99 minutes at most)", n)
	}
	m := &Medium{blocks: readOnly{r}}
	m.st = state{Kind: k, Capacity: n, Slot: cd.DataSectorSize, Finalized: true}
	m.st.Sessions = []Session{{Number: 1, Closed: true, LeadOut: cd.LBA(n)}}
	m.st.Tracks = []Track{{Number: 1, Session: 1, State: TrackComplete, Size: n, Written: n,
		Control: 0x4, DataMode: 1, Block: BlockMode1}}
	return m, nil
}

type readOnly struct{ io.ReaderAt }

func (readOnly) WriteAt([]byte, int64) (int, error) { return 0, ErrReadOnly }

// memStore is a sparse in-memory block store: unwritten space reads as
// zeros and costs nothing, so a blank BD-R of 25 GB fits a test.
type memStore struct {
	mu     sync.RWMutex
	chunks map[int64][]byte
}

const memChunk = 1 << 20

func newMemStore() *memStore { return &memStore{chunks: map[int64][]byte{}} }

func (s *memStore) ReadAt(p []byte, off int64) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for n := 0; n < len(p); {
		c, o := (off+int64(n))/memChunk, (off+int64(n))%memChunk
		k := min(len(p)-n, memChunk-int(o))
		if b := s.chunks[c]; b != nil {
			copy(p[n:n+k], b[o:])
		} else {
			clear(p[n : n+k])
		}
		n += k
	}
	return len(p), nil
}

func (s *memStore) WriteAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for n := 0; n < len(p); {
		c, o := (off+int64(n))/memChunk, (off+int64(n))%memChunk
		k := min(len(p)-n, memChunk-int(o))
		b := s.chunks[c]
		if b == nil {
			b = make([]byte, memChunk)
			s.chunks[c] = b
		}
		copy(b[o:], p[n:n+k])
		n += k
	}
	return len(p), nil
}

// status is the disc status of READ DISC INFORMATION (MMC-6): 0 empty,
// 1 incomplete (appendable), 2 complete, 3 other (random-access media).
func (m *Medium) status() byte {
	st := &m.st
	switch {
	case st.Kind.info().overwrite:
		if !st.Formatted {
			return 0
		}
		return 3
	case st.Finalized:
		return 2
	case len(st.Sessions) == 1 && !st.Sessions[0].Closed && st.Tracks[0].State == TrackInvisible && st.Tracks[0].Written == 0:
		return 0
	}
	return 1
}

// lastSessionState is the state of the last session (READ DISC
// INFORMATION): 0 empty, 1 incomplete, 3 complete.
func (m *Medium) lastSessionState() byte {
	st := &m.st
	if st.Finalized || st.Kind.info().overwrite && st.Formatted {
		return 3
	}
	last := st.Sessions[len(st.Sessions)-1]
	if last.Closed {
		return 3
	}
	for _, t := range st.Tracks {
		if t.Session == last.Number && (t.State != TrackInvisible || t.Written > 0) {
			return 1
		}
	}
	return 0
}

// invisible returns the open track that takes writes, or nil.
func (m *Medium) invisible() *Track {
	if n := len(m.st.Tracks); n > 0 && m.st.Tracks[n-1].State == TrackInvisible {
		return &m.st.Tracks[n-1]
	}
	return nil
}

// track returns the track holding address a, or nil.
func (m *Medium) trackAt(a cd.LBA) *Track {
	for i := range m.st.Tracks {
		t := &m.st.Tracks[i]
		if a >= t.Start && a < t.End() {
			return t
		}
	}
	return nil
}

// recordedEnd is the address after the last recorded block: what READ
// CAPACITY reports as the last address plus one.
func (m *Medium) recordedEnd() cd.LBA {
	if m.st.Kind.info().overwrite {
		if m.st.Formatted {
			return cd.LBA(m.st.Capacity)
		}
		return 0
	}
	var end cd.LBA
	for _, t := range m.st.Tracks {
		if t.State == TrackInvisible {
			if t.Written > 0 {
				end = t.NWA()
			}
			continue
		}
		end = t.End()
	}
	return end
}
