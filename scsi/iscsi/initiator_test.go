package iscsi

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"spindle/scsi"
)

// This file is a small iSCSI initiator for the tests: it logs in, sends
// commands, answers R2Ts and collects Data-In, checking the target's PDUs
// as it goes.

const testIQN = "iqn.2025-01.org.example.spindle:test"

// startTarget serves t on a loopback port until the test ends, and
// checks that Serve then returns nil.
func startTarget(tb testing.TB, t *Target) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- t.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Error("Serve did not return after cancel")
		}
	})
	return ln.Addr().String()
}

type initiator struct {
	tb        testing.TB
	nc        net.Conn
	br        *bufio.Reader
	cmdSN     uint32
	expStatSN uint32
	maxCmdSN  uint32
	lastITT   uint32
	isid      [6]byte
	tsih      uint16

	// Offered at login.
	maxRecv    int // our MaxRecvDataSegmentLength
	maxBurst   int
	firstBurst int
	immediate  bool
	// Negotiated.
	targetMaxRecv int
	answers       map[string]string

	// PDUs received that belong to no command waited for.
	stray []*pdu
	// The data-out of the commands started, for their R2Ts.
	pendingOut map[uint32][]byte
}

func dial(tb testing.TB, addr string) *initiator {
	tb.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { nc.Close() })
	return &initiator{tb: tb, nc: nc, br: bufio.NewReader(nc), cmdSN: 1, isid: [6]byte{0x80, 1, 2, 3, 4, 5},
		maxRecv: 8192, maxBurst: 262144, firstBurst: 65536, immediate: true, targetMaxRecv: 8192, pendingOut: map[uint32][]byte{}}
}

func (in *initiator) send(p *pdu) {
	in.tb.Helper()
	if _, err := in.nc.Write(appendPDU(nil, p)); err != nil {
		in.tb.Fatalf("send opcode %02Xh: %v", p.opcode(), err)
	}
}

func (in *initiator) sendRaw(b []byte) error {
	_, err := in.nc.Write(b)
	return err
}

// tryRecv reads the next PDU, waiting at most d.
func (in *initiator) tryRecv(d time.Duration) (*pdu, error) {
	in.nc.SetReadDeadline(time.Now().Add(d))
	defer in.nc.SetReadDeadline(time.Time{})
	p, err := readPDU(in.br, maxDataSegment)
	if err != nil {
		return nil, err
	}
	switch p.opcode() {
	case opNOPIn, opSCSIResp, opTaskMgmtResp, opLoginResp, opTextResp, opLogoutResp, opReject, opR2T, opDataIn:
		// StatSN is valid in responses and, with S, in Data-In.
		if p.opcode() != opR2T && (p.opcode() != opDataIn || p.flags()&flagStatus != 0) {
			in.expStatSN = p.u32(24) + 1
		}
		if m := p.u32(32); serialLess(in.maxCmdSN, m) || in.maxCmdSN == 0 {
			in.maxCmdSN = m
		}
	default:
		in.tb.Errorf("target sent opcode %02Xh", p.opcode())
	}
	return p, nil
}

func (in *initiator) recv() *pdu {
	in.tb.Helper()
	p, err := in.tryRecv(10 * time.Second)
	if err != nil {
		in.tb.Fatalf("receive: %v", err)
	}
	return p
}

// expectClosed checks that the target closes the connection soon.
func (in *initiator) expectClosed() {
	in.tb.Helper()
	for {
		p, err := in.tryRecv(5 * time.Second)
		if err == nil {
			if p.opcode() != opReject {
				in.tb.Logf("PDU %02Xh before close", p.opcode())
			}
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			in.tb.Fatal("connection still open")
		}
		return
	}
}

func (in *initiator) newITT() uint32 {
	in.lastITT++
	return in.lastITT
}

func loginPDU(csg, nsg byte, transit bool, isid [6]byte, itt, cmdSN, expStatSN uint32, pairs ...pair) *pdu {
	p := new(pdu)
	p.bhs[0] = opLogin | flagImmed
	p.bhs[1] = csg<<2 | nsg
	if transit {
		p.bhs[1] |= flagTransit
	}
	copy(p.bhs[8:14], isid[:])
	p.put32(16, itt)
	p.put32(24, cmdSN)
	p.put32(28, expStatSN)
	p.data = appendText(nil, pairs)
	return p
}

