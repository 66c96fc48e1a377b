package emu

import (
	"errors"

	"spindle/cd"
	"spindle/mmc"
	"spindle/scsi"
)

// Session at once (SAO/DAO) recording on CD-R and CD-RW: the host sends
// the session's cue sheet (SEND CUE SHEET), then writes every block from
// the first track's pre-gap to the lead-out in one run; the drive records
// lead-in, tracks and lead-out together (MMC-6, "Session at Once
// recording", and the Write Parameters page with write type 2).

// blockRawSector is an internal block type, not one of page 05h: the slot
// holds the whole 2352-byte sector as the host sent it (cue sheet forms
// 11h, 21h, 31h).
const blockRawSector BlockType = 0x80

// sao is a session being written at once.
type sao struct {
	sheet mmc.CueSheet
	// spans are the cue sheet's ADR 1 entries after the lead-in, in
	// order; each covers the addresses up to the next one's.
	spans   []mmc.CueEntry
	start   cd.LBA // first address the host writes
	leadOut cd.LBA
	next    cd.LBA // the next address the host must write
}

// sendCueSheet answers SEND CUE SHEET (5Dh).
func sendCueSheet(d *Drive, r *request) ([]byte, error) {
	m := d.medium
	st := &m.st
	if st.Kind != CDR && st.Kind != CDRW {
		return nil, errIncompatible
	}
	n := be24(r.cdb[6:])
	if n != len(r.out) || n == 0 || n%8 != 0 {
		return nil, errParamLength
	}
	if d.wp.writeType() != writeSAO {
		return nil, check(scsi.KeyIllegalRequest, 0x2C, 0x00) // command sequence error
	}
	inv := m.invisible()
	if inv == nil || inv.Written > 0 || st.Finalized {
		return nil, errWriteProtect
	}
	sheet, err := mmc.ParseCueSheet(r.out)
	if err == nil {
		err = sheet.Validate()
	}
	if err != nil {
		return nil, errParamList
	}
	s := &sao{sheet: sheet}
	for _, e := range sheet {
		if e.ADR != mmc.CueADRPosition || e.Track == 0 {
			continue
		}
		if e.Track == cd.LeadOutTrack {
			s.leadOut = e.LBA()
			break
		}
		s.spans = append(s.spans, e)
	}
	if len(s.spans) == 0 {
		return nil, errParamList
	}
	s.start, s.next = s.spans[0].LBA(), s.spans[0].LBA()
	// The session must begin where the invisible track allows: its
	// pre-gap ends at the invisible track's start.
	first := inv.Start - cd.LBA(cd.MSFOffset)
	if s.start < first || s.leadOut > cd.LBA(st.Capacity) {
		return nil, errParamList
	}
	d.sao = s
	return nil, nil
}

// span returns the cue sheet entry covering address a.
func (s *sao) span(a cd.LBA) (mmc.CueEntry, bool) {
	if a < s.start || a >= s.leadOut {
		return mmc.CueEntry{}, false
	}
	e := s.spans[0]
	for _, x := range s.spans[1:] {
		if x.LBA() > a {
			break
		}
		e = x
	}
	return e, true
}

// blockType is how the emulator stores a sector of data form f.
func formBlock(f mmc.DataForm) BlockType {
	switch f.Main() {
	case mmc.FormCDDA, mmc.FormCDDAGenerated:
		return BlockRaw
	case mmc.FormMode1, mmc.FormMode1Generated:
		return BlockMode1
	case mmc.FormMode1Raw, mmc.FormXARaw, mmc.FormMode2Raw:
		return blockRawSector
	}
	return BlockMode2
}

// writeSAO takes the blocks of a session being written at once: they
// must come in order from the first pre-gap, each in the size its span's
// data form gives (main channel and any sub-channel), and are recorded
// except for the sub-channel and the first track's pre-gap (negative
// addresses, which no read reaches).
func (d *Drive) writeSAO(lba cd.LBA, n int, data []byte) error {
	s := d.sao
	m := d.medium
	if lba != s.next {
		return errInvalidAddr
	}
	off := 0
	for i := range n {
		a := lba + cd.LBA(i)
		e, ok := s.span(a)
		if !ok {
			return errLBARange
		}
		size, _ := e.Form.HostBytes()
		if off+size > len(data) {
			return errParamLength
		}
		main := size
		if e.Form.Sub() != 0 {
			main -= cd.SubchannelSize
		}
		if err := d.writeFault(a, 1); err != nil {
			return err
		}
		if main > 0 && a >= 0 && !d.wp.testWrite() {
			if _, err := m.blocks.WriteAt(data[off:off+main], int64(a)*int64(m.st.Slot)); err != nil {
				return err
			}
		}
		off += size
	}
	if off != len(data) {
		return errParamLength
	}
	s.next = lba + cd.LBA(n)
	return nil
}

// finishSAO records the session once its last block has arrived: its
// tracks become complete, with the lead-out where the cue sheet put it;
// the disc is finalized unless the write parameters allow a next session.
func (d *Drive) finishSAO() error {
	s := d.sao
	d.sao = nil
	if d.wp.testWrite() {
		return nil
	}
	m := d.medium
	st := &m.st
	inv := m.invisible()
	if inv == nil {
		return errors.New("emu: no invisible track to record a session into")
	}
	session := inv.Session
	number := inv.Number
	st.Tracks = st.Tracks[:len(st.Tracks)-1]
	var tracks []Track
	var firstSpan []int // index in s.spans of each track's first entry
	for i, e := range s.spans {
		if i == 0 || e.Track != s.spans[i-1].Track {
			firstSpan = append(firstSpan, i)
		}
		if e.Index != 1 {
			continue
		}
		ctl := e.Control & 0x0F
		dm := byte(0)
		if ctl&mmc.ControlData != 0 {
			dm = 1
			if e.Form.Main() >= mmc.FormXA {
				dm = 2
			}
		}
		tracks = append(tracks, Track{Number: number, Session: session, State: TrackComplete, Start: e.LBA(),
			Control: ctl, DataMode: dm, Block: formBlock(e.Form), ISRC: s.sheet.ISRC(e.Track)})
		number++
	}
	for i := range tracks {
		// A track ends where the next one's first entry (its pre-gap,
		// index 0, or its index 1) begins, the last at the lead-out.
		end := s.leadOut
		if i+1 < len(firstSpan) {
			end = s.spans[firstSpan[i+1]].LBA()
		}
		tracks[i].Size = cd.Frames(end - tracks[i].Start)
		tracks[i].Written = tracks[i].Size
		if e := s.spans[firstSpan[i]]; e.Index == 0 {
			tracks[i].Pregap = cd.Frames(tracks[i].Start - e.LBA())
		}
	}
	st.Tracks = append(st.Tracks, tracks...)
	if mcn := s.sheet.MCN(); mcn != "" {
		st.MCN = mcn
	}
	st.Sessions[len(st.Sessions)-1].Closed = true
	st.Sessions[len(st.Sessions)-1].LeadOut = s.leadOut
	d.mediaEvent = 2
	if d.wp.multiSession() != 3 {
		st.Finalized = true
		return nil
	}
	next := nextSessionTrackStart(s.leadOut, len(st.Sessions) == 1)
	if next >= cd.LBA(st.Capacity) {
		st.Finalized = true
		return nil
	}
	st.Sessions = append(st.Sessions, Session{Number: session + 1})
	st.Tracks = append(st.Tracks, Track{Number: number, Session: session + 1, State: TrackInvisible,
		Start: next, DataMode: 0x0F, Block: blockUndefined})
	return nil
}
