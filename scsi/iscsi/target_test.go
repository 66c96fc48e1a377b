package iscsi

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"spindle/scsi"
)

// testLogger sends the target's log to the test's.
func testLogger(tb testing.TB) LogFunc {
	return TextLog(testWriter{tb}, LevelDebug)
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.tb.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

func newTestTarget(tb testing.TB, luns ...scsi.Transport) *Target {
	return &Target{Name: testIQN, LUNs: luns, Log: testLogger(tb), LogLevel: LevelDebug}
}

func read10(lba uint32, blocks uint16) []byte {
	cdb := make([]byte, 10)
	cdb[0] = 0x28
	binary.BigEndian.PutUint32(cdb[2:], lba)
	binary.BigEndian.PutUint16(cdb[7:], blocks)
	return cdb
}

func write10(lba uint32, blocks uint16) []byte {
	cdb := read10(lba, blocks)
	cdb[0] = 0x2a
	return cdb
}

var inquiryCDB = []byte{0x12, 0, 0, 0, 0xff, 0}

func TestLoginNegotiation(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	in := dial(t, addr)
	in.maxBurst, in.firstBurst = 4<<20, 1<<20
	in.login(testIQN, pair{"X-com.example.Unknown", "1"}, pair{"IFMarker", "No"})
	for k, want := range map[string]string{
		"HeaderDigest": "None", "DataDigest": "None", "InitialR2T": "Yes", "ImmediateData": "Yes",
		"MaxBurstLength": "1048576", "FirstBurstLength": "262144", "MaxConnections": "1",
		"MaxOutstandingR2T": "1", "ErrorRecoveryLevel": "0", "DefaultTime2Wait": "2", "DefaultTime2Retain": "0",
		"DataPDUInOrder": "Yes", "DataSequenceInOrder": "Yes", "MaxRecvDataSegmentLength": "262144",
		"X-com.example.Unknown": "NotUnderstood", "IFMarker": "No",
	} {
		if got := in.answers[k]; got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	r := in.do(0, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil)
	if r.status != scsi.StatusGood || r.response != 0 {
		t.Errorf("TEST UNIT READY after login: %+v", r)
	}
	if lo := in.logout(); lo.opcode() != opLogoutResp || lo.bhs[2] != 0 {
		t.Errorf("logout response %02Xh %d", lo.opcode(), lo.bhs[2])
	}
	in.expectClosed()
}

// The operational stage may come first, skipping security (libiscsi
// does), and digests are refused unless None is on the list.
func TestLoginOperationalOnly(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	in := dial(t, addr)
	st, fl, m := in.loginStep(stageOperational, stageFullFeature, true,
		pair{"InitiatorName", "iqn.2025-01.org.example:i"}, pair{"TargetName", testIQN},
		pair{"HeaderDigest", "CRC32C,None"}, pair{"DataDigest", "CRC32C"}, pair{"ImmediateData", "No"})
	if st != 0 || fl != flagTransit|stageOperational<<2|stageFullFeature {
		t.Fatalf("status %04x flags %02x", st, fl)
	}
	if m["HeaderDigest"] != "None" || m["DataDigest"] != "Reject" || m["ImmediateData"] != "No" || m["TargetPortalGroupTag"] != "1" {
		t.Errorf("answers %v", m)
	}
}

func TestLoginRefused(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	for _, tc := range []struct {
		name   string
		pairs  []pair
		csg    byte
		status uint16
	}{
		{"unknown target", []pair{{"InitiatorName", "iqn.x:i"}, {"TargetName", "iqn.2025-01.org.example:other"}}, 0, loginNotFound},
		{"no initiator name", []pair{{"TargetName", testIQN}}, 0, loginMissingParameter},
		{"no target name", []pair{{"InitiatorName", "iqn.x:i"}}, 1, loginMissingParameter},
		{"CHAP only", []pair{{"InitiatorName", "iqn.x:i"}, {"TargetName", testIQN}, {"AuthMethod", "CHAP"}}, 0, loginAuthFailure},
		{"session type", []pair{{"InitiatorName", "iqn.x:i"}, {"SessionType", "Other"}}, 0, loginSessionType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := dial(t, addr)
			nsg := byte(stageOperational)
			if tc.csg == stageOperational {
				nsg = stageFullFeature
			}
			st, _, _ := in.loginStep(tc.csg, nsg, true, tc.pairs...)
			if st != tc.status {
				t.Errorf("status %04x, want %04x", st, tc.status)
			}
			in.expectClosed()
		})
	}
}

// A login request split over two PDUs with the C bit.
func TestLoginContinued(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	in := dial(t, addr)
	text := appendText(nil, []pair{{"InitiatorName", "iqn.2025-01.org.example:i"}, {"TargetName", testIQN}, {"AuthMethod", "None"}})
	p := loginPDU(0, 1, false, in.isid, 1, 1, 0)
	p.bhs[1] |= flagContinue
	p.data = text[:10]
	in.send(p)
	r := in.recv()
	if r.opcode() != opLoginResp || r.u16(36) != 0 || len(r.data) != 0 || r.flags()&flagTransit != 0 {
		t.Fatalf("continue response: %02Xh status %04x data %q", r.opcode(), r.u16(36), r.data)
	}
	p = loginPDU(0, 1, true, in.isid, 1, 1, 0)
	p.data = text[10:]
	in.send(p)
	r = in.recv()
	if r.u16(36) != 0 || r.flags()&flagTransit == 0 || !bytes.Contains(r.data, []byte("AuthMethod=None")) {
		t.Fatalf("final response: status %04x flags %02x %q", r.u16(36), r.flags(), r.data)
	}
}

func TestDiscovery(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	in := dial(t, addr)
	in.login("")
	m := in.text(pair{"SendTargets", "All"})
	if got := m["TargetName"]; len(got) != 1 || got[0] != testIQN {
		t.Errorf("TargetName %q", got)
	}
	if got := m["TargetAddress"]; len(got) != 1 || got[0] != addr+",1" {
		t.Errorf("TargetAddress %q, want %s,1", got, addr)
	}
	// No SCSI commands in a discovery session.
	in.send(in.scsiCmd(0, []byte{0, 0, 0, 0, 0, 0}, false, false, 0))
	if r := in.recv(); r.opcode() != opReject || r.bhs[2] != rejectProtocol {
		t.Errorf("SCSI command in discovery: %02Xh reason %d", r.opcode(), r.bhs[2])
	}
	in.expectClosed()
}

// A Text request continued over two PDUs (C bit): the target answers the
// first with an empty response whose TTT the second carries back.
func TestTextContinued(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	in := dial(t, addr)
	in.login("")
	text := []byte("SendTargets=All\x00")
	p := new(pdu)
	p.bhs[0] = opText | flagImmed
	p.bhs[1] = flagContinue
	p.put32(16, 1)
	p.put32(20, reservedTag)
	p.data = text[:5]
	in.send(p)
	r := in.recv()
	ttt := r.u32(20)
	if r.opcode() != opTextResp || r.flags()&flagFinal != 0 || ttt == reservedTag || len(r.data) != 0 {
		t.Fatalf("first response: %02Xh flags %02x TTT %08x %q", r.opcode(), r.flags(), ttt, r.data)
	}
	p.bhs[1] = flagFinal
	p.put32(20, ttt)
	p.data = text[5:]
	in.send(p)
	r = in.recv()
	if r.flags()&flagFinal == 0 || !bytes.Contains(r.data, []byte("TargetName="+testIQN)) {
		t.Errorf("final response: flags %02x %q", r.flags(), r.data)
	}
	// A TTT the target never gave is refused.
	p.put32(20, 0x4242)
	in.send(p)
	if r := in.recv(); r.opcode() != opReject {
		t.Errorf("unknown TTT: %02Xh", r.opcode())
	}
}

func TestRead(t *testing.T) {
	disk := newMemDisk(1024)
	addr := startTarget(t, newTestTarget(t, disk))
	for _, tc := range []struct {
		name                string
		maxRecv, maxBurst   int
		blocks, edtl        int
		wantFlags           byte
		wantResid, wantPDUs int
	}{
		{"one PDU", 8192, 262144, 8, 4096, 0, 0, 1},
		{"underflow", 8192, 262144, 1, 10000, flagUnder, 10000 - 512, 1},
		{"overflow", 8192, 262144, 2, 512, flagOverflow, 512, 1},
		{"overflow, no buffer", 8192, 262144, 1, 0, flagOverflow, 512, 0},
		{"many PDUs and bursts", 1024, 4096, 40, 40 * 512, 0, 0, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := dial(t, addr)
			in.maxRecv, in.maxBurst = tc.maxRecv, tc.maxBurst
			in.login(testIQN)
			r := in.do(0, read10(3, uint16(tc.blocks)), true, tc.edtl, nil)
			if r.status != scsi.StatusGood || r.flags != tc.wantFlags || int(r.residual) != tc.wantResid {
				t.Errorf("status %v flags %02x residual %d, want GOOD %02x %d", r.status, r.flags, r.residual, tc.wantFlags, tc.wantResid)
			}
			want := disk.blocks[3*512:][:min(tc.blocks*512, tc.edtl)]
			if !bytes.Equal(r.data, want) {
				t.Errorf("data: %d bytes, want %d", len(r.data), len(want))
			}
			if len(r.dataIns) != tc.wantPDUs {
				t.Errorf("%d Data-In PDUs, want %d", len(r.dataIns), tc.wantPDUs)
			}
			for i, d := range r.dataIns {
				if len(d.data) > tc.maxRecv {
					t.Errorf("Data-In %d: %d bytes > MaxRecvDataSegmentLength %d", i, len(d.data), tc.maxRecv)
				}
				end := int(d.u32(40)) + len(d.data)
				if f := d.flags()&flagFinal != 0; f != (end%tc.maxBurst == 0 || i == len(r.dataIns)-1) {
					t.Errorf("Data-In %d ending at %d: F=%v with MaxBurstLength %d", i, end, f, tc.maxBurst)
				}
			}
			if tc.wantPDUs == 0 && (r.final.opcode() != opSCSIResp || r.final.u32(36) != 0) {
				t.Errorf("status without data: opcode %02Xh ExpDataSN %d", r.final.opcode(), r.final.u32(36))
			}
		})
	}
}

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		immediate            bool
		firstBurst, maxBurst int
		maxRecv              int // the target's is 256 KiB; the initiator sends at most this
		blocks               int
		wantR2Ts             int
	}{
		{"immediate only", true, 65536, 262144, 262144, 16, 0},
		{"immediate and R2T", true, 65536, 65536, 262144, 600, 4},
		{"R2T only, small PDUs", false, 65536, 16384, 4096, 100, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			disk := newMemDisk(1024)
			addr := startTarget(t, newTestTarget(t, disk))
			in := dial(t, addr)
			in.immediate, in.firstBurst, in.maxBurst = tc.immediate, tc.firstBurst, tc.maxBurst
			in.login(testIQN)
			in.targetMaxRecv = min(in.targetMaxRecv, tc.maxRecv)
			out := make([]byte, tc.blocks*512)
			for i := range out {
				out[i] = byte(i % 251)
			}
			r := in.do(0, write10(10, uint16(tc.blocks)), false, len(out), out)
			if r.status != scsi.StatusGood || r.flags != 0 {
				t.Fatalf("status %v flags %02x residual %d", r.status, r.flags, r.residual)
			}
			if !bytes.Equal(disk.blocks[10*512:][:len(out)], out) {
				t.Error("written data differs")
			}
			if len(r.r2ts) != tc.wantR2Ts {
				t.Errorf("%d R2Ts, want %d", len(r.r2ts), tc.wantR2Ts)
			}
			off := 0
			if tc.immediate {
				off = min(len(out), tc.firstBurst)
			}
			for i, p := range r.r2ts {
				if sn := p.u32(36); sn != uint32(i) {
					t.Errorf("R2T %d: R2TSN %d", i, sn)
				}
				if o, n := int(p.u32(40)), int(p.u32(44)); o != off || n > tc.maxBurst {
					t.Errorf("R2T %d: offset %d length %d, want offset %d, length <= %d", i, o, n, off, tc.maxBurst)
				} else {
					off += n
				}
			}
			if off != len(out) {
				t.Errorf("R2Ts cover %d of %d bytes", off, len(out))
			}
			if got := r.final.u32(36); got != uint32(len(r.r2ts)) {
				t.Errorf("ExpDataSN %d, want %d", got, len(r.r2ts))
			}
		})
	}
}

