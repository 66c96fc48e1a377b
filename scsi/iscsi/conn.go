package iscsi

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// cmdWindow is the command window a session gets: how many
	// non-immediate commands may be outstanding (MaxCmdSN - ExpCmdSN + 1,
	// RFC 7143 section 4.2.2.1).
	cmdWindow = 32
	// maxTasks bounds the tasks of a connection, immediate ones (which
	// the window does not limit) included. An initiator beyond it is
	// misbehaving and loses the connection.
	maxTasks = 4 * cmdWindow
	// maxQueued bounds the PDUs waiting to be written: an initiator that
	// sends but never reads loses the connection instead of growing it.
	maxQueued = 4096
	// loginTimeout bounds the login phase.
	loginTimeout = 30 * time.Second
	// flushTimeout bounds the final write of a closing connection.
	flushTimeout = 2 * time.Second
)

// errLogout ends the read loop after a Logout request was answered.
var errLogout = errors.New("iscsi: logged out")

// errReplaced ends a session that a new login reinstated (RFC 7143
// section 6.3.5).
var errReplaced = errors.New("iscsi: session reinstated by a new login")

// conn is one iSCSI connection, which is also one session: the target
// negotiates MaxConnections=1 (RFC 7143 section 13.2).
//
// Three kinds of goroutine touch it: the reader (serve, which runs login
// and then reads and dispatches PDUs), the writer (writeLoop, the only
// one writing to the network after login), and the units' goroutines,
// which hand completed tasks over through complete. Answers the reader
// produces itself (NOP-In, R2T, text and task management responses) go
// through the same queue, so a long command never delays a NOP-In.
type conn struct {
	t      *Target
	nc     net.Conn
	br     *bufio.Reader
	parent context.Context // the target's: done when it shuts down
	ctx    context.Context // cancelled when the connection ends
	cancel context.CancelFunc
	log    logger

	replaced atomic.Bool // a new login reinstated the session

	// Set by login, read-only afterwards.
	p         params
	discovery bool
	key       sessionKey

	// Reader only.
	lastTTT uint32
	textBuf []byte // a Text request continued (C bit)
	textTTT uint32 // the Target Transfer Tag that continues it

	mu         sync.Mutex
	cond       *sync.Cond // signals the writer: out grew or outClosed
	out        []outItem
	outClosed  bool // the writer ends once out is empty
	closed     bool // completions are dropped
	expCmdSN   uint32
	maxCmdSN   uint32 // the highest MaxCmdSN advertised
	tasks      map[uint32]*task
	statSN     uint32 // owned by login, then by the writer
	writerDone chan struct{}
	waiters    sync.WaitGroup // task management responses waiting for tasks
}

func newConn(ctx context.Context, t *Target, nc net.Conn) *conn {
	c := &conn{
		t:          t,
		nc:         nc,
		br:         bufio.NewReaderSize(nc, 64<<10),
		log:        t.logger().with("remote", nc.RemoteAddr()),
		p:          defaultParams(),
		tasks:      map[uint32]*task{},
		writerDone: make(chan struct{}),
	}
	c.parent = ctx
	c.ctx, c.cancel = context.WithCancel(ctx)
	c.cond = sync.NewCond(&c.mu)
	return c
}

// serve runs the connection: login, then the Full Feature Phase until the
// initiator logs out, the connection fails or the target shuts down.
func (c *conn) serve() error {
	defer c.nc.Close()
	defer c.cancel()
	if err := c.login(); err != nil {
		return err
	}
	go c.writeLoop()
	err := c.readLoop()
	if !c.discovery {
		c.t.unregister(c.key, c)
	}

	// Tasks not yet running are dropped, running ones cancelled and
	// their responses suppressed (ERL 0 terminates the tasks of a failed
	// connection, RFC 7143 section 7.1.5). What is queued is still
	// written, the Logout response or a Reject last, within a bound.
	running := c.abortTasks(func(*task) bool { return true })
	c.mu.Lock()
	c.closed = true
	c.outClosed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	c.cancel()
	c.nc.SetWriteDeadline(time.Now().Add(flushTimeout))
	<-c.writerDone
	c.nc.Close()
	for _, done := range running {
		<-done
	}
	c.waiters.Wait()
	switch {
	case c.replaced.Load():
		err = errReplaced
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) && c.parent.Err() != nil:
		err = nil // the initiator hung up, or the target shut down
	}
	return err
}

func (c *conn) readLoop() error {
	for {
		p, err := readPDU(c.br, ourMaxRecvDataSegment)
		if err != nil {
			return err
		}
		if err := c.dispatch(p); err != nil {
			return err
		}
	}
}