// loginStep sends one login request and returns the response's status,
// flags and answers.
func (in *initiator) loginStep(csg, nsg byte, transit bool, pairs ...pair) (uint16, byte, map[string]string) {
	in.tb.Helper()
	p := loginPDU(csg, nsg, transit, in.isid, in.newITT(), in.cmdSN, in.expStatSN, pairs...)
	p.put16(14, in.tsih)
	in.send(p)
	r := in.recv()
	if r.opcode() != opLoginResp {
		in.tb.Fatalf("login: got opcode %02Xh", r.opcode())
	}
	if r.itt() != p.itt() || [6]byte(r.bhs[8:14]) != in.isid {
		in.tb.Errorf("login response ITT/ISID % x, want ITT %08x ISID % x", r.bhs[8:20], p.itt(), in.isid)
	}
	kv, err := parseText(r.data)
	if err != nil {
		in.tb.Fatalf("login response text: %v", err)
	}
	m := map[string]string{}
	for _, e := range kv {
		m[e.key] = e.value
	}
	if t := r.u16(14); t != 0 {
		in.tsih = t
	}
	return r.u16(36), r.flags(), m
}

// login logs in to target (a normal session) or, with target "", to a
// discovery session, through both negotiation stages. extra keys go into
// the operational stage.
func (in *initiator) login(target string, extra ...pair) {
	in.tb.Helper()
	first := []pair{{"InitiatorName", "iqn.2025-01.org.example:initiator"}}
	if target == "" {
		first = append(first, pair{"SessionType", "Discovery"})
	} else {
		first = append(first, pair{"TargetName", target}, pair{"SessionType", "Normal"})
	}
	first = append(first, pair{"AuthMethod", "None"})
	st, fl, m := in.loginStep(stageSecurity, stageOperational, true, first...)
	if st != 0 || fl&flagTransit == 0 || fl&3 != stageOperational {
		in.tb.Fatalf("security stage: status %04x flags %02x", st, fl)
	}
	if m["AuthMethod"] != "None" {
		in.tb.Errorf("AuthMethod=%q", m["AuthMethod"])
	}
	if target != "" && m["TargetPortalGroupTag"] != "1" {
		in.tb.Errorf("TargetPortalGroupTag=%q in the first response", m["TargetPortalGroupTag"])
	}
	op := []pair{
		{"HeaderDigest", "None"}, {"DataDigest", "None"},
		{"MaxRecvDataSegmentLength", strconv.Itoa(in.maxRecv)},
		{"InitialR2T", "Yes"}, {"ImmediateData", map[bool]string{true: "Yes", false: "No"}[in.immediate]},
		{"MaxBurstLength", strconv.Itoa(in.maxBurst)}, {"FirstBurstLength", strconv.Itoa(in.firstBurst)},
		{"MaxConnections", "1"}, {"MaxOutstandingR2T", "1"}, {"ErrorRecoveryLevel", "0"},
		{"DefaultTime2Wait", "2"}, {"DefaultTime2Retain", "0"},
		{"DataPDUInOrder", "Yes"}, {"DataSequenceInOrder", "Yes"},
	}
	op = append(op, extra...)
	st, fl, m = in.loginStep(stageOperational, stageFullFeature, true, op...)
	if st != 0 || fl&flagTransit == 0 || fl&3 != stageFullFeature {
		in.tb.Fatalf("operational stage: status %04x flags %02x", st, fl)
	}
	if in.tsih == 0 {
		in.tb.Error("no TSIH at the end of login")
	}
	in.answers = m
	if v, ok := m["MaxRecvDataSegmentLength"]; ok {
		in.targetMaxRecv, _ = strconv.Atoi(v)
	}
	if v, ok := m["MaxBurstLength"]; ok {
		in.maxBurst, _ = strconv.Atoi(v)
	}
	if v, ok := m["FirstBurstLength"]; ok {
		in.firstBurst, _ = strconv.Atoi(v)
	}
	in.immediate = m["ImmediateData"] == "Yes"
}