func TestSenseAndFailure(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(16)))
	in := dial(t, addr)
	in.login(testIQN)

	r := in.do(0, read10(100, 1), true, 512, nil)
	if r.status != scsi.StatusCheckCondition || r.response != 0 || len(r.dataIns) != 0 {
		t.Fatalf("READ beyond the end: %+v", r)
	}
	s, err := scsi.ParseSense(r.sense)
	if err != nil || s.Key != scsi.KeyIllegalRequest || s.ASC != 0x21 {
		t.Errorf("sense %+v %v", s, err)
	}
	if r.flags != flagUnder || r.residual != 512 {
		t.Errorf("flags %02x residual %d, want underflow 512", r.flags, r.residual)
	}

	r = in.do(0, []byte{0xc2, 0, 0, 0, 0, 0}, false, 0, nil)
	if r.response != 1 {
		t.Errorf("transport failure: iSCSI response %d, want 1 (target failure)", r.response)
	}

	// INQUIRY: data shorter than the allocation length.
	r = in.do(0, inquiryCDB, true, 255, nil)
	if r.status != scsi.StatusGood || len(r.data) != 36 || r.flags != flagUnder || r.residual != 255-36 {
		t.Errorf("INQUIRY: status %v %d bytes flags %02x residual %d", r.status, len(r.data), r.flags, r.residual)
	}
}

