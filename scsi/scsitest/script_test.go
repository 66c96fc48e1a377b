package scsitest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"spindle/scsi"
)

func TestScript(t *testing.T) {
	boom := errors.New("boom")
	s := &Script{Steps: []Step{
		{Data: []byte{1, 2, 3}},
		{CDB: []byte{0x55}},
		{Err: boom},
		{CDB: []byte{0x12}},
	}}
	ctx := context.Background()
	buf := bytes.Repeat([]byte{0xee}, 6)
	res, err := s.Do(ctx, &scsi.Command{CDB: []byte{0x12}, Direction: scsi.FromDevice, Data: buf})
	if err != nil || res.Transferred != 6 || !bytes.Equal(buf, []byte{1, 2, 3, 0, 0, 0}) {
		t.Errorf("data-in: %+v %v % x", res, err, buf)
	}
	res, err = s.Do(ctx, &scsi.Command{CDB: []byte{0x55}, Direction: scsi.ToDevice, Data: []byte{9, 8}})
	if err != nil || res.Transferred != 2 || !bytes.Equal(s.Calls()[1].Out, []byte{9, 8}) {
		t.Errorf("data-out: %+v %v", res, err)
	}
	if _, err := s.Do(ctx, &scsi.Command{CDB: []byte{0}}); err != boom {
		t.Errorf("scripted error: %v", err)
	}
	if _, err := s.Do(ctx, &scsi.Command{CDB: []byte{0x13}}); err == nil {
		t.Error("CDB mismatch accepted")
	}
	if _, err := s.Do(ctx, &scsi.Command{CDB: []byte{0}}); err == nil {
		t.Error("command past the script accepted")
	}
	if s.Remaining() != 0 || len(s.Calls()) != 5 {
		t.Errorf("remaining %d, calls %d", s.Remaining(), len(s.Calls()))
	}
	if got := FixedSense(scsi.KeyMediumError, 0x11, 0x05); len(got) != 18 || got[0] != 0x70 || got[2] != 3 || got[7] != 10 || got[12] != 0x11 || got[13] != 5 {
		t.Errorf("FixedSense % x", got)
	}
}
