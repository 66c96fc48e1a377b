package scsi_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"spindle/scsi"
	"spindle/scsi/scsitest"
)

func stdInquiry(vendor, product, rev string) []byte {
	b := []byte{0x05, 0x80, 0x05, 0x02, 31, 0, 0, 0}
	b = append(b, (vendor + strings.Repeat(" ", 8))[:8]...)
	b = append(b, (product + strings.Repeat(" ", 16))[:16]...)
	return append(b, (rev + strings.Repeat(" ", 4))[:4]...)
}

func done(t *testing.T, s *scsitest.Script) {
	t.Helper()
	if n := s.Remaining(); n != 0 {
		t.Errorf("%d scripted steps not used", n)
	}
}

func TestInquiry(t *testing.T) {
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: []byte{0x12, 0, 0, 0, 0x60, 0}, Data: stdInquiry("QEMU", "QEMU CD-ROM", "2.5+")},
	}}
	d, err := scsi.Inquiry(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if d.Vendor != "QEMU" || d.Product != "QEMU CD-ROM" || d.Revision != "2.5+" || d.DeviceType != scsi.TypeMMC || !d.Removable {
		t.Errorf("%+v", d)
	}
	if c := s.Calls()[0]; c.Direction != scsi.FromDevice || c.Len != 0x60 {
		t.Errorf("call %+v", c)
	}
	done(t, s)
}

func TestVPD(t *testing.T) {
	long := make([]byte, 4+300)
	long[0], long[1], long[2], long[3] = 0x05, 0x80, 0x01, 0x2c
	copy(long[4:], "ABC")
	for i := 7; i < len(long); i++ {
		long[i] = ' '
	}
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: []byte{0x12, 1, 0x00, 0, 0xff, 0}, Data: []byte{0x05, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83}},
		{CDB: []byte{0x12, 1, 0x80, 0, 0xff, 0}, Data: long},
		{CDB: []byte{0x12, 1, 0x80, 0x01, 0x30, 0}, Data: long},
		scsitest.CheckCondition([]byte{0x12, 1, 0x83, 0, 0xff, 0}, scsi.KeyIllegalRequest, 0x24, 0x00),
	}}
	ctx := context.Background()
	pages, err := scsi.SupportedVPDPages(ctx, s)
	if err != nil || !bytes.Equal(pages, []byte{0x00, 0x80, 0x83}) {
		t.Errorf("pages % x, %v", pages, err)
	}
	sn, err := scsi.UnitSerialNumber(ctx, s)
	if err != nil || sn != "ABC" {
		t.Errorf("serial %q, %v", sn, err)
	}
	_, err = scsi.DeviceIdentification(ctx, s)
	if !errors.Is(err, scsi.ErrIllegalRequest) || !strings.Contains(err.Error(), "INQUIRY VPD 83h") {
		t.Errorf("err = %v", err)
	}
	done(t, s)
}

func TestUnitCommands(t *testing.T) {
	ctx := context.Background()
	tur := []byte{0, 0, 0, 0, 0, 0}
	s := &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition(tur, scsi.KeyNotReady, 0x3a, 0x02),
		scsitest.CheckCondition(tur, scsi.KeyUnitAttention, 0x28, 0x00),
		{CDB: tur},
		{CDB: []byte{0x1e, 0, 0, 0, 1, 0}},
		{CDB: []byte{0x1b, 0, 0, 0, 2, 0}},
		scsitest.CheckCondition([]byte{0x1b, 1, 0, 0, 3, 0}, scsi.KeyNotReady, 0x04, 0x01),
		{CDB: []byte{0x03, 0, 0, 0, 0xfc, 0}, Data: []byte{0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x04, 0x04, 0, 0x80, 0x40, 0}},
		{CDB: tur, Status: scsi.StatusBusy},
		{CDB: tur, Err: errors.New("host: DID_ERROR")},
	}}
	if err := scsi.TestUnitReady(ctx, s); !errors.Is(err, scsi.ErrNoMedium) || !errors.Is(err, scsi.ErrNotReady) {
		t.Errorf("tray open: %v", err)
	}
	if err := scsi.TestUnitReady(ctx, s); !errors.Is(err, scsi.ErrUnitAttention) {
		t.Errorf("medium changed: %v", err)
	}
	if err := scsi.TestUnitReady(ctx, s); err != nil {
		t.Errorf("ready: %v", err)
	}
	if err := scsi.PreventAllowMediumRemoval(ctx, s, scsi.PreventRemoval); err != nil {
		t.Error(err)
	}
	if err := scsi.StartStopUnit(ctx, s, scsi.Eject, false); err != nil {
		t.Error(err)
	}
	err := scsi.StartStopUnit(ctx, s, scsi.Load, true)
	var se *scsi.SenseError
	if !errors.As(err, &se) || se.ASC != 0x04 || se.ASCQ != 0x01 {
		t.Errorf("load: %v", err)
	}
	if want := "scsi: START STOP UNIT (load): sense NOT READY: logical unit is in process of becoming ready (04/01)"; err.Error() != want {
		t.Errorf("message %q\nwant    %q", err, want)
	}
	sense, err := scsi.RequestSense(ctx, s)
	if p, ok := sense.Progress(); err != nil || !ok || p != 0.25 {
		t.Errorf("request sense %+v %v: progress %v %v", sense, err, p, ok)
	}
	if err := scsi.TestUnitReady(ctx, s); !errors.Is(err, scsi.ErrBusy) {
		t.Errorf("busy: %v", err)
	}
	if err := scsi.TestUnitReady(ctx, s); err == nil || !strings.Contains(err.Error(), "DID_ERROR") {
		t.Errorf("transport error: %v", err)
	}
	for _, c := range s.Calls() {
		if c.Direction != scsi.None && c.CDB[0] != 0x03 {
			t.Errorf("% x: direction %v", c.CDB, c.Direction)
		}
	}
	done(t, s)
}