func TestReportLUNsAndAbsentUnits(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(16), nil, newMemDisk(16)))
	in := dial(t, addr)
	in.login(testIQN)
	r := in.do(1, []byte{0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, true, 256, nil)
	want := []byte{0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}
	if r.status != scsi.StatusGood || !bytes.Equal(r.data, want) {
		t.Errorf("REPORT LUNS: %v % x", r.status, r.data)
	}
	r = in.do(1, inquiryCDB, true, 255, nil)
	if r.status != scsi.StatusGood || len(r.data) != 36 || r.data[0] != 0x7f {
		t.Errorf("INQUIRY of an absent unit: %v % x", r.status, r.data)
	}
	r = in.do(7, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil)
	if s, err := scsi.ParseSense(r.sense); r.status != scsi.StatusCheckCondition || err != nil || s.ASC != 0x25 {
		t.Errorf("TEST UNIT READY of an absent unit: %v % x", r.status, r.sense)
	}
	r = in.do(2, read10(0, 1), true, 512, nil)
	if r.status != scsi.StatusGood || len(r.data) != 512 {
		t.Errorf("READ of LUN 2: %v", r.status)
	}
}

// A NOP-Out is answered while a command runs, and the unit stays
// serialised across sessions.
func TestNOPDuringSlowCommand(t *testing.T) {
	disk := newMemDisk(16)
	disk.slowGate = make(chan struct{})
	disk.slowStarted = make(chan struct{}, 1)
	addr := startTarget(t, newTestTarget(t, disk))
	in := dial(t, addr)
	in.login(testIQN)
	other := dial(t, addr)
	other.isid[5] = 9
	other.login(testIQN)

	slow := in.start(0, []byte{0xc1, 0, 0, 0, 0, 0}, true, 16, nil)
	<-disk.slowStarted
	queued := other.start(0, read10(0, 1), true, 512, nil) // waits for the slow one
	for i := 0; i < 3; i++ {
		if r := in.nop([]byte("ping")); r.opcode() != opNOPIn || string(r.data) != "ping" || r.u32(20) != reservedTag {
			t.Fatalf("NOP-In: %02Xh %q", r.opcode(), r.data)
		}
		if r := other.nop(nil); r.opcode() != opNOPIn {
			t.Fatalf("NOP-In: %02Xh", r.opcode())
		}
	}
	if len(in.stray) != 0 || len(other.stray) != 0 {
		t.Fatal("a response arrived before the slow command ended")
	}
	close(disk.slowGate)
	if r := in.wait(slow); r.status != scsi.StatusGood || string(r.data) != "slow" {
		t.Errorf("slow command: %v %q", r.status, r.data)
	}
	if r := other.wait(queued); r.status != scsi.StatusGood || len(r.data) != 512 {
		t.Errorf("queued command: %v", r.status)
	}
	if disk.overlap.Load() {
		t.Error("Do called concurrently")
	}
}

