// Package boottest builds a tiny x86 El Torito boot image for end-to-end
// tests: booted by a PC BIOS (e.g. SeaBIOS under QEMU) from a CD in
// no-emulation mode, it prints a message on the first serial port and then
// asks QEMU to exit through the isa-debug-exit device.
//
// Typical use:
//
//	img := boottest.SerialImage("hello from spindle")
//	// put img on an ISO as the no-emulation boot image (load size 4), then
//	// qemu-system-x86_64 -nodefaults -display none -serial stdio \
//	//   -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot -cdrom x.iso
//	// prints "hello from spindle\r\n" and exits with status QEMUExitStatus.
package boottest

import (
	"fmt"
	"strings"
)

// ImageSize is the size of the image SerialImage returns: one 2048-byte CD
// sector, i.e. a boot load size of 4 virtual 512-byte sectors.
const ImageSize = 2048

// LoadSectors is the El Torito sector count (512-byte units) that loads the
// whole image.
const LoadSectors = ImageSize / 512

// ExitPort is the I/O port of QEMU's isa-debug-exit device the image writes
// to ("-device isa-debug-exit,iobase=0xf4,iosize=0x04").
const ExitPort = 0xF4

// ExitValue is the byte the image writes to ExitPort after the message.
const ExitValue = 0x10

// QEMUExitStatus is the exit status of QEMU after the guest writes ExitValue
// to isa-debug-exit: QEMU exits with (value << 1) | 1. It is distinct from
// QEMU's own failure status 1, so a test can tell "guest ran to the end"
// from "QEMU failed".
const QEMUExitStatus = ExitValue<<1 | 1

// codeStart is where the code begins. The mkisofs/xorriso "-boot-info-table"
// option overwrites bytes 8..63 of the boot file, so byte 0 holds a short
// jump over the first 64 bytes and nothing else lives there.
const codeStart = 64

// Serial port registers of COM1 (8250/16550 UART at I/O base 3F8h).
const (
	com1   = 0x3F8
	regTHR = com1 + 0 // transmit holding register (DLL when DLAB=1)
	regIER = com1 + 1 // interrupt enable register (DLM when DLAB=1)
	regFCR = com1 + 2 // FIFO control register
	regLCR = com1 + 3 // line control register
	regMCR = com1 + 4 // modem control register
	regLSR = com1 + 5 // line status register

	lcrDLAB  = 0x80 // divisor latch access bit
	lcr8N1   = 0x03 // 8 data bits, no parity, 1 stop bit
	fcrOn    = 0xC7 // enable FIFOs, clear both, 14-byte trigger level
	mcrDTRTS = 0x03 // DTR and RTS asserted
	lsrTHRE  = 0x20 // transmit holding register empty
	lsrTEMT  = 0x40 // transmitter completely empty
	divisor  = 1    // 115200 baud = 1.8432 MHz / 16 / 1
)

// SerialImage returns a 2048-byte x86 no-emulation El Torito boot image that
// writes msg followed by "\r\n" to COM1 (115200 8N1), writes ExitValue to
// I/O port ExitPort (isa-debug-exit) and then halts forever.
//
// The code is position independent: it works whether the BIOS enters it at
// 0000:7C00 or at 07C0:0000 (or at any other load segment), because it
// finds its own address with call/pop and addresses the message relative to
// CS. Bytes 2..63 are unused, so the image still works after
// "-boot-info-table" patched bytes 8..63.
//
// It panics if msg contains a NUL byte (the string terminator) or does not
// fit in the image; it is meant for tests with short literal messages.
func SerialImage(msg string) []byte {
	return assemble(msg).b
}

