package emu

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	json "spindle/internal/minijson"

	"spindle/cd"
)

// A virtual disc can live in a directory, so that it outlasts the process
// that emulates the drive: `--drive emu:DIR` in one command sees what an
// earlier one burned, and a disc can be moved to another emulated drive.
// The directory holds:
//
//	medium.json  the medium's kind and recording state (sessions, tracks)
//	blocks.bin   the recorded blocks, a sparse file with one slot per address
//
// or, for a pressed disc made from an image, medium.json naming the image,
// which is read in place and never written.

const (
	stateFile  = "medium.json"
	blocksFile = "blocks.bin"
)

// dirState is medium.json: the state plus, for a pressed disc, its image.
type dirState struct {
	state
	// Image is the absolute path of the image a pressed disc reads.
	Image string `json:"image,omitempty"`
}

// ErrNoMediumDir is returned by OpenDir for a directory without a medium.
var ErrNoMediumDir = errors.New("emu: no virtual disc in the directory")

// CreateDir makes dir (if needed) hold a new blank medium of kind k and
// returns it. An existing disc in dir is an error: remove it first.
func CreateDir(dir string, k Kind) (*Medium, error) {
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, blocksFile), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	m, err := newBlank(k, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	m.dir, m.file = dir, f
	if err := m.save(); err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// CreatePressedDir makes dir hold a pressed disc of kind k (CD-ROM,
// DVD-ROM, BD-ROM) that reads the 2048-byte blocks of image in place.
func CreatePressedDir(dir string, k Kind, image string) (*Medium, error) {
	abs, err := filepath.Abs(image)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	m, err := NewPressed(k, f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", image, err)
	}
	if err := prepareDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	m.dir, m.image, m.file = dir, abs, f
	if err := m.save(); err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, stateFile)); err == nil {
		return fmt.Errorf("emu: %s already holds a virtual disc", dir)
	}
	return nil
}

// OpenDir opens the virtual disc kept in dir. Close it when done.
func OpenDir(dir string) (*Medium, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (create one with spindle emulate --dir %s --media KIND)", ErrNoMediumDir, dir, dir)
	}
	if err != nil {
		return nil, err
	}
	var ds dirState
	if err := json.Unmarshal(b, &ds); err != nil {
		return nil, fmt.Errorf("emu: %s: %w", filepath.Join(dir, stateFile), err)
	}
	if err := ds.state.validate(); err != nil {
		return nil, fmt.Errorf("emu: %s: %w", filepath.Join(dir, stateFile), err)
	}
	m := &Medium{st: ds.state, dir: dir, image: ds.Image}
	if ds.Image != "" {
		f, err := os.Open(ds.Image)
		if err != nil {
			return nil, err
		}
		m.blocks, m.file = readOnly{f}, f
		return m, nil
	}
	f, err := os.OpenFile(filepath.Join(dir, blocksFile), os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	m.blocks, m.file = f, f
	return m, nil
}

// validate bounds what medium.json says before the emulator relies on it.
func (s *state) validate() error {
	ki, ok := kindOf(s.Kind)
	switch {
	case !ok:
		return fmt.Errorf("unknown medium kind %d", s.Kind)
	case s.Slot != cd.DataSectorSize && s.Slot != cd.RawSectorSize:
		return fmt.Errorf("slot size %d", s.Slot)
	case s.Capacity < 0 || s.Capacity > bdCapacity*4:
		return fmt.Errorf("capacity %d blocks", s.Capacity)
	case len(s.Sessions) == 0 && !ki.overwrite:
		return fmt.Errorf("no sessions")
	case len(s.Tracks) > 99 && ki.cd:
		return fmt.Errorf("%d tracks on a CD", len(s.Tracks))
	}
	for i, t := range s.Tracks {
		if t.Start < 0 || t.Start > cd.LBA(s.Capacity) || t.Size < 0 || t.Written < 0 || t.Written > s.Capacity {
			return fmt.Errorf("track %d out of the medium's bounds", i+1)
		}
	}
	return nil
}

// save writes medium.json under a temporary name and renames it.
func (m *Medium) save() error {
	if m.dir == "" {
		return nil
	}
	b, err := json.MarshalIndent(dirState{state: m.st, Image: m.image}, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(m.dir, "."+stateFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(m.dir, stateFile))
}

// Close saves the medium's state and releases its files.
func (m *Medium) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	err := m.save()
	if m.file != nil {
		if e := m.file.Close(); err == nil {
			err = e
		}
		m.file = nil
	}
	return err
}