func TestTaskManagement(t *testing.T) {
	disk := newMemDisk(16)
	disk.slowGate = make(chan struct{})
	disk.slowStarted = make(chan struct{}, 1)
	addr := startTarget(t, newTestTarget(t, disk))
	in := dial(t, addr)
	in.login(testIQN)

	tmf := func(fn byte, lun int, ref uint32) *pdu {
		p := new(pdu)
		p.bhs[0] = opTaskMgmt | flagImmed
		p.bhs[1] = flagFinal | fn
		l := encodeLUN(lun)
		copy(p.bhs[8:16], l[:])
		itt := in.newITT()
		p.put32(16, itt)
		p.put32(20, ref)
		p.put32(24, in.cmdSN)
		in.send(p)
		for {
			r := in.recv()
			if r.itt() == itt {
				if r.opcode() != opTaskMgmtResp {
					t.Fatalf("TMF answered by %02Xh", r.opcode())
				}
				return r
			}
			in.stray = append(in.stray, r)
		}
	}

	// Abort a queued task: it never runs and gets no response.
	slow := in.start(0, []byte{0xc1, 0, 0, 0, 0, 0}, true, 16, nil)
	<-disk.slowStarted
	queued := in.start(0, read10(5, 1), true, 512, nil)
	if r := tmf(tmfAbortTask, 0, queued); r.bhs[2] != tmfComplete {
		t.Errorf("ABORT TASK of a queued task: response %d", r.bhs[2])
	}
	if r := tmf(tmfAbortTask, 0, 0x7777); r.bhs[2] != tmfNoTask {
		t.Errorf("ABORT TASK of no task: response %d", r.bhs[2])
	}
	if r := tmf(tmfLUReset, 3, 0); r.bhs[2] != tmfNoLUN {
		t.Errorf("LOGICAL UNIT RESET of an absent unit: response %d", r.bhs[2])
	}
	if r := tmf(tmfReassign, 0, slow); r.bhs[2] != tmfNoReassign {
		t.Errorf("TASK REASSIGN: response %d", r.bhs[2])
	}
	// A LOGICAL UNIT RESET cancels the running command and is answered
	// once it returned; the command itself is not answered.
	if r := tmf(tmfLUReset, 0, 0); r.bhs[2] != tmfComplete {
		t.Errorf("LOGICAL UNIT RESET: response %d", r.bhs[2])
	}
	if len(in.stray) != 0 {
		t.Errorf("aborted tasks answered: %02Xh", in.stray[0].opcode())
	}
	for _, cdb := range disk.log() {
		if cdb[0] == 0x28 {
			t.Error("the aborted queued READ ran")
		}
	}
	// The session goes on.
	if r := in.do(0, read10(5, 1), true, 512, nil); r.status != scsi.StatusGood {
		t.Errorf("READ after reset: %v", r.status)
	}
}

