package iscsi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"spindle/scsi"
)

// DefaultPort is the TCP port registered for iSCSI (RFC 7143 section
// 13.8).
const DefaultPort = 3260

// maxConns bounds the connections one Serve call handles at once; more
// are closed as soon as they are accepted.
const maxConns = 64

// Target is an iSCSI target serving SCSI logical units. Set its fields,
// then call Serve; the fields must not change while it serves. A Target
// must not be copied after first use.
type Target struct {
	// Name is the target's iSCSI name (RFC 7143 section 4.2.7), such
	// as "iqn.2025-01.org.example:drive". Required.
	Name string
	// Alias is an optional human-readable TargetAlias (section 13.6).
	Alias string
	// LUNs are the logical units: LUNs[n] is LUN n. Nil entries are
	// absent units. Commands to one unit are serialised, in the order
	// they arrive, across all sessions: Do is never called concurrently
	// on one Transport (give each unit its own, and serve it from one
	// Target only).
	LUNs []scsi.Transport
	// Log, if set, receives the events at LogLevel and above: connection
	// events (LevelInfo), protocol errors (LevelWarn) and, at LevelDebug,
	// every command. Nil discards them.
	Log      LogFunc
	LogLevel Level
	// Trace, if set, is called after every command a logical unit
	// executed, on the goroutine that called Do, before the response is
	// sent. It must not keep c.Data.
	Trace func(lun int, c *scsi.Command, res scsi.Result, err error)

	once  sync.Once
	units []*unit

	mu       sync.Mutex
	sessions map[sessionKey]*conn
	lastTSIH uint16
}

// sessionKey identifies a session from the initiator's side: its name and
// the ISID it chose (RFC 7143 section 11.12.5).
type sessionKey struct {
	initiator string
	isid      [6]byte
}

// Serve accepts iSCSI connections on ln and serves them until ctx is
// done, then closes ln and every connection, waits for commands under way
// to return (their context is cancelled) and returns nil. It returns an
// error, having closed ln, if the target is misconfigured or ln fails.
// Several Serve calls may share one Target, on different listeners.
//
// An iSCSI target has no authentication here (AuthMethod=None): anyone
// who can connect can send any command to the units, including writes to
// a real drive. Listen on a loopback address (127.0.0.1, [::1]) unless
// the network is trusted.
func (t *Target) Serve(ctx context.Context, ln net.Listener) error {
	if err := t.check(); err != nil {
		ln.Close()
		return err
	}
	t.once.Do(t.init)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	defer stop()

	var err error
	for {
		nc, aerr := ln.Accept()
		if aerr != nil {
			if ctx.Err() == nil {
				err = fmt.Errorf("iscsi: accept: %w", aerr)
			}
			break
		}
		mu.Lock()
		if ctx.Err() != nil || len(conns) >= maxConns {
			mu.Unlock()
			t.logger().warn("iscsi: connection refused", "remote", nc.RemoteAddr(), "open", len(conns))
			nc.Close()
			continue
		}
		conns[nc] = true
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.serveConn(ctx, nc)
			mu.Lock()
			delete(conns, nc)
			mu.Unlock()
		}()
	}
	cancel()
	ln.Close()
	wg.Wait()
	return err
}

// serveConn runs one connection to its end and logs how it ended.
func (t *Target) serveConn(ctx context.Context, nc net.Conn) {
	c := newConn(ctx, t, nc)
	err := c.serve()
	log := t.logger().with("remote", nc.RemoteAddr())
	switch {
	case err == nil, errors.Is(err, errLogout):
		log.info("iscsi: connection closed")
	case errors.Is(err, ErrProtocol):
		log.warn("iscsi: connection dropped", "err", err)
	default:
		log.info("iscsi: connection ended", "err", err)
	}
}

func (t *Target) check() error {
	if err := checkName(t.Name); err != nil {
		return err
	}
	if len(t.LUNs) == 0 || len(t.LUNs) > maxLUNs {
		return fmt.Errorf("iscsi: target %s: %d logical units (want 1 to %d)", t.Name, len(t.LUNs), maxLUNs)
	}
	return nil
}

// checkName accepts the iqn., eui. and naa. names of RFC 7143 section
// 4.2.7 in their normalised form (lower case, RFC 3722), which is also
// what fits in an iscsi:// URL.
func checkName(name string) error {
	if len(name) == 0 || len(name) > 223 {
		return fmt.Errorf("iscsi: target name %q: length must be 1 to 223 bytes", name)
	}
	if !strings.HasPrefix(name, "iqn.") && !strings.HasPrefix(name, "eui.") && !strings.HasPrefix(name, "naa.") {
		return fmt.Errorf("iscsi: target name %q: the prefix must be iqn, eui or naa and a dot", name)
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == ':') {
			return fmt.Errorf("iscsi: target name %q: character %q not allowed (only lower-case letters, digits, hyphen, dot, colon)", name, c)
		}
	}
	return nil
}

