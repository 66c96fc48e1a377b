package emu

import (
	"context"
	"testing"

	"spindle/scsi"
)

// FuzzCommands sends arbitrary CDBs and data-out to drives holding each
// kind of medium: whatever a guest or a program sends, the emulator must
// answer without panicking, with a status and, for CHECK CONDITION, sense
// data, and never more data-in than the host asked for.
func FuzzCommands(f *testing.F) {
	seeds := [][]byte{
		{0x12, 0, 0, 0, 0x60, 0},
		{0x28, 0, 0, 0, 0, 0x10, 0, 0, 1, 0},
		{0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0},
		{0x43, 0x02, 0x02, 0, 0, 0, 1, 0x08, 0, 0},
		{0xBE, 0, 0, 0, 0, 0x10, 0, 0, 1, 0xF8, 0x01, 0},
		{0x5D, 0, 0, 0, 0, 0, 0, 0, 0x20, 0},
		{0x55, 0x10, 0, 0, 0, 0, 0, 0, 0x3C, 0},
		{0x04, 0x11, 0, 0, 0, 0},
		{0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0x5B, 0, 2, 0, 0, 0, 0, 0, 0, 0},
		{0x53, 0, 0, 0, 0, 0, 0, 0x10, 0, 0},
		{0x42, 0x02, 0x40, 0x01, 0, 0, 1, 0, 0x30, 0},
	}
	for i, s := range seeds {
		f.Add(s, []byte{0, 0x32, 0, 0, 0, 0, 0, 0, 0x05, 0x32, 0x41, 0x04, 0x08}, uint16(2048), uint8(i))
	}
	f.Fuzz(func(t *testing.T, cdb, out []byte, alloc uint16, kind uint8) {
		if len(cdb) == 0 || len(cdb) > 16 || len(out) > 1<<16 {
			return
		}
		k := Kinds()[int(kind)%len(Kinds())]
		var m *Medium
		var err error
		if k.Writable() {
			m, err = NewBlank(k)
		} else {
			img := make([]byte, 64*2048)
			m, err = NewPressed(k, readerAt(img), int64(len(img)))
		}
		if err != nil {
			t.Fatal(err)
		}
		d := New(Config{})
		d.Insert(m)
		d.Settle()
		ctx := context.Background()
		// Two rounds: the second sees whatever state the first left.
		for range 2 {
			c := &scsi.Command{CDB: cdb, Direction: scsi.FromDevice, Data: make([]byte, alloc)}
			if len(out) > 0 {
				c.Direction, c.Data = scsi.ToDevice, out
			}
			res, err := d.Do(ctx, c)
			if err != nil {
				t.Fatalf("% x: transport error %v", cdb, err)
			}
			if res.Status == scsi.StatusCheckCondition {
				if _, err := scsi.ParseSense(res.Sense); err != nil {
					t.Fatalf("% x: sense % x: %v", cdb, res.Sense, err)
				}
			} else if res.Transferred > len(c.Data) {
				t.Fatalf("% x: %d bytes transferred into %d", cdb, res.Transferred, len(c.Data))
			}
		}
	})
}

type readerAt []byte

func (r readerAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r)) {
		return 0, nil
	}
	return copy(p, r[off:]), nil
}