// CmdSN outside the window is ignored (RFC 7143 section 4.2.2.1); the
// window opens as commands complete.
func TestCommandWindow(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(16)))
	in := dial(t, addr)
	in.login(testIQN)
	if in.maxCmdSN-in.cmdSN+1 != cmdWindow {
		t.Errorf("window after login: ExpCmdSN %d MaxCmdSN %d", in.cmdSN, in.maxCmdSN)
	}
	p := in.scsiCmd(0, []byte{0, 0, 0, 0, 0, 0}, false, false, 0)
	p.put32(24, in.maxCmdSN+1)
	in.send(p)
	p = in.scsiCmd(0, []byte{0, 0, 0, 0, 0, 0}, false, false, 0)
	p.put32(24, in.cmdSN-5)
	in.send(p)
	in.cmdSN -= 2
	if _, err := in.tryRecv(300 * time.Millisecond); err == nil {
		t.Fatal("a command outside the window was answered")
	}
	for i := 0; i < 3*cmdWindow; i++ {
		if r := in.do(0, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil); r.status != scsi.StatusGood {
			t.Fatalf("TEST UNIT READY %d: %v", i, r.status)
		}
	}
	if got := in.maxCmdSN - in.cmdSN + 1; got != cmdWindow {
		t.Errorf("window at the end: %d", got)
	}
}

// Pipelined commands fill the window and are answered in order.
func TestPipelined(t *testing.T) {
	disk := newMemDisk(64)
	addr := startTarget(t, newTestTarget(t, disk))
	in := dial(t, addr)
	in.login(testIQN)
	var itts []uint32
	for i := 0; i < cmdWindow; i++ {
		itts = append(itts, in.start(0, read10(uint32(i), 1), true, 512, nil))
	}
	for i, itt := range itts {
		if r := in.wait(itt); r.status != scsi.StatusGood || !bytes.Equal(r.data, disk.blocks[i*512:][:512]) {
			t.Fatalf("command %d: %v", i, r.status)
		}
	}
}

// A second login with the same initiator name and ISID replaces the
// first session (RFC 7143 section 6.3.5).
func TestSessionReinstatement(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(16)))
	first := dial(t, addr)
	first.login(testIQN)
	second := dial(t, addr)
	second.login(testIQN)
	first.expectClosed()
	if r := second.do(0, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil); r.status != scsi.StatusGood {
		t.Errorf("new session: %v", r.status)
	}
}