func (t *Target) init() {
	t.units = make([]*unit, len(t.LUNs))
	for i, tr := range t.LUNs {
		if tr != nil {
			t.units[i] = &unit{target: t, lun: i, tr: tr}
		}
	}
}

// unitAt returns the logical unit numbered n, or nil.
func (t *Target) unitAt(n int) *unit {
	if n < 0 || n >= len(t.units) {
		return nil
	}
	return t.units[n]
}

// URL returns the iscsi:// URL of logical unit lun as QEMU and libiscsi
// take it: iscsi://HOST:PORT/NAME/LUN. addr is the listener's address
// (host:port); an unspecified host (0.0.0.0, ::, empty) becomes the
// loopback address of its family, so the URL works on this machine.
func (t *Target) URL(addr string, lun int) string {
	if host, port, err := net.SplitHostPort(addr); err == nil {
		ip := net.ParseIP(host)
		switch {
		case host == "" || ip != nil && ip.Equal(net.IPv4zero):
			host = "127.0.0.1"
		case ip != nil && ip.IsUnspecified():
			host = "::1"
		}
		addr = net.JoinHostPort(host, port)
	}
	return "iscsi://" + addr + "/" + t.Name + "/" + strconv.Itoa(lun)
}

// register records c as the session of key, closing the connection of an
// earlier session with the same key: a login with the ISID of an existing
// session and TSIH 0 reinstates it (RFC 7143 section 6.3.5). It returns
// the new session's TSIH.
func (t *Target) register(key sessionKey, c *conn) uint16 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessions == nil {
		t.sessions = map[sessionKey]*conn{}
	}
	if old := t.sessions[key]; old != nil {
		old.replaced.Store(true)
		old.nc.Close()
	}
	t.sessions[key] = c
	return t.nextTSIHLocked()
}

// nextTSIH allocates the TSIH of a session that is not registered (a
// discovery session).
func (t *Target) nextTSIH() uint16 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nextTSIHLocked()
}

func (t *Target) nextTSIHLocked() uint16 {
	t.lastTSIH++
	if t.lastTSIH == 0 {
		t.lastTSIH = 1
	}
	return t.lastTSIH
}

func (t *Target) unregister(key sessionKey, c *conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessions[key] == c {
		delete(t.sessions, key)
	}
}

// unit is one logical unit: its Transport and the queue of tasks waiting
// for it. A goroutine drains the queue while it is not empty, so commands
// to the unit run one at a time, in arrival order (RFC 7143 section
// 4.2.2.1 delivers them in CmdSN order per session), while the
// connections keep reading: NOP-Out pings are answered during a long
// command.
type unit struct {
	target *Target
	lun    int
	tr     scsi.Transport

	mu      sync.Mutex
	queue   []*task
	running bool
}

func (u *unit) submit(tk *task) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.queue = append(u.queue, tk)
	if !u.running {
		u.running = true
		go u.drain()
	}
}

// remove takes tk off the queue, reporting whether it was still there
// (not yet started).
func (u *unit) remove(tk *task) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for i, q := range u.queue {
		if q == tk {
			u.queue = append(u.queue[:i], u.queue[i+1:]...)
			return true
		}
	}
	return false
}

func (u *unit) drain() {
	for {
		u.mu.Lock()
		if len(u.queue) == 0 {
			u.running = false
			u.mu.Unlock()
			return
		}
		tk := u.queue[0]
		u.queue[0] = nil
		u.queue = u.queue[1:]
		u.mu.Unlock()
		u.execute(tk)
	}
}

// execute runs tk on the unit's Transport and hands the outcome to its
// connection.
func (u *unit) execute(tk *task) {
	cmd := &scsi.Command{CDB: tk.cdb, Direction: tk.dir, Data: tk.data}
	if tk.dir == scsi.FromDevice {
		cmd.Data = make([]byte, tk.edtl)
	}
	res, err := u.tr.Do(tk.ctx, cmd)
	if t := u.target; t.Trace != nil {
		t.Trace(u.lun, cmd, res, err)
	}
	if log := u.target.logger(); log.enabled(LevelDebug) {
		log.debug("iscsi: command", "lun", u.lun, "cdb", fmt.Sprintf("% x", cmd.CDB), "dir", cmd.Direction,
			"len", len(cmd.Data), "status", res.Status, "transferred", res.Transferred, "sense", fmt.Sprintf("% x", res.Sense), "err", err)
	}
	tk.conn.complete(tk, responseFor(tk.edtl, cmd, res, err))
}