// dispatch handles one PDU of the Full Feature Phase.
func (c *conn) dispatch(p *pdu) error {
	op := p.opcode()
	if c.discovery {
		// A discovery session carries only Text, Logout and NOP
		// (RFC 7143 section 4.3).
		switch op {
		case opText, opLogout, opNOPOut:
		default:
			c.reject(p, rejectProtocol)
			return protoErr("opcode %02Xh in a discovery session", op)
		}
	}
	switch op {
	case opNOPOut:
		return c.nopOut(p)
	case opSCSICmd:
		return c.command(p)
	case opDataOut:
		return c.dataOut(p)
	case opTaskMgmt:
		return c.taskMgmt(p)
	case opText:
		return c.text(p)
	case opLogout:
		return c.logout(p)
	case opSNACK:
		// No SNACK at ErrorRecoveryLevel 0 (RFC 7143 section 11.16).
		c.reject(p, rejectProtocol)
		return nil
	case opLogin:
		c.reject(p, rejectProtocol)
		return protoErr("Login request in the Full Feature Phase")
	}
	c.reject(p, rejectNotSupported)
	return nil
}

// acceptCmdSN applies the command numbering rules of RFC 7143 section
// 4.2.2.1 to a request: an immediate one does not advance ExpCmdSN; a
// non-immediate one outside [ExpCmdSN, MaxCmdSN] is silently ignored
// (false).
func (c *conn) acceptCmdSN(p *pdu) bool {
	if p.immediate() {
		return true
	}
	sn := p.u32(24)
	c.mu.Lock()
	defer c.mu.Unlock()
	if serialLess(sn, c.expCmdSN) || serialLess(c.maxCmdSN, sn) {
		c.log.debug("iscsi: command outside the window ignored", "cmdsn", sn, "expcmdsn", c.expCmdSN, "maxcmdsn", c.maxCmdSN)
		return false
	}
	c.expCmdSN = sn + 1
	return true
}

// advanceWindow returns ExpCmdSN and MaxCmdSN for a PDU about to be
// sent. MaxCmdSN leaves room for cmdWindow outstanding commands and never
// moves back (section 4.2.2.1). Called with c.mu held.
func (c *conn) advanceWindow() (exp, max uint32) {
	free := cmdWindow - len(c.tasks)
	if free < 0 {
		free = 0
	}
	if m := c.expCmdSN + uint32(free) - 1; serialLess(c.maxCmdSN, m) {
		c.maxCmdSN = m
	}
	return c.expCmdSN, c.maxCmdSN
}

// Reject reasons (RFC 7143 section 11.17.1).
const (
	rejectProtocol     = 0x04
	rejectNotSupported = 0x05
	rejectInvalidField = 0x09
)

// reject answers p with a Reject PDU carrying its header.
func (c *conn) reject(p *pdu, reason byte) {
	r := new(pdu)
	r.bhs[0] = opReject
	r.bhs[1] = flagFinal
	r.bhs[2] = reason
	r.put32(16, reservedTag)
	r.data = append([]byte(nil), p.bhs[:]...)
	c.enqueue(outItem{kind: outStatus, p: r})
}

// nopOut answers a ping with a NOP-In echoing its data (RFC 7143
// sections 11.18, 11.19). A NOP-Out with the reserved ITT is an answer to
// a ping of the target, which never pings, or carries only ExpStatSN: it
// gets no answer.
func (c *conn) nopOut(p *pdu) error {
	if p.itt() == reservedTag {
		return nil
	}
	if !c.acceptCmdSN(p) {
		return nil
	}
	r := new(pdu)
	r.bhs[0] = opNOPIn
	r.bhs[1] = flagFinal
	copy(r.bhs[8:16], p.bhs[8:16])
	r.put32(16, p.itt())
	r.put32(20, reservedTag)
	r.data = p.data[:min(len(p.data), c.p.peerMaxRecv)]
	c.enqueue(outItem{kind: outStatus, p: r})
	return nil
}

// text answers a Text request (RFC 7143 sections 11.10, 11.11): the
// SendTargets discovery of section 13.3 and nothing else.
func (c *conn) text(p *pdu) error {
	if !c.acceptCmdSN(p) {
		return nil
	}
	ttt := p.u32(20)
	if ttt == reservedTag {
		c.textBuf = c.textBuf[:0]
	} else if ttt != c.textTTT || c.textTTT == 0 {
		c.reject(p, rejectInvalidField)
		return nil
	}
	c.textBuf = append(c.textBuf, p.data...)
	if len(c.textBuf) > maxTextLen {
		c.reject(p, rejectProtocol)
		return protoErr("text request longer than %d bytes", maxTextLen)
	}
	r := new(pdu)
	r.bhs[0] = opTextResp
	copy(r.bhs[8:16], p.bhs[8:16])
	r.put32(16, p.itt())
	if p.flags()&flagContinue != 0 {
		// More text follows: an empty response whose TTT the initiator
		// sends back with the next part.
		c.textTTT = c.newTTT()
		r.put32(20, c.textTTT)
		c.enqueue(outItem{kind: outStatus, p: r})
		return nil
	}
	c.textTTT = 0
	pairs, err := parseText(c.textBuf)
	c.textBuf = c.textBuf[:0]
	if err != nil {
		c.reject(p, rejectProtocol)
		return err
	}
	var ans []pair
	for _, kv := range pairs {
		switch kv.key {
		case "SendTargets":
			if kv.value == "All" && c.discovery || kv.value == c.t.Name || kv.value == "" && !c.discovery {
				ans = append(ans, pair{"TargetName", c.t.Name},
					pair{"TargetAddress", c.nc.LocalAddr().String() + "," + strconv.Itoa(portalGroupTag)})
			}
		case "MaxRecvDataSegmentLength":
			// A declaration, which needs no answer. Changing the
			// value in the Full Feature Phase is not supported; the
			// initiators in use do not.
		default:
			ans = append(ans, pair{kv.key, "NotUnderstood"})
		}
	}
	r.bhs[1] = flagFinal
	r.put32(20, reservedTag)
	r.data = appendText(nil, ans)
	if len(r.data) > c.p.peerMaxRecv {
		r.data = nil // never for one target; see section 6.2 for continuing
	}
	c.enqueue(outItem{kind: outStatus, p: r})
	return nil
}