// A long CDB in an Extended CDB AHS reaches the Transport whole.
func TestExtendedCDB(t *testing.T) {
	var got []byte
	tr := transportFunc(func(_ context.Context, c *scsi.Command) (scsi.Result, error) {
		got = append([]byte(nil), c.CDB...)
		return scsi.Result{}, nil
	})
	addr := startTarget(t, newTestTarget(t, tr))
	in := dial(t, addr)
	in.login(testIQN)
	cdb := make([]byte, 32)
	cdb[0] = 0x7f
	for i := 1; i < len(cdb); i++ {
		cdb[i] = byte(i)
	}
	if r := in.do(0, cdb, false, 0, nil); r.status != scsi.StatusGood || !bytes.Equal(got, cdb) {
		t.Errorf("status %v, CDB % x", r.status, got)
	}
	for _, tc := range []struct {
		cdb  []byte
		want int
	}{{[]byte{0x00}, 6}, {[]byte{0x28}, 10}, {[]byte{0x55}, 10}, {[]byte{0x88}, 16}, {[]byte{0xbe}, 12}, {[]byte{0xd8}, 12}} {
		in.do(0, tc.cdb, false, 0, nil)
		if len(got) != tc.want {
			t.Errorf("opcode %02Xh: CDB of %d bytes, want %d", tc.cdb[0], len(got), tc.want)
		}
	}
}

type transportFunc func(context.Context, *scsi.Command) (scsi.Result, error)

func (f transportFunc) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	return f(ctx, c)
}

// Malformed input ends the connection, never the target.
func TestMalformed(t *testing.T) {
	disk := newMemDisk(16)
	addr := startTarget(t, newTestTarget(t, disk))
	hdr := func(op byte, mod func(*pdu)) []byte {
		p := new(pdu)
		p.bhs[0] = op
		p.bhs[1] = flagFinal
		if mod != nil {
			mod(p)
		}
		return appendPDU(nil, p)
	}
	loginText := func(text string) []byte {
		p := loginPDU(0, 1, true, [6]byte{0x80}, 1, 1, 0)
		p.data = []byte(text)
		return appendPDU(nil, p)
	}
	for _, tc := range []struct {
		name    string
		login   bool // log in first
		raw     []byte
		trailer bool // the raw bytes end mid-PDU: close the write side
	}{
		{name: "SCSI command before login", raw: hdr(opSCSICmd, nil)},
		{name: "huge data segment in login", raw: func() []byte {
			b := loginText("InitiatorName=iqn.x:i\x00")
			b[5], b[6], b[7] = 0xff, 0xff, 0xff
			return b
		}(), trailer: true},
		{name: "text without =", raw: loginText("InitiatorName\x00")},
		{name: "bad key", raw: loginText("Initiator Name=x\x00")},
		{name: "duplicate key", raw: loginText("InitiatorName=a\x00InitiatorName=b\x00")},
		{name: "T and C", raw: func() []byte {
			b := loginText("InitiatorName=iqn.x:i\x00TargetName=" + testIQN + "\x00")
			b[1] |= flagContinue
			return b
		}()},
		{name: "stage 2", raw: func() []byte {
			b := loginText("InitiatorName=iqn.x:i\x00TargetName=" + testIQN + "\x00")
			b[1] = flagTransit | 2<<2 | 3
			return b
		}()},
		{name: "truncated header", raw: []byte{0x43, 0x81, 0, 0}, trailer: true},
		{name: "huge data segment", login: true, raw: hdr(opNOPOut, func(p *pdu) { p.data = make([]byte, ourMaxRecvDataSegment+4) })},
		{name: "unsolicited data-out", login: true, raw: hdr(opDataOut, func(p *pdu) { p.put32(20, reservedTag); p.data = []byte{1, 2, 3, 4} })},
		{name: "immediate data without W", login: true, raw: hdr(opSCSICmd, func(p *pdu) {
			p.bhs[1] |= flagRead
			p.put32(16, 1)
			p.put32(20, 512)
			p.put32(24, 1)
			copy(p.bhs[32:], read10(0, 1))
			p.data = make([]byte, 512)
		})},
		{name: "F=0 command", login: true, raw: hdr(opSCSICmd, func(p *pdu) {
			p.bhs[1] = flagWrite
			p.put32(16, 1)
			p.put32(20, 512)
			p.put32(24, 1)
			copy(p.bhs[32:], write10(0, 1))
		})},
		{name: "bad AHS", login: true, raw: hdr(opSCSICmd, func(p *pdu) {
			p.put32(16, 1)
			p.put32(24, 1)
			p.ahs = []byte{0, 200, 1, 0}
		})},
		{name: "login in full feature phase", login: true, raw: loginText("InitiatorName=iqn.x:i\x00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := dial(t, addr)
			if tc.login {
				in.login(testIQN)
			}
			if err := in.sendRaw(tc.raw); err != nil {
				t.Fatal(err)
			}
			if tc.trailer {
				in.nc.(*net.TCPConn).CloseWrite()
			}
			in.expectClosed()
		})
	}
	// The target still serves.
	in := dial(t, addr)
	in.login(testIQN)
	if r := in.do(0, read10(0, 1), true, 512, nil); r.status != scsi.StatusGood {
		t.Errorf("after malformed input: %v", r.status)
	}
}

