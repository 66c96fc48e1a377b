package iscsi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"spindle/scsi"
)

func TestReadPDU(t *testing.T) {
	p := new(pdu)
	p.bhs[0] = opNOPOut | flagImmed
	p.bhs[1] = flagFinal
	p.put32(16, 0x01020304)
	p.ahs = []byte{0, 1, 9, 0}
	p.data = []byte("hello")
	wire := appendPDU(nil, p)
	if len(wire) != bhsLen+4+8 {
		t.Fatalf("wire length %d", len(wire))
	}
	q, err := readPDU(bytes.NewReader(wire), 8192)
	if err != nil {
		t.Fatal(err)
	}
	if q.opcode() != opNOPOut || !q.immediate() || q.itt() != 0x01020304 || string(q.data) != "hello" || !bytes.Equal(q.ahs, p.ahs) {
		t.Errorf("read back %+v", q)
	}

	for _, tc := range []struct {
		name string
		wire []byte
		max  int
		want error
	}{
		{"empty", nil, 8192, io.EOF},
		{"short header", wire[:20], 8192, io.ErrUnexpectedEOF},
		{"short AHS", wire[:bhsLen+2], 8192, io.ErrUnexpectedEOF},
		{"short data", wire[:bhsLen+4+6], 8192, io.ErrUnexpectedEOF},
		{"data beyond the limit", wire, 4, ErrProtocol},
	} {
		if _, err := readPDU(bytes.NewReader(tc.wire), tc.max); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestParseText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []pair
		ok   bool
	}{
		{"", nil, true},
		{"A=1\x00", []pair{{"A", "1"}}, true},
		{"A=1\x00B=\x00C=x=y", []pair{{"A", "1"}, {"B", ""}, {"C", "x=y"}}, true},
		{"A", nil, false},
		{"=1\x00", nil, false},
		{"A=1\x00A=2\x00", nil, false},
		{"A=1\x00\x00", nil, false},
		{"K\xff=1", nil, false},
		{"A=" + string(bytes.Repeat([]byte("v"), 256)), nil, false},
	} {
		got, err := parseText([]byte(tc.in))
		if (err == nil) != tc.ok || tc.ok && !equalPairs(got, tc.want) {
			t.Errorf("parseText(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrProtocol) {
			t.Errorf("parseText(%q): %v is not ErrProtocol", tc.in, err)
		}
	}
}

func equalPairs(a, b []pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNegotiateNumbers(t *testing.T) {
	p := defaultParams()
	var li loginInfo
	ans := negotiate([]pair{{"MaxRecvDataSegmentLength", "0x1000"}, {"MaxBurstLength", "100"},
		{"FirstBurstLength", "0x2000"}, {"DefaultTime2Wait", "x"}, {"iSCSIProtocolLevel", "2"}}, &p, &li)
	want := []pair{{"MaxBurstLength", "Reject"}, {"FirstBurstLength", "8192"}, {"DefaultTime2Wait", "Reject"}, {"iSCSIProtocolLevel", "1"}}
	if !equalPairs(ans, want) {
		t.Errorf("answers %v, want %v", ans, want)
	}
	if p.peerMaxRecv != 4096 || p.firstBurst != 8192 || p.maxBurst != 262144 {
		t.Errorf("params %+v", p)
	}
}

func TestLUN(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 1000, maxLUNs - 1} {
		if got, ok := decodeLUN(encodeLUN(n)); !ok || got != n {
			t.Errorf("LUN %d: decoded %d %v", n, got, ok)
		}
	}
	for _, b := range [][8]byte{{0x01, 0}, {0x80, 0}, {0, 0, 1}, {0xc0}} {
		if _, ok := decodeLUN(b); ok {
			t.Errorf("% x decoded", b)
		}
	}
}

func TestResponseFor(t *testing.T) {
	buf := make([]byte, 100)
	for _, tc := range []struct {
		name      string
		edtl      uint32
		dir       scsi.Direction
		data      []byte
		res       scsi.Result
		err       error
		wantLen   int
		wantFlags byte
		wantResid uint32
	}{
		{"exact", 100, scsi.FromDevice, buf, scsi.Result{Transferred: 100}, nil, 100, 0, 0},
		{"short", 100, scsi.FromDevice, buf, scsi.Result{Transferred: 36}, nil, 36, flagUnder, 64},
		{"unknown", 100, scsi.FromDevice, buf, scsi.Result{Transferred: scsi.TransferUnknown}, nil, 100, 0, 0},
		{"overflow", 100, scsi.FromDevice, buf, scsi.Result{Transferred: 512}, nil, 100, flagOverflow, 412},
		{"write short", 100, scsi.ToDevice, buf, scsi.Result{Transferred: 50}, nil, 0, flagUnder, 50},
		{"no data", 0, scsi.None, nil, scsi.Result{}, nil, 0, 0, 0},
		{"no data expected", 10, scsi.None, nil, scsi.Result{}, nil, 0, flagUnder, 10},
	} {
		r := responseFor(tc.edtl, &scsi.Command{Direction: tc.dir, Data: tc.data}, tc.res, tc.err)
		if len(r.data) != tc.wantLen || r.flags != tc.wantFlags || r.residual != tc.wantResid || r.failure {
			t.Errorf("%s: %d bytes flags %02x residual %d failure %v", tc.name, len(r.data), r.flags, r.residual, r.failure)
		}
	}
	if r := responseFor(10, &scsi.Command{}, scsi.Result{}, errors.New("x")); !r.failure {
		t.Error("transport error is not a failure")
	}
}

// FuzzReadPDU checks that the PDU reader never panics, never returns a
// data segment beyond its bound, and that what it returns encodes back to
// the bytes it read (padding aside).
func FuzzReadPDU(f *testing.F) {
	p := loginPDU(0, 1, true, [6]byte{0x80, 1}, 1, 1, 0, pair{"InitiatorName", "iqn.x:y"})
	f.Add(appendPDU(nil, p))
	c := new(pdu)
	c.bhs[0] = opSCSICmd
	c.ahs = []byte{0, 17, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 0}
	c.data = []byte{1, 2, 3}
	f.Add(appendPDU(nil, c))
	f.Add(make([]byte, 47))
	f.Fuzz(func(t *testing.T, b []byte) {
		const max = 1024
		p, err := readPDU(bytes.NewReader(b), max)
		if err != nil {
			return
		}
		if len(p.data) > max {
			t.Fatalf("data segment of %d bytes", len(p.data))
		}
		n := bhsLen + len(p.ahs) + pad4(len(p.data))
		enc := appendPDU(nil, p)
		if len(enc) != n || !bytes.Equal(enc[:bhsLen+len(p.ahs)+len(p.data)], b[:bhsLen+len(p.ahs)+len(p.data)]) {
			t.Fatalf("re-encoding differs")
		}
		if p.opcode() == opSCSICmd {
			p.cdb() // must not panic
		}
		decodeLUN(p.lun())
	})
}

// FuzzParseText checks the key=value parser: no panic, and what it
// accepts formats back to text it parses the same.
func FuzzParseText(f *testing.F) {
	f.Add([]byte("InitiatorName=iqn.x:y\x00SessionType=Normal\x00"))
	f.Add([]byte("A=\x00B"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pairs, err := parseText(b)
		if err != nil {
			return
		}
		again, err := parseText(appendText(nil, pairs))
		if err != nil || !equalPairs(pairs, again) {
			t.Fatalf("round trip: %v %v", again, err)
		}
		p := defaultParams()
		var li loginInfo
		negotiate(pairs, &p, &li)
		if p.peerMaxRecv < 512 || p.maxBurst < 512 || p.firstBurst < 512 {
			t.Fatalf("params out of range: %+v", p)
		}
	})
}

// FuzzConn feeds arbitrary bytes to a connection as an initiator would
// send them: the target must not panic, and must end the connection
// once the initiator hangs up.
func FuzzConn(f *testing.F) {
	var seed []byte
	seed = appendPDU(seed, loginPDU(stageOperational, stageFullFeature, true, [6]byte{0x80}, 1, 1, 0,
		pair{"InitiatorName", "iqn.x:i"}, pair{"TargetName", testIQN}, pair{"ImmediateData", "Yes"}))
	in := &initiator{cmdSN: 1, pendingOut: map[uint32][]byte{}}
	seed = appendPDU(seed, in.scsiCmd(0, read10(0, 2), true, false, 1024))
	w := in.scsiCmd(0, write10(0, 2), false, true, 1024)
	w.data = make([]byte, 512)
	seed = appendPDU(seed, w)
	d := new(pdu)
	d.bhs[0] = opDataOut
	d.bhs[1] = flagFinal
	d.put32(16, w.itt())
	d.put32(20, 1)
	d.put32(40, 512)
	d.data = make([]byte, 512)
	seed = appendPDU(seed, d)
	nop := new(pdu)
	nop.bhs[0] = opNOPOut | flagImmed
	nop.put32(16, 9)
	nop.data = []byte("ping")
	seed = appendPDU(seed, nop)
	seed = appendPDU(seed, in.scsiCmd(0, []byte{0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, true, false, 256))
	lo := new(pdu)
	lo.bhs[0] = opLogout | flagImmed
	lo.bhs[1] = flagFinal
	seed = appendPDU(seed, lo)
	f.Add(seed)
	f.Add(seed[:bhsLen+100])

	tg := &Target{Name: testIQN, LUNs: []scsi.Transport{newMemDisk(8), nil}}
	tg.once.Do(tg.init)
	f.Fuzz(func(t *testing.T, b []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c := newConn(context.Background(), tg, server)
			c.serve()
		}()
		go io.Copy(io.Discard, client)
		client.SetWriteDeadline(time.Now().Add(2 * time.Second))
		client.Write(b)
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("connection not ended after the initiator hung up")
		}
	})
}
