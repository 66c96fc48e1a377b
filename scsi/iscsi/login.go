package iscsi

import (
	"fmt"
	"strconv"
	"time"
)

// Login stages (RFC 7143 section 11.12.3).
const (
	stageSecurity    = 0
	stageOperational = 1
	stageFullFeature = 3
)

// Login status class and detail (RFC 7143 section 11.13.5).
const (
	loginSuccess          = 0x0000
	loginInitiatorError   = 0x0200
	loginAuthFailure      = 0x0201
	loginNotFound         = 0x0203
	loginUnsupportedVer   = 0x0205
	loginMissingParameter = 0x0207
	loginSessionType      = 0x0209
	loginNoSession        = 0x020a
	loginInvalidDuring    = 0x020b
	loginOutOfResources   = 0x0302
)

// loginError is a login the target refused with a status.
type loginError struct {
	status uint16
	msg    string
}

func (e *loginError) Error() string {
	return fmt.Sprintf("iscsi: login refused (status %04Xh): %s", e.status, e.msg)
}

// login runs the Login Phase (RFC 7143 section 6.3): an optional Security
// Negotiation stage, in which the only method accepted is AuthMethod=None,
// then the Operational Negotiation stage, until the initiator asks to
// transit to the Full Feature Phase.
func (c *conn) login() error {
	c.nc.SetDeadline(time.Now().Add(loginTimeout))
	defer c.nc.SetDeadline(time.Time{})

	var (
		li        loginInfo
		first     = true
		stage     byte
		text      []byte
		declared  bool // our MaxRecvDataSegmentLength was declared
		req0      *pdu // the first request: ISID and ITT echo its fields
		tsih      uint16
		loginDone bool
	)
	for !loginDone {
		p, err := readPDU(c.br, loginMaxRecvDataSegment)
		if err != nil {
			return err
		}
		if p.opcode() != opLogin {
			c.loginFail(p, loginInvalidDuring)
			return protoErr("opcode %02Xh during login", p.opcode())
		}
		fl := p.flags()
		transit, cont := fl&flagTransit != 0, fl&flagContinue != 0
		csg, nsg := fl>>2&3, fl&3
		if first {
			req0 = p
			if vmin := p.bhs[3]; vmin != 0 {
				return c.loginFail(p, loginUnsupportedVer)
			}
			if p.u16(14) != 0 {
				// Adding a connection to a session, or reinstating one:
				// with MaxConnections=1 and ERL 0 there is none to
				// join (RFC 7143 section 6.3.4).
				return c.loginFail(p, loginNoSession)
			}
			if csg != stageSecurity && csg != stageOperational {
				return c.loginFail(p, loginInitiatorError)
			}
			stage = csg
			c.statSN = 1
			c.expCmdSN = p.u32(24)
			c.maxCmdSN = c.expCmdSN + cmdWindow - 1
		} else if csg != stage {
			return c.loginFail(p, loginInitiatorError)
		}
		if transit && cont {
			return c.loginFail(p, loginInitiatorError) // section 11.12.2
		}
		if transit && !(csg == stageSecurity && (nsg == stageOperational || nsg == stageFullFeature) ||
			csg == stageOperational && nsg == stageFullFeature) {
			return c.loginFail(p, loginInitiatorError)
		}
		text = append(text, p.data...)
		if len(text) > maxTextLen {
			return c.loginFail(p, loginOutOfResources)
		}
		if cont {
			// The text goes on in the next request: answer with an
			// empty response (section 6.2).
			if err := c.loginRespond(req0, p, csg<<2, 0, loginSuccess, nil); err != nil {
				return err
			}
			first = false
			continue
		}
		pairs, err := parseText(text)
		text = text[:0]
		if err != nil {
			c.loginFail(p, loginInitiatorError)
			return err
		}
		ans := negotiate(pairs, &c.p, &li)
		if first {
			if li.initiatorName == "" {
				return c.loginFail(p, loginMissingParameter)
			}
			switch li.sessionType {
			case "", "Normal":
				if li.targetName == "" {
					return c.loginFail(p, loginMissingParameter)
				}
				if li.targetName != c.t.Name {
					return c.loginFail(p, loginNotFound)
				}
				ans = append(ans, pair{"TargetPortalGroupTag", strconv.Itoa(portalGroupTag)})
				if c.t.Alias != "" {
					ans = append(ans, pair{"TargetAlias", c.t.Alias})
				}
			case "Discovery":
				c.discovery = true
			default:
				return c.loginFail(p, loginSessionType)
			}
		}
		if li.authOffered && !li.authNone {
			return c.loginFail(p, loginAuthFailure)
		}
		if csg == stageOperational && !declared {
			ans = append(ans, pair{"MaxRecvDataSegmentLength", strconv.Itoa(ourMaxRecvDataSegment)})
			declared = true
		}
		rfl := csg << 2
		if transit {
			rfl |= flagTransit | nsg
			if nsg == stageFullFeature {
				loginDone = true
				if !c.discovery {
					c.key = sessionKey{initiator: li.initiatorName, isid: [6]byte(req0.bhs[8:14])}
					tsih = c.t.register(c.key, c)
				} else {
					tsih = c.t.nextTSIH()
				}
			}
			stage = nsg
		}
		data := appendText(nil, ans)
		if err := c.loginRespond(req0, p, rfl, tsih, loginSuccess, data); err != nil {
			return err
		}
		first = false
	}
	c.log = c.log.with("initiator", li.initiatorName)
	c.log.info("iscsi: logged in", "session", map[bool]string{true: "Discovery", false: "Normal"}[c.discovery],
		"maxrecv", c.p.peerMaxRecv, "maxburst", c.p.maxBurst, "firstburst", c.p.firstBurst, "immediatedata", c.p.immediateData)
	return nil
}

// loginRespond writes a Login Response (RFC 7143 section 11.13) directly:
// the writer does not run yet.
func (c *conn) loginRespond(req0, p *pdu, flags byte, tsih uint16, status uint16, data []byte) error {
	r := new(pdu)
	r.bhs[0] = opLoginResp
	r.bhs[1] = flags
	r.bhs[2] = 0 // Version-max
	r.bhs[3] = 0 // Version-active
	copy(r.bhs[8:14], req0.bhs[8:14])
	r.put16(14, tsih)
	r.put32(16, p.itt())
	r.put32(24, c.statSN)
	c.statSN++
	r.put32(28, c.expCmdSN)
	r.put32(32, c.maxCmdSN)
	r.put16(36, status)
	r.data = data
	_, err := c.nc.Write(appendPDU(nil, r))
	return err
}

// loginFail refuses the login with status and returns the error that
// ends the connection.
func (c *conn) loginFail(p *pdu, status uint16) error {
	c.loginRespond(p, p, 0, 0, status, nil)
	msg, _ := loginStatusText(status)
	return &loginError{status: status, msg: msg}
}

// loginStatusText describes a login status (RFC 7143 §11.13.5); a switch,
// so that nothing runs at program start.
func loginStatusText(k uint16) (string, bool) {
	switch k {
	case loginInitiatorError:
		return "initiator error", true
	case loginAuthFailure:
		return "authentication failure (only AuthMethod=None is offered)", true
	case loginNotFound:
		return "target not found", true
	case loginUnsupportedVer:
		return "unsupported version", true
	case loginMissingParameter:
		return "missing parameter", true
	case loginSessionType:
		return "session type not supported", true
	case loginNoSession:
		return "session does not exist", true
	case loginInvalidDuring:
		return "invalid request during login", true
	case loginOutOfResources:
		return "out of resources", true
	}
	return "", false
}