// Data-Out that breaks the sequence the R2T asked for ends the
// connection.
func TestBadDataOut(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(64)))
	for _, tc := range []struct {
		name string
		mod  func(d *pdu)
	}{
		{"offset", func(d *pdu) { d.put32(40, 4) }},
		{"TTT", func(d *pdu) { d.put32(20, 0x1234) }},
		{"overrun", func(d *pdu) { d.data = make([]byte, 2048) }},
		{"no F", func(d *pdu) { d.bhs[1] = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := dial(t, addr)
			in.immediate = false
			in.login(testIQN)
			itt := in.start(0, write10(0, 2), false, 1024, make([]byte, 1024))
			r2t := in.recv()
			if r2t.opcode() != opR2T || r2t.itt() != itt || r2t.u32(44) != 1024 {
				t.Fatalf("R2T: %02Xh length %d", r2t.opcode(), r2t.u32(44))
			}
			d := new(pdu)
			d.bhs[0] = opDataOut
			d.bhs[1] = flagFinal
			d.put32(16, itt)
			d.put32(20, r2t.u32(20))
			d.data = make([]byte, 1024)
			tc.mod(d)
			in.send(d)
			in.expectClosed()
		})
	}
}

// A DataSN out of order implies a lost PDU: the task ends with CHECK
// CONDITION once the burst is over, and the session goes on.
func TestDataSNError(t *testing.T) {
	disk := newMemDisk(64)
	addr := startTarget(t, newTestTarget(t, disk))
	in := dial(t, addr)
	in.immediate = false
	in.login(testIQN)
	in.targetMaxRecv = 512
	itt := in.start(0, write10(0, 2), false, 1024, make([]byte, 1024))
	r2t := in.recv()
	for i, sn := range []uint32{1, 0} {
		d := new(pdu)
		d.bhs[0] = opDataOut
		if i == 1 {
			d.bhs[1] = flagFinal
		}
		d.put32(16, itt)
		d.put32(20, r2t.u32(20))
		d.put32(36, sn)
		d.put32(40, uint32(i*512))
		d.data = make([]byte, 512)
		in.send(d)
	}
	r := in.wait(itt)
	if s, err := scsi.ParseSense(r.sense); r.status != scsi.StatusCheckCondition || err != nil || s.Key != scsi.KeyAbortedCommand || s.ASC != 0x47 {
		t.Errorf("status %v sense % x", r.status, r.sense)
	}
	for _, cdb := range disk.log() {
		if cdb[0] == 0x2a {
			t.Error("the WRITE ran")
		}
	}
	if r := in.do(0, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil); r.status != scsi.StatusGood {
		t.Errorf("TEST UNIT READY after: %v", r.status)
	}
}

func TestUnsupportedOpcode(t *testing.T) {
	addr := startTarget(t, newTestTarget(t, newMemDisk(16)))
	in := dial(t, addr)
	in.login(testIQN)
	for _, op := range []byte{opSNACK, 0x1c} {
		p := new(pdu)
		p.bhs[0] = op
		p.bhs[1] = flagFinal
		in.send(p)
		r := in.recv()
		if r.opcode() != opReject || !bytes.Equal(r.data, p.bhs[:]) {
			t.Errorf("opcode %02Xh: answered %02Xh", op, r.opcode())
		}
	}
	if r := in.do(0, []byte{0, 0, 0, 0, 0, 0}, false, 0, nil); r.status != scsi.StatusGood {
		t.Errorf("after Reject: %v", r.status)
	}
}