func TestModeSenseSelect(t *testing.T) {
	ctx := context.Background()
	// 16 pages of 257 bytes: 4120 bytes of mode data, more than the first
	// 4 KiB request, so ModeSense10 asks again for the whole length.
	page := make([]byte, 2+0xff)
	page[0], page[1] = 0x05, 0xff
	big := []byte{0x10, 0x16, 0, 0, 0, 0, 0, 0}
	for range 16 {
		big = append(big, page...)
	}
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: []byte{0x5a, 0x08, 0x2a, 0, 0, 0, 0, 0x10, 0x00, 0},
			Data: append([]byte{0, 10, 0, 0, 0, 0, 0, 0}, 0x2a, 2, 0x3b, 0)},
		{CDB: []byte{0x5a, 0x08, 0x3f, 0, 0, 0, 0, 0x10, 0x00, 0}, Data: big},
		{CDB: []byte{0x5a, 0x08, 0x3f, 0, 0, 0, 0, 0x10, 0x18, 0}, Data: big},
		{CDB: []byte{0x55, 0x10, 0, 0, 0, 0, 0, 0, 12, 0}},
	}}
	m, err := scsi.ModeSense10(ctx, s, scsi.PageCurrent, 0x2a, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := m.Page(0x2a, 0)
	if !ok || !bytes.Equal(p.Data, []byte{0x3b, 0}) || len(m.Pages) != 1 {
		t.Errorf("%+v", m)
	}
	all, err := scsi.ModeSense10(ctx, s, scsi.PageCurrent, scsi.AllPages, 0)
	if err != nil {
		t.Fatal(err)
	}
	if all.Truncated || all.Length != 4120 || len(all.Pages) != 16 {
		t.Errorf("all pages: truncated %v, length %d, %d pages", all.Truncated, all.Length, len(all.Pages))
	}
	sel := scsi.ModeData{Pages: []scsi.ModePage{{Code: 0x2a, PS: true, Data: []byte{1, 2}}}}
	if err := scsi.ModeSelect10(ctx, s, &sel, false); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls()
	last := calls[len(calls)-1]
	if want := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x2a, 2, 1, 2}; last.Direction != scsi.ToDevice || !bytes.Equal(last.Out, want) {
		t.Errorf("MODE SELECT data % x (%v), want % x", last.Out, last.Direction, want)
	}
	done(t, s)
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &scsitest.Script{Steps: []scsitest.Step{{}}}
	if _, err := scsi.Inquiry(ctx, s); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestScriptMismatch(t *testing.T) {
	s := &scsitest.Script{Steps: []scsitest.Step{{CDB: []byte{0x12, 0, 0, 0, 0x24, 0}}}}
	if err := scsi.TestUnitReady(context.Background(), s); err == nil {
		t.Error("mismatched CDB accepted")
	}
	if err := scsi.TestUnitReady(context.Background(), s); err == nil {
		t.Error("command beyond the script accepted")
	}
	r := &scsitest.Script{ReportResidual: true, Steps: []scsitest.Step{{Data: []byte{1, 2, 3}}}}
	res, err := r.Do(context.Background(), &scsi.Command{Direction: scsi.FromDevice, Data: make([]byte, 8)})
	if err != nil || res.Transferred != 3 {
		t.Errorf("residual: %+v, %v", res, err)
	}
	if !reflect.DeepEqual(r.Calls()[0].Len, 8) {
		t.Error("call length")
	}
}

// TestMalformedResponses checks that a GOOD command with data that
// contradicts itself is an ErrFormat naming the command.
func TestMalformedResponses(t *testing.T) {
	ctx := context.Background()
	s := &scsitest.Script{Steps: []scsitest.Step{
		{Data: []byte{0x05, 0x80, 0, 0}},          // VPD 00h asked, 80h answered
		{Data: []byte{0, 2, 0, 0, 0, 0, 0, 0}},    // mode data length below the header
		{Data: []byte{0x05, 0x83, 0, 3, 2, 1, 0}}, // designator header cut
	}}
	if _, err := scsi.SupportedVPDPages(ctx, s); !errors.Is(err, scsi.ErrFormat) {
		t.Errorf("VPD: %v", err)
	}
	if _, err := scsi.ModeSense10(ctx, s, scsi.PageCurrent, 0x2a, 0); !errors.Is(err, scsi.ErrFormat) ||
		!strings.Contains(err.Error(), "MODE SENSE(10) page 2Ah") {
		t.Errorf("MODE SENSE: %v", err)
	}
	if _, err := scsi.DeviceIdentification(ctx, s); !errors.Is(err, scsi.ErrFormat) {
		t.Errorf("device identification: %v", err)
	}
	// All-zero sense: response code 00h is not sense data.
	s = &scsitest.Script{Steps: []scsitest.Step{{}}}
	if _, err := scsi.RequestSense(ctx, s); !errors.Is(err, scsi.ErrSenseFormat) {
		t.Errorf("REQUEST SENSE: %v", err)
	}
	// Nothing is sent for a parameter list that cannot be encoded.
	s = &scsitest.Script{}
	bad := scsi.ModeData{Pages: []scsi.ModePage{{Code: 1, Data: make([]byte, 300)}}}
	if err := scsi.ModeSelect10(ctx, s, &bad, false); err == nil || len(s.Calls()) != 0 {
		t.Errorf("MODE SELECT: %v, %d calls", err, len(s.Calls()))
	}
}