// cmdResult is how a command ended, as the initiator saw it.
type cmdResult struct {
	itt      uint32
	status   scsi.Status
	response byte // iSCSI response code of a SCSI Response
	sense    []byte
	data     []byte
	flags    byte // U, O
	residual uint32
	dataIns  []*pdu
	r2ts     []*pdu
	final    *pdu // the PDU that carried the status
}

// scsiCmd builds a SCSI Command PDU.
func (in *initiator) scsiCmd(lun int, cdb []byte, read, write bool, edtl int) *pdu {
	p := new(pdu)
	p.bhs[0] = opSCSICmd
	p.bhs[1] = flagFinal | 1 // SIMPLE
	if read {
		p.bhs[1] |= flagRead
	}
	if write {
		p.bhs[1] |= flagWrite
	}
	l := encodeLUN(lun)
	copy(p.bhs[8:16], l[:])
	p.put32(16, in.newITT())
	p.put32(20, uint32(edtl))
	p.put32(24, in.cmdSN)
	in.cmdSN++
	p.put32(28, in.expStatSN)
	copy(p.bhs[32:48], cdb)
	if len(cdb) > 16 {
		ext := cdb[16:]
		ahs := make([]byte, pad4(3+1+len(ext)))
		binary.BigEndian.PutUint16(ahs, uint16(1+len(ext)))
		ahs[2] = 1
		copy(ahs[4:], ext)
		p.ahs = ahs
	}
	return p
}

// start sends a command; read and out choose the direction, edtl is the
// Expected Data Transfer Length. Data-out beyond the immediate data waits
// for R2Ts, which wait collects.
func (in *initiator) start(lun int, cdb []byte, read bool, edtl int, out []byte) uint32 {
	in.tb.Helper()
	p := in.scsiCmd(lun, cdb, read, out != nil, edtl)
	if out != nil && in.immediate {
		p.data = out[:min(len(out), in.firstBurst, in.targetMaxRecv)]
	}
	in.send(p)
	in.pendingOut[p.itt()] = out
	return p.itt()
}

// wait collects the response of command itt, sending the data-out R2Ts
// ask for. PDUs of other tasks are kept in stray.
func (in *initiator) wait(itt uint32) cmdResult {
	in.tb.Helper()
	res := cmdResult{itt: itt}
	out := in.pendingOut[itt]
	for i, p := range in.stray {
		if p.itt() == itt {
			in.stray = append(in.stray[:i], in.stray[i+1:]...)
			if done := in.take(&res, p, out); done {
				return res
			}
			break
		}
	}
	for {
		p := in.recv()
		if p.itt() != itt {
			in.stray = append(in.stray, p)
			continue
		}
		if done := in.take(&res, p, out); done {
			delete(in.pendingOut, itt)
			return res
		}
	}
}

func (in *initiator) take(res *cmdResult, p *pdu, out []byte) bool {
	switch p.opcode() {
	case opDataIn:
		if off := int(p.u32(40)); off != len(res.data) {
			in.tb.Errorf("Data-In offset %d, want %d", off, len(res.data))
		}
		if sn := p.u32(36); sn != uint32(len(res.dataIns)) {
			in.tb.Errorf("Data-In DataSN %d, want %d", sn, len(res.dataIns))
		}
		res.data = append(res.data, p.data...)
		res.dataIns = append(res.dataIns, p)
		if p.flags()&flagStatus != 0 {
			if p.flags()&flagFinal == 0 {
				in.tb.Error("Data-In with S but not F")
			}
			res.status = scsi.Status(p.bhs[3])
			res.flags = p.flags() & (flagUnder | flagOverflow)
			res.residual = p.u32(44)
			res.final = p
			return true
		}
	case opR2T:
		res.r2ts = append(res.r2ts, p)
		off, n := int(p.u32(40)), int(p.u32(44))
		if off+n > len(out) {
			in.tb.Fatalf("R2T for %d bytes at %d of %d", n, off, len(out))
		}
		var sn uint32
		for done := 0; done < n; sn++ {
			seg := min(n-done, in.targetMaxRecv)
			d := new(pdu)
			d.bhs[0] = opDataOut
			if done+seg == n {
				d.bhs[1] = flagFinal
			}
			copy(d.bhs[8:16], p.bhs[8:16])
			d.put32(16, p.itt())
			d.put32(20, p.u32(20))
			d.put32(28, in.expStatSN)
			d.put32(36, sn)
			d.put32(40, uint32(off+done))
			d.data = out[off+done : off+done+seg]
			in.send(d)
			done += seg
		}
	case opSCSIResp:
		res.response = p.bhs[2]
		res.status = scsi.Status(p.bhs[3])
		res.flags = p.flags() & (flagUnder | flagOverflow)
		res.residual = p.u32(44)
		res.final = p
		if len(p.data) >= 2 {
			n := int(binary.BigEndian.Uint16(p.data))
			if 2+n > len(p.data) {
				in.tb.Errorf("SenseLength %d in a %d-byte segment", n, len(p.data))
			} else {
				res.sense = p.data[2 : 2+n]
			}
		}
		return true
	default:
		in.tb.Fatalf("opcode %02Xh for a SCSI command", p.opcode())
	}
	return false
}