// Cancelling Serve's context closes the connections, cancels the
// running command and waits for it.
func TestShutdown(t *testing.T) {
	disk := newMemDisk(16)
	disk.slowGate = make(chan struct{})
	disk.slowStarted = make(chan struct{}, 1)
	tg := newTestTarget(t, disk)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tg.Serve(ctx, ln) }()
	in := dial(t, ln.Addr().String())
	in.login(testIQN)
	in.start(0, []byte{0xc1, 0, 0, 0, 0, 0}, true, 16, nil)
	<-disk.slowStarted
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if disk.active.Load() != 0 {
		t.Error("Serve returned while a command ran")
	}
	disk.mu.Lock()
	if c := disk.ctxs[len(disk.ctxs)-1]; c.Err() == nil {
		t.Error("the running command's context was not cancelled")
	}
	disk.mu.Unlock()
	// The command may have been answered (a target failure, as its
	// context was cancelled) before the connection closed.
	p, err := in.tryRecv(time.Second)
	if err == nil {
		if p.opcode() != opSCSIResp || p.bhs[2] != 1 {
			t.Errorf("after shutdown: opcode %02Xh response %d", p.opcode(), p.bhs[2])
		}
		_, err = in.tryRecv(time.Second)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Errorf("connection after shutdown: %v", err)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }

func TestTrace(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	tg := newTestTarget(t, newMemDisk(16))
	tg.Trace = func(lun int, c *scsi.Command, res scsi.Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, strings.TrimSpace(c.Direction.String()+" "+res.Status.String()))
	}
	addr := startTarget(t, tg)
	in := dial(t, addr)
	in.login(testIQN)
	in.do(0, read10(0, 1), true, 512, nil)
	in.do(0, read10(99, 1), true, 512, nil)
	in.do(0, []byte{0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, true, 256, nil) // answered by the target: not traced
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"from-device GOOD", "from-device CHECK CONDITION"}; strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("traced %q, want %q", seen, want)
	}
}

func TestURL(t *testing.T) {
	tg := &Target{Name: "iqn.2025-01.org.example:cd"}
	for addr, want := range map[string]string{
		"127.0.0.1:3260": "iscsi://127.0.0.1:3260/iqn.2025-01.org.example:cd/0",
		"0.0.0.0:3261":   "iscsi://127.0.0.1:3261/iqn.2025-01.org.example:cd/0",
		"[::]:3260":      "iscsi://[::1]:3260/iqn.2025-01.org.example:cd/0",
		":3260":          "iscsi://127.0.0.1:3260/iqn.2025-01.org.example:cd/0",
		"[::1]:3260":     "iscsi://[::1]:3260/iqn.2025-01.org.example:cd/0",
		"host.example":   "iscsi://host.example/iqn.2025-01.org.example:cd/0",
	} {
		if got := tg.URL(addr, 0); got != want {
			t.Errorf("URL(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestServeChecks(t *testing.T) {
	for _, tg := range []*Target{
		{Name: "", LUNs: []scsi.Transport{newMemDisk(1)}},
		{Name: "iqn.2025-01.org.example:UPPER", LUNs: []scsi.Transport{newMemDisk(1)}},
		{Name: "drive", LUNs: []scsi.Transport{newMemDisk(1)}},
		{Name: testIQN},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if err := tg.Serve(context.Background(), ln); err == nil {
			t.Errorf("Serve of %q with %d units: no error", tg.Name, len(tg.LUNs))
		}
		if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("listener not closed: %v", err)
		}
	}
}

func TestTextLog(t *testing.T) {
	var b bytes.Buffer
	log := TextLog(&b, LevelInfo)
	log(LevelDebug, "dropped")
	log(LevelWarn, "iscsi: connection dropped", "remote", "127.0.0.1:5000", "err", errors.New("bad PDU"), "odd")
	line := b.String()
	_, rest, ok := strings.Cut(line, " level=")
	if !strings.HasPrefix(line, "time=") || !ok {
		t.Fatalf("line %q", line)
	}
	if want := `WARN msg="iscsi: connection dropped" remote=127.0.0.1:5000 err="bad PDU" odd=!MISSING` + "\n"; rest != want {
		t.Errorf("got  %q\nwant %q", rest, want)
	}
}