// logout answers a Logout request (RFC 7143 sections 11.14, 11.15) and
// ends the connection after the answer is written.
func (c *conn) logout(p *pdu) error {
	if !c.acceptCmdSN(p) {
		return nil
	}
	r := new(pdu)
	r.bhs[0] = opLogoutResp
	r.bhs[1] = flagFinal
	if reason := p.flags() & 0x7f; reason == 2 {
		r.bhs[2] = 2 // connection recovery is not supported
	}
	r.put32(16, p.itt())
	c.enqueue(outItem{kind: outStatus, p: r})
	return errLogout
}

// newTTT returns a Target Transfer Tag for an R2T or a continued text
// exchange: never 0 (our "none") or the reserved tag.
func (c *conn) newTTT() uint32 {
	c.lastTTT++
	if c.lastTTT == reservedTag || c.lastTTT == 0 {
		c.lastTTT = 1
	}
	return c.lastTTT
}

// outItem is what the writer sends: a PDU whose sequence numbers it
// fills in, or a task's data and status.
type outItem struct {
	kind outKind
	p    *pdu
	tk   *task
	resp response
}

type outKind int

const (
	outStatus outKind = iota // carries StatSN, then StatSN advances
	outPeek                  // carries the next StatSN without advancing it (R2T)
	outTask                  // Data-In PDUs and status of tk
)

// enqueue queues an item for the writer; dropped once the connection is
// closing. An initiator that makes the queue overflow is disconnected.
func (c *conn) enqueue(it outItem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.enqueueLocked(it)
}

func (c *conn) enqueueLocked(it outItem) {
	if c.outClosed {
		return
	}
	if len(c.out) >= maxQueued {
		c.log.warn("iscsi: initiator does not read its responses; closing")
		c.nc.Close()
		return
	}
	c.out = append(c.out, it)
	c.cond.Signal()
}

// writeLoop is the connection's writer: it sends the queued items in
// order, filling in StatSN, ExpCmdSN and MaxCmdSN, and flushes when the
// queue runs empty.
func (c *conn) writeLoop() {
	defer close(c.writerDone)
	bw := bufio.NewWriterSize(c.nc, 64<<10)
	var batch []outItem
	for {
		c.mu.Lock()
		for len(c.out) == 0 && !c.outClosed {
			c.cond.Wait()
		}
		if len(c.out) == 0 {
			c.mu.Unlock()
			bw.Flush()
			return
		}
		batch = append(batch[:0], c.out...)
		clear(c.out)
		c.out = c.out[:0]
		exp, max := c.advanceWindow()
		c.mu.Unlock()

		var err error
		for i := range batch {
			if err == nil {
				err = c.writeItem(bw, &batch[i], exp, max)
			}
			batch[i] = outItem{}
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			c.mu.Lock()
			c.outClosed = true
			c.out = nil
			c.mu.Unlock()
			c.nc.Close() // the reader sees it and ends the connection
			return
		}
	}
}

func (c *conn) writeItem(w *bufio.Writer, it *outItem, exp, max uint32) error {
	switch it.kind {
	case outTask:
		return c.writeTask(w, it.tk, &it.resp, exp, max)
	case outStatus:
		it.p.put32(24, c.statSN)
		c.statSN++
	case outPeek:
		it.p.put32(24, c.statSN)
	}
	it.p.put32(28, exp)
	it.p.put32(32, max)
	return writePDU(w, it.p)
}

// writePDU writes p without copying its data segment.
func writePDU(w *bufio.Writer, p *pdu) error {
	n := len(p.data)
	p.bhs[4] = 0
	p.bhs[5], p.bhs[6], p.bhs[7] = byte(n>>16), byte(n>>8), byte(n)
	w.Write(p.bhs[:])
	w.Write(p.data)
	var zero [3]byte
	_, err := w.Write(zero[:pad4(n)-n])
	return err
}