// do runs one command to its end.
func (in *initiator) do(lun int, cdb []byte, read bool, edtl int, out []byte) cmdResult {
	in.tb.Helper()
	return in.wait(in.start(lun, cdb, read, edtl, out))
}

// nop pings the target and waits for the answer, keeping other PDUs.
func (in *initiator) nop(data []byte) *pdu {
	in.tb.Helper()
	p := new(pdu)
	p.bhs[0] = opNOPOut | flagImmed
	p.bhs[1] = flagFinal
	itt := in.newITT()
	p.put32(16, itt)
	p.put32(20, reservedTag)
	p.put32(24, in.cmdSN)
	p.put32(28, in.expStatSN)
	p.data = data
	in.send(p)
	for {
		r := in.recv()
		if r.itt() == itt {
			return r
		}
		in.stray = append(in.stray, r)
	}
}

func (in *initiator) logout() *pdu {
	in.tb.Helper()
	p := new(pdu)
	p.bhs[0] = opLogout | flagImmed
	p.bhs[1] = flagFinal
	itt := in.newITT()
	p.put32(16, itt)
	p.put32(24, in.cmdSN)
	p.put32(28, in.expStatSN)
	in.send(p)
	for {
		r := in.recv()
		if r.itt() == itt {
			return r
		}
	}
}

// text sends a Text request and returns the answer's pairs.
func (in *initiator) text(pairs ...pair) map[string][]string {
	in.tb.Helper()
	p := new(pdu)
	p.bhs[0] = opText | flagImmed
	p.bhs[1] = flagFinal
	itt := in.newITT()
	p.put32(16, itt)
	p.put32(20, reservedTag)
	p.put32(24, in.cmdSN)
	p.put32(28, in.expStatSN)
	p.data = appendText(nil, pairs)
	in.send(p)
	r := in.recv()
	if r.opcode() != opTextResp || r.itt() != itt || r.flags()&flagFinal == 0 {
		in.tb.Fatalf("text response: opcode %02Xh ITT %08x flags %02x", r.opcode(), r.itt(), r.flags())
	}
	m := map[string][]string{}
	kv, err := parseText(answerText(r.data))
	if err != nil {
		in.tb.Fatal(err)
	}
	for _, e := range kv {
		m[e.key] = append(m[e.key], e.value)
	}
	return m
}

// answerText makes repeated keys (TargetName, TargetAddress of several
// targets) acceptable to parseText, which rejects them in requests.
func answerText(b []byte) []byte {
	var out []byte
	seen := map[string]int{}
	for _, kv := range splitNUL(b) {
		k, v, _ := cut(kv)
		seen[k]++
		if seen[k] > 1 {
			k += "." + strconv.Itoa(seen[k])
		}
		out = append(out, k+"="+v+"\x00"...)
	}
	return out
}

func splitNUL(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	if start < len(b) {
		out = append(out, string(b[start:]))
	}
	return out
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
