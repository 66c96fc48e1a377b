package boottest

import (
	"fmt"
	"strings"
)

// machine is a deliberately tiny 8086 real-mode interpreter that knows only
// the instructions SerialImage emits, plus a COM1 UART and isa-debug-exit.
// QEMU/SeaBIOS always enters a no-emulation image at 07C0:0000; this lets
// the tests also exercise the 0000:7C00 entry some BIOSes use.
type machine struct {
	mem                [1 << 20]byte
	ax, cx, dx, si, sp uint16
	cs, ds, ss, ip     uint16
	zf, intf, df       bool
	lcr                byte
	baudDivisor        uint16
	serial             strings.Builder
	exited, halted     bool
	exitValue          byte
}

func newMachine(img []byte, cs, ip uint16) *machine {
	m := &machine{cs: cs, ip: ip, ds: 0x1234, ss: 0x0030, sp: 0x0100, intf: true, df: true}
	copy(m.mem[m.phys(cs, ip):], img)
	return m
}

func (m *machine) phys(seg, off uint16) int { return (int(seg)<<4 + int(off)) & (1<<20 - 1) }

func (m *machine) fetch8() byte {
	b := m.mem[m.phys(m.cs, m.ip)]
	m.ip++
	return b
}

func (m *machine) fetch16() uint16 {
	lo := m.fetch8()
	return uint16(lo) | uint16(m.fetch8())<<8
}

func (m *machine) push(v uint16) {
	m.sp -= 2
	p := m.phys(m.ss, m.sp)
	m.mem[p], m.mem[(p+1)&(1<<20-1)] = byte(v), byte(v>>8)
}

func (m *machine) pop() uint16 {
	p := m.phys(m.ss, m.sp)
	m.sp += 2
	return uint16(m.mem[p]) | uint16(m.mem[(p+1)&(1<<20-1)])<<8
}

func (m *machine) setAL(v byte) { m.ax = m.ax&0xFF00 | uint16(v) }
func (m *machine) al() byte     { return byte(m.ax) }
func (m *machine) ah() byte     { return byte(m.ax >> 8) }

func (m *machine) out(port uint16, v byte) {
	dlab := m.lcr&lcrDLAB != 0
	switch {
	case port == ExitPort:
		m.exited, m.exitValue = true, v
	case port == regTHR && dlab:
		m.baudDivisor = m.baudDivisor&0xFF00 | uint16(v)
	case port == regIER && dlab:
		m.baudDivisor = m.baudDivisor&0x00FF | uint16(v)<<8
	case port == regTHR:
		m.serial.WriteByte(v)
	case port == regLCR:
		m.lcr = v
	}
}

func (m *machine) in(port uint16) byte {
	if port == regLSR {
		return lsrTHRE | lsrTEMT // always ready
	}
	return 0xFF
}

func rel8(b byte) uint16 { return uint16(int16(int8(b))) }

// run executes until the guest writes to isa-debug-exit, halts, or runs
// more than maxSteps instructions.
func (m *machine) run(maxSteps int) error {
	for range maxSteps {
		at := fmt.Sprintf("%04X:%04X", m.cs, m.ip)
		op := m.fetch8()
		switch op {
		case 0xFA: // cli
			m.intf = false
		case 0xFC: // cld
			m.df = false
		case 0xF4: // hlt
			m.halted = true
			return fmt.Errorf("guest halted at %s before writing to isa-debug-exit", at)
		case 0x31: // xor r/m16, r16 (only xor ax, ax)
			if mod := m.fetch8(); mod != 0xC0 {
				return fmt.Errorf("%s: unsupported xor modrm %02X", at, mod)
			}
			m.ax, m.zf = 0, true
		case 0x8E: // mov sreg, r/m16 (only mov ss, ax)
			if mod := m.fetch8(); mod != 0xD0 {
				return fmt.Errorf("%s: unsupported mov sreg modrm %02X", at, mod)
			}
			m.ss = m.ax
		case 0xBC: // mov sp, imm16
			m.sp = m.fetch16()
		case 0xB9: // mov cx, imm16
			m.cx = m.fetch16()
		case 0xBA: // mov dx, imm16
			m.dx = m.fetch16()
		case 0xB0: // mov al, imm8
			m.setAL(m.fetch8())
		case 0xE8: // call rel16
			d := m.fetch16()
			m.push(m.ip)
			m.ip += d
		case 0x5E: // pop si
			m.si = m.pop()
		case 0x0E: // push cs
			m.push(m.cs)
		case 0x1F: // pop ds
			m.ds = m.pop()
		case 0x81: // add r/m16, imm16 (only add si)
			if mod := m.fetch8(); mod != 0xC6 {
				return fmt.Errorf("%s: unsupported 81 modrm %02X", at, mod)
			}
			m.si += m.fetch16()
			m.zf = m.si == 0
		case 0xEE: // out dx, al
			m.out(m.dx, m.al())
		case 0xE6: // out imm8, al
			m.out(uint16(m.fetch8()), m.al())
		case 0xEC: // in al, dx
			m.setAL(m.in(m.dx))
		case 0xAC: // lodsb
			if m.df {
				return fmt.Errorf("%s: lodsb with DF set", at)
			}
			m.setAL(m.mem[m.phys(m.ds, m.si)])
			m.si++
		case 0x84: // test r/m8, r8 (only test al, al)
			if mod := m.fetch8(); mod != 0xC0 {
				return fmt.Errorf("%s: unsupported test modrm %02X", at, mod)
			}
			m.zf = m.al() == 0
		case 0xA8: // test al, imm8
			m.zf = m.al()&m.fetch8() == 0
		case 0x88: // mov r/m8, r8 (mov ah, al / mov al, ah)
			switch mod := m.fetch8(); mod {
			case 0xC4:
				m.ax = uint16(m.al())<<8 | uint16(m.al())
			case 0xE0:
				m.setAL(m.ah())
			default:
				return fmt.Errorf("%s: unsupported mov modrm %02X", at, mod)
			}
		case 0x74: // jz rel8
			d := rel8(m.fetch8())
			if m.zf {
				m.ip += d
			}
		case 0x75: // jnz rel8
			d := rel8(m.fetch8())
			if !m.zf {
				m.ip += d
			}
		case 0xE2: // loop rel8
			d := rel8(m.fetch8())
			m.cx--
			if m.cx != 0 {
				m.ip += d
			}
		case 0xEB: // jmp rel8
			d := rel8(m.fetch8())
			m.ip += d
		default:
			return fmt.Errorf("%s: unsupported opcode %02X", at, op)
		}
		if m.exited {
			return nil
		}
	}
	return fmt.Errorf("no isa-debug-exit write after %d instructions", maxSteps)
}