// assemble builds the image for SerialImage and keeps the assembler state
// so tests can print a listing.
func assemble(msg string) *asm {
	if strings.IndexByte(msg, 0) >= 0 {
		panic("boottest: message contains a NUL byte")
	}
	a := &asm{}
	// Byte 0: jump over the boot info table area.
	a.jmp8("start") // EB rel8    jmp short start
	a.pad(codeStart)

	a.label("start")
	a.op("cli", 0xFA)                        // no interrupts: we poll the UART and never call the BIOS
	a.op("cld", 0xFC)                        // lodsb must walk forward
	a.op("xor ax, ax", 0x31, 0xC0)           // ax = 0
	a.op("mov ss, ax", 0x8E, 0xD0)           // stack segment 0 ...
	a.op("mov sp, 0x7C00", 0xBC, 0x00, 0x7C) // ... growing down from 0000:7C00, below the image
	a.call16("here")                         // E8 0000: push the offset of "here" (relative to CS)
	a.label("here")
	a.op("pop si", 0x5E) // si = offset of "here" in CS, whatever CS is
	a.op("push cs", 0x0E)
	a.op("pop ds", 0x1F)   // ds = cs, so ds:si addresses our own bytes
	a.addSI("msg", "here") // 81 C6 iw: add si, msg-here -> ds:si = message

	// Initialise COM1: 115200 baud, 8N1, FIFOs on, no interrupts.
	a.outb(regIER, 0x00)     // disable UART interrupts
	a.outb(regLCR, lcrDLAB)  // DLAB=1: ports +0/+1 become the baud divisor
	a.outb(regTHR, divisor)  // divisor low byte
	a.outb(regIER, 0x00)     // divisor high byte
	a.outb(regLCR, lcr8N1)   // DLAB=0, 8 data bits, no parity, 1 stop bit
	a.outb(regFCR, fcrOn)    // enable and clear FIFOs
	a.outb(regMCR, mcrDTRTS) // assert DTR and RTS

	// Print the NUL-terminated message (which already ends in "\r\n").
	a.label("next")
	a.op("lodsb", 0xAC) // al = ds:[si++]
	a.op("test al, al", 0x84, 0xC0)
	a.jcc8("jz", 0x74, "done")     // NUL terminator: finished
	a.op("mov ah, al", 0x88, 0xC4) // keep the character; al is needed for in
	a.waitLSR(lsrTHRE, "thre")     // wait until the UART can take a byte
	a.movDX(regTHR)
	a.op("mov al, ah", 0x88, 0xE0)
	a.op("out dx, al", 0xEE) // transmit
	a.jmp8("next")           // EB rel8

	// Let the last byte leave the shift register before QEMU exits.
	a.label("done")
	a.waitLSR(lsrTEMT, "temt")
	a.op(fmt.Sprintf("mov al, 0x%02X", ExitValue), 0xB0, ExitValue)
	a.op("out 0xF4, al", 0xE6, ExitPort) // isa-debug-exit: QEMU exits with (al<<1)|1

	// Without isa-debug-exit (real hardware, other emulators) stop here.
	a.label("halt")
	a.op("cli", 0xFA)
	a.op("hlt", 0xF4)
	a.jmp8("halt") // EB rel8: an NMI or SMI can wake hlt; halt again

	a.label("msg")
	a.raw([]byte(msg + "\r\n\x00"))

	if len(a.b) > ImageSize {
		panic(fmt.Sprintf("boottest: message of %d bytes does not fit in a %d-byte image", len(msg), ImageSize))
	}
	a.pad(ImageSize)
	a.finish()
	return a
}

// waitLSR emits a bounded poll of the line status register until bit is set:
//
//	mov dx, 0x3FD     ; BA FD 03
//	mov cx, 0xFFFF    ; B9 FF FF   at most 65535 polls, so no UART means no hang
//	wait: in al, dx   ; EC
//	test al, bit      ; A8 ib
//	jnz ready         ; 75 02      skip the loop instruction
//	loop wait         ; E2 rel8    cx--, repeat while cx != 0
//	ready:
func (a *asm) waitLSR(bit byte, name string) {
	a.movDX(regLSR)
	a.op("mov cx, 0xFFFF", 0xB9, 0xFF, 0xFF)
	a.label(name + ".wait")
	a.op("in al, dx", 0xEC)
	a.op(fmt.Sprintf("test al, 0x%02X", bit), 0xA8, bit)
	a.jcc8("jnz", 0x75, name+".ready")
	a.jcc8("loop", 0xE2, name+".wait")
	a.label(name + ".ready")
}

// movDX emits "mov dx, port" (BA iw).
func (a *asm) movDX(port uint16) {
	a.op(fmt.Sprintf("mov dx, 0x%03X", port), 0xBA, byte(port), byte(port>>8))
}

// outb emits "mov dx, port; mov al, v; out dx, al" (BA iw; B0 ib; EE).
func (a *asm) outb(port uint16, v byte) {
	a.movDX(port)
	a.op(fmt.Sprintf("mov al, 0x%02X", v), 0xB0, v)
	a.op("out dx, al", 0xEE)
}
