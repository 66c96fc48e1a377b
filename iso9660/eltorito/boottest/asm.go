package boottest

import "fmt"

// asm is a minimal 16-bit x86 "assembler": the caller supplies hand-encoded
// instruction bytes, asm only tracks labels and fills in relative jump and
// distance operands once every label is known.
type asm struct {
	b      []byte
	labels map[string]int
	fixups []fixup
	insns  []insn
}

// insn remembers one emitted instruction for the listing.
type insn struct {
	at, n int
	text  string
}

// fixup is an operand to fill in by finish.
type fixup struct {
	at     int    // offset of the operand in b
	size   int    // 1 (rel8) or 2 (rel16/imm16)
	target string // label whose offset the operand refers to
	base   string // label the distance is measured from; "" means the end of the instruction
	end    int    // end of the instruction, for base == ""
}

// op appends one instruction. text is the assembly it encodes, kept for
// readability at the call site.
func (a *asm) op(text string, bytes ...byte) {
	a.insns = append(a.insns, insn{at: len(a.b), n: len(bytes), text: text})
	a.b = append(a.b, bytes...)
}

// listing returns one line per instruction: offset, encoded bytes, text.
// Call it after finish so jump operands are filled in.
func (a *asm) listing() string {
	var s string
	for _, in := range a.insns {
		s += fmt.Sprintf("%04X  %-12s %s\n", in.at, fmt.Sprintf("% X", a.b[in.at:in.at+in.n]), in.text)
	}
	return s
}

// raw appends data bytes.
func (a *asm) raw(p []byte) { a.b = append(a.b, p...) }

// pad appends zero bytes up to offset n.
func (a *asm) pad(n int) {
	for len(a.b) < n {
		a.b = append(a.b, 0)
	}
}

// label defines name at the current offset.
func (a *asm) label(name string) {
	if a.labels == nil {
		a.labels = map[string]int{}
	}
	if _, dup := a.labels[name]; dup {
		panic("boottest: duplicate label " + name)
	}
	a.labels[name] = len(a.b)
}

// jcc8 emits a two-byte instruction with a signed 8-bit displacement to
// target (Jcc rel8, LOOP rel8, JMP short).
func (a *asm) jcc8(text string, opcode byte, target string) {
	a.op(text+" "+target, opcode, 0)
	a.fixups = append(a.fixups, fixup{at: len(a.b) - 1, size: 1, target: target, end: len(a.b)})
}

// jmp8 emits "jmp short target" (EB rel8).
func (a *asm) jmp8(target string) { a.jcc8("jmp", 0xEB, target) }

// call16 emits "call target" (E8 rel16).
func (a *asm) call16(target string) {
	a.op("call "+target, 0xE8, 0, 0)
	a.fixups = append(a.fixups, fixup{at: len(a.b) - 2, size: 2, target: target, end: len(a.b)})
}

// addSI emits "add si, target-base" (81 /0 iw with ModRM C6 = register SI).
func (a *asm) addSI(target, base string) {
	a.op("add si, "+target+"-"+base, 0x81, 0xC6, 0, 0)
	a.fixups = append(a.fixups, fixup{at: len(a.b) - 2, size: 2, target: target, base: base})
}

// finish resolves all fixups.
func (a *asm) finish() {
	for _, f := range a.fixups {
		t, ok := a.labels[f.target]
		if !ok {
			panic("boottest: undefined label " + f.target)
		}
		from := f.end
		if f.base != "" {
			from, ok = a.labels[f.base]
			if !ok {
				panic("boottest: undefined label " + f.base)
			}
		}
		d := t - from
		switch f.size {
		case 1:
			if d < -128 || d > 127 {
				panic(fmt.Sprintf("boottest: rel8 to %s out of range (%d)", f.target, d))
			}
			a.b[f.at] = byte(int8(d))
		case 2:
			a.b[f.at] = byte(uint16(d))
			a.b[f.at+1] = byte(uint16(d) >> 8)
		}
	}
}
