package inflate

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	stdadler "hash/adler32"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
)

// --- test data ---

func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var words = strings.Fields(`the of and to in is was that for on as with by at
from his her it an were are which this be or has had not but also
first one their its new after who they have two been other when
there all during into school time may years more most only over city
some world would where later up such used many can state about
national out known university united then made zisofs block sector
volume directory extent record Rock Ridge Joliet El Torito boot image`)

// textData returns text-like data: words with a skewed frequency,
// punctuation and line breaks.
func textData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	var b bytes.Buffer
	col := 0
	for b.Len() < n {
		w := words[int(float64(len(words))*r.Float64()*r.Float64())]
		if r.IntN(12) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		col += len(w)
		switch {
		case r.IntN(15) == 0:
			b.WriteString(". ")
		case r.IntN(20) == 0:
			b.WriteString(", ")
		case col > 70:
			b.WriteByte('\n')
			col = 0
			continue
		default:
			b.WriteByte(' ')
		}
		col++
	}
	return b.Bytes()[:n]
}

// repetitiveData mixes long runs of one byte with short repeated phrases.
func repetitiveData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 3))
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.IntN(3) {
		case 0:
			c := byte(r.IntN(4))
			for k := r.IntN(2000); k > 0; k-- {
				b = append(b, c)
			}
		case 1:
			b = append(b, "abcabcabd"[:1+r.IntN(9)]...)
		default:
			if len(b) > 0 {
				from := r.IntN(len(b))
				b = append(b, b[from:min(len(b), from+r.IntN(300))]...)
			}
		}
	}
	return b[:n]
}

func zlibCompress(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zlibOf wraps raw deflate data in a zlib header and an Adler-32 trailer
// computed over want.
func zlibOf(deflate, want []byte) []byte {
	z := append([]byte{0x78, 0x9c}, deflate...)
	return fmt.Appendf(z, "%s", be32(stdadler.Checksum(want)))
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// decodeGuarded runs Zlib with a destination of n bytes inside a larger
// buffer and fails if anything past the destination was written.
func decodeGuarded(t testing.TB, src []byte, n int) ([]byte, error) {
	t.Helper()
	const guard = 64
	buf := make([]byte, n+guard)
	for i := range buf {
		buf[i] = 0xa5
	}
	got, err := Zlib(buf[:n:n], src)
	for i := n; i < len(buf); i++ {
		if buf[i] != 0xa5 {
			t.Fatalf("byte %d past the destination (len %d) was written", i, n)
		}
	}
	if got < 0 || got > n {
		t.Fatalf("returned count %d outside [0, %d]", got, n)
	}
	return buf[:got], err
}

// --- round trips ---

// levels are the compression levels of the round trips: stored blocks,
// BestSpeed (which is level 1), the default, BestCompression and
// Huffman-only (no back-references).
var levels = []int{zlib.NoCompression, zlib.BestSpeed, 6, zlib.BestCompression, zlib.HuffmanOnly}

func TestRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 100, 32 << 10, 256 << 10, 1 << 20}
	kinds := []struct {
		name string
		gen  func(int, uint64) []byte
	}{{"random", randomData}, {"text", textData}, {"repetitive", repetitiveData}}
	for _, k := range kinds {
		for _, size := range sizes {
			data := k.gen(size, uint64(size))
			for _, level := range levels {
				t.Run(fmt.Sprintf("%s/%d/level%d", k.name, size, level), func(t *testing.T) {
					z := zlibCompress(t, data, level)
					checkRoundTrip(t, z, data)
				})
			}
		}
	}
}

func checkRoundTrip(t *testing.T, z, data []byte) {
	t.Helper()
	// Exact size.
	got, err := decodeGuarded(t, z, len(data))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("exact dst: n=%d err=%v, equal=%v", len(got), err, bytes.Equal(got, data))
	}
	// One byte short.
	if len(data) > 0 {
		_, err := decodeGuarded(t, z, len(data)-1)
		if err != ErrTooLong {
			t.Fatalf("dst one byte short: err=%v, want ErrTooLong", err)
		}
	}
	// Larger than needed.
	got, err = decodeGuarded(t, z, len(data)+1000)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("large dst: n=%d err=%v", len(got), err)
	}
	// Trailing data after the checksum is ignored.
	got, err = decodeGuarded(t, append(z[:len(z):len(z)], 1, 2, 3), len(data))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("trailing data: n=%d err=%v", len(got), err)
	}
	// The raw decoder consumes exactly the deflate data.
	raw := z[2 : len(z)-4]
	dst := make([]byte, len(data))
	n, used, err := Deflate(dst, append(raw[:len(raw):len(raw)], 0xff, 0xff))
	if err != nil || n != len(data) || used != len(raw) || !bytes.Equal(dst, data) {
		t.Fatalf("Deflate: n=%d used=%d (want %d) err=%v", n, used, len(raw), err)
	}
}

func TestFlush(t *testing.T) {
	data := textData(100<<10, 7)
	for _, level := range levels {
		var buf bytes.Buffer
		w, _ := zlib.NewWriterLevel(&buf, level)
		for p := data; len(p) > 0; {
			k := min(len(p), 1+len(p)%9000)
			w.Write(p[:k])
			p = p[k:]
			w.Flush() // ends with an empty stored block
			w.Flush()
		}
		w.Close()
		z := buf.Bytes()
		if !bytes.Contains(z, []byte{0, 0, 0xff, 0xff}) {
			t.Fatalf("level %d: no empty stored block in stream", level)
		}
		checkRoundTrip(t, z, data)
	}
	// Only flushes: an empty stream made of empty blocks.
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Flush()
	w.Flush()
	w.Close()
	checkRoundTrip(t, buf.Bytes(), nil)
}

// TestLongRuns covers overlapping copies (distance 1, length 258) and
// other short distances.
func TestLongRuns(t *testing.T) {
	for _, period := range []int{1, 2, 3, 7, 100, 257, 258, 259} {
		pat := randomData(period, uint64(period))
		data := bytes.Repeat(pat, (300<<10)/period)
		for _, level := range []int{1, 9} {
			checkRoundTrip(t, zlibCompress(t, data, level), data)
		}
	}
}

// --- hand-made streams ---

// bitWriter packs bits least significant first (RFC 1951 §3.1.1).
type bitWriter struct {
	b   []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(v uint64, n uint) *bitWriter {
	w.acc |= v << w.n
	w.n += n
	for w.n >= 8 {
		w.b = append(w.b, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
	return w
}

// code writes a Huffman code, most significant bit first.
func (w *bitWriter) code(c uint16, n uint) *bitWriter {
	return w.bits(uint64(bits.Reverse16(c)>>(16-n)), n)
}

func (w *bitWriter) bytes() []byte {
	b := w.b
	if w.n > 0 {
		b = append(b, byte(w.acc))
	}
	return b
}

// canonical returns the codes of a canonical Huffman code (RFC 1951 §3.2.2).
func canonical(lengths []uint8) []uint16 {
	var count, next [16]uint16
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	code := uint16(0)
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	codes := make([]uint16, len(lengths))
	for i, l := range lengths {
		if l != 0 {
			codes[i] = next[l]
			next[l]++
		}
	}
	return codes
}

// fixedLit writes symbol s of the fixed literal/length code (§3.2.6).
func (w *bitWriter) fixedLit(s int) *bitWriter {
	switch {
	case s < 144:
		return w.code(uint16(0x30+s), 8)
	case s < 256:
		return w.code(uint16(0x190+s-144), 9)
	case s < 280:
		return w.code(uint16(s-256), 7)
	default:
		return w.code(uint16(0xc0+s-280), 8)
	}
}

// clSym is one symbol of the code length alphabet with its extra bits.
type clSym struct {
	sym   int
	extra uint64
}

// clenLengths is a complete code over all 19 code length symbols:
// 13 codes of 4 bits and 6 of 5 bits.
var clenLengths = func() []uint8 {
	l := make([]uint8, 19)
	for i := range l {
		l[i] = 4
		if i >= 13 {
			l[i] = 5
		}
	}
	return l
}()

// dynHeader writes a dynamic block header (§3.2.7) with hlit, hdist
// (counts, before subtracting 257 and 1), the code length code clen
// (indexed by symbol) and the code length symbols seq.
func (w *bitWriter) dynHeader(final bool, hlit, hdist int, clen []uint8, seq []clSym) *bitWriter {
	f := uint64(0)
	if final {
		f = 1
	}
	w.bits(f, 1).bits(2, 2)
	w.bits(uint64(hlit-257), 5).bits(uint64(hdist-1), 5).bits(19-4, 4)
	for _, s := range clenOrder {
		w.bits(uint64(clen[s]), 3)
	}
	codes := canonical(clen)
	for _, s := range seq {
		w.code(codes[s.sym], uint(clen[s.sym]))
		switch s.sym {
		case 16:
			w.bits(s.extra, 2)
		case 17:
			w.bits(s.extra, 3)
		case 18:
			w.bits(s.extra, 7)
		}
	}
	return w
}

func plainSeq(lengths ...[]uint8) []clSym {
	var seq []clSym
	for _, ls := range lengths {
		for _, l := range ls {
			seq = append(seq, clSym{sym: int(l)})
		}
	}
	return seq
}

// A valid dynamic code: literals 9 bits; 256..259 of 2, 3, 4, 4 bits.
func smallLit() []uint8 {
	l := make([]uint8, 260)
	for i := range 256 {
		l[i] = 9
	}
	copy(l[256:], []uint8{2, 3, 4, 4})
	return l
}

// flateDecode decodes with compress/flate for comparison.
func flateDecode(raw []byte) ([]byte, error) {
	return io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
}

func TestHandMade(t *testing.T) {
	// Fixed block: 'a', then length 258 at distance 1, then 'b', EOB.
	fixed := new(bitWriter).bits(1, 1).bits(1, 2).
		fixedLit('a').fixedLit(285).code(0, 5).fixedLit('b').fixedLit(256).bytes()
	want := append(bytes.Repeat([]byte{'a'}, 259), 'b')

	// Dynamic block with codes of every length from 1 to 15: symbol i
	// (0..13) has i+1 bits, symbols 14 and 256 have 15 bits; no distance
	// codes at all.
	long := make([]uint8, 257)
	for i := range 14 {
		long[i] = uint8(i + 1)
	}
	long[14], long[256] = 15, 15
	lc := canonical(long)
	w := new(bitWriter).dynHeader(true, 257, 1, clenLengths, plainSeq(long, []uint8{0}))
	var longWant []byte
	for _, s := range []int{14, 13, 0, 12, 1, 11, 10, 9, 14, 0} {
		w.code(lc[s], uint(long[s]))
		longWant = append(longWant, byte(s))
	}
	w.code(lc[256], 15)
	longStream := w.bytes()

	// Dynamic block using repeat codes 16, 17 and 18 and a single
	// distance code of one bit: literals 97..224 have 8 bits, 256 and
	// 257 have 2 bits.
	seq := []clSym{{18, 90 - 11}, {17, 7 - 3}, {8, 0}}
	for range 21 {
		seq = append(seq, clSym{16, 3})
	}
	seq = append(seq, clSym{8, 0}, clSym{18, 31 - 11}, clSym{2, 0}, clSym{2, 0}, clSym{0, 0}, clSym{0, 0}, clSym{1, 0})
	litLens := make([]uint8, 260)
	for i := 97; i < 97+128; i++ {
		litLens[i] = 8
	}
	litLens[256], litLens[257] = 2, 2
	lcodes := canonical(litLens)
	w = new(bitWriter).dynHeader(true, 260, 1, clenLengths, seq)
	for _, s := range []int{'a', 'b', 'z', 200, 224} {
		w.code(lcodes[s], 8)
	}
	w.code(lcodes[257], 2).code(0, 1) // length 3, distance 1
	w.code(lcodes['a'], 8).code(lcodes[256], 2)
	repStream := w.bytes()
	repWant := []byte{'a', 'b', 'z', 200, 224, 224, 224, 224, 'a'}

	// Two blocks: a stored block (not final) and a fixed block.
	twoBlocks := new(bitWriter).bits(0, 3).bytes()
	twoBlocks = append(twoBlocks, 3, 0, 0xfc, 0xff, 'x', 'y', 'z')
	twoBlocks = append(twoBlocks, new(bitWriter).bits(1, 1).bits(1, 2).fixedLit(257).code(2, 5).fixedLit(256).bytes()...)

	// A final stored block of length zero (RFC 1951 §3.2.4).
	emptyStored := []byte{1, 0, 0, 0xff, 0xff}

	// A non-final empty stored block, an empty fixed block, then a final
	// fixed block whose copy reaches back into the stored block before.
	crossBlocks := []byte{0, 0, 0, 0xff, 0xff, 0, 2, 0, 0xfd, 0xff, 'p', 'q'}
	crossBlocks = append(crossBlocks, new(bitWriter).bits(0, 1).bits(1, 2).fixedLit(256).
		bits(1, 1).bits(1, 2).fixedLit(258).code(1, 5).fixedLit(256).bytes()...)

	for _, c := range []struct {
		name string
		raw  []byte
		want []byte
	}{
		{"empty-stored", emptyStored, []byte{}},
		{"empty-fixed", new(bitWriter).bits(1, 1).bits(1, 2).fixedLit(256).bytes(), []byte{}},
		{"across-blocks", crossBlocks, []byte("pqpqpq")},
		{"fixed-overlap", fixed, want},
		{"long-codes", longStream, longWant},
		{"repeats", repStream, repWant},
		{"stored+fixed", twoBlocks, []byte("xyzxyz")},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref, err := flateDecode(c.raw)
			if err != nil || !bytes.Equal(ref, c.want) {
				_, _, e := Deflate(make([]byte, 100), c.raw)
				t.Logf("inflate: %v", e)
				t.Fatalf("test stream is wrong: compress/flate gives %q, %v", ref, err)
			}
			dst := make([]byte, len(c.want))
			n, used, err := Deflate(dst, c.raw)
			if err != nil || n != len(c.want) || used != len(c.raw) || !bytes.Equal(dst, c.want) {
				t.Fatalf("Deflate: n=%d used=%d err=%v, got %q", n, used, err, dst[:n])
			}
			checkRoundTrip(t, zlibOf(c.raw, c.want), c.want)
		})
	}
}

func TestCorrupt(t *testing.T) {
	valid := zlibCompress(t, textData(5000, 1), 6)
	withHeader := func(h0, h1 byte) []byte {
		z := bytes.Clone(valid)
		z[0], z[1] = h0, h1
		return z
	}
	fixedHdr := func() *bitWriter { return new(bitWriter).bits(1, 1).bits(1, 2) }
	sl := smallLit()
	cases := []struct {
		name string
		z    []byte // a zlib stream, or
		raw  []byte // raw deflate data wrapped with a checksum of nothing
		msg  string
	}{
		{name: "empty", z: nil, msg: "truncated zlib header"},
		{name: "one byte", z: []byte{0x78}, msg: "truncated zlib header"},
		{name: "CM 7", z: withHeader(0x77, 0x9c^0x1f), msg: "compression method"},
		{name: "CM 15", z: withHeader(0x7f, 0x01), msg: "compression method"},
		{name: "CINFO 8", z: withHeader(0x88, 0x1c), msg: "CINFO"},
		{name: "FCHECK", z: withHeader(0x78, 0x9d), msg: "FCHECK"},
		{name: "FDICT", z: withHeader(0x78, 0xbb), msg: "dictionary"},
		{name: "block type 3", raw: new(bitWriter).bits(7, 3).bytes(), msg: "block type 3"},
		{name: "stored LEN/NLEN", raw: []byte{1, 3, 0, 0xfc, 0xfe, 1, 2, 3}, msg: "LEN and NLEN"},
		{name: "stored truncated", raw: []byte{1, 3, 0, 0xfc, 0xff, 1}, msg: "truncated"},
		{name: "stored no LEN", z: []byte{0x78, 0x9c, 1, 3, 0}, msg: "truncated input"},
		{name: "fixed symbol 286", raw: fixedHdr().fixedLit(286).bytes(), msg: "symbol 286"},
		{name: "fixed symbol 287", raw: fixedHdr().fixedLit(287).bytes(), msg: "symbol 287"},
		{name: "fixed distance 30", raw: fixedHdr().fixedLit('a').fixedLit(257).code(30, 5).bytes(), msg: "distance symbol 30"},
		{name: "fixed distance 31", raw: fixedHdr().fixedLit('a').fixedLit(257).code(31, 5).bytes(), msg: "distance symbol 31"},
		{name: "distance too far", raw: fixedHdr().fixedLit('a').fixedLit(257).code(1, 5).fixedLit(256).bytes(), msg: "beyond start"},
		{name: "distance at start", raw: fixedHdr().fixedLit(257).code(0, 5).fixedLit(256).bytes(), msg: "beyond start"},
		{name: "no final block", raw: fixedHdr().fixedLit(256).bytes()[:0], msg: "truncated"},
		{name: "missing EOB", raw: fixedHdr().fixedLit('a').bytes(), msg: "truncated"},
		{name: "HLIT 287", raw: new(bitWriter).dynHeader(true, 287, 1, clenLengths, nil).bytes(), msg: "HLIT 287"},
		{name: "HLIT 288", raw: new(bitWriter).dynHeader(true, 288, 1, clenLengths, nil).bytes(), msg: "HLIT 288"},
		{name: "HDIST 31", raw: new(bitWriter).dynHeader(true, 257, 31, clenLengths, nil).bytes(), msg: "HDIST 31"},
		{name: "HDIST 32", raw: new(bitWriter).dynHeader(true, 257, 32, clenLengths, nil).bytes(), msg: "HDIST 32"},
		{name: "clen over-subscribed", raw: new(bitWriter).dynHeader(true, 257, 1, bytes.Repeat([]byte{3}, 19), nil).bytes(), msg: "over-subscribed code lengths in code length code"},
		{name: "clen incomplete", raw: new(bitWriter).dynHeader(true, 257, 1, append(bytes.Repeat([]byte{4}, 15), 0, 0, 0, 0), nil).bytes(), msg: "incomplete code lengths in code length code"},
		{name: "clen empty", raw: new(bitWriter).dynHeader(true, 257, 1, make([]uint8, 19), nil).bytes(), msg: "invalid code length code"},
		{name: "repeat first", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, []clSym{{16, 0}}).bytes(), msg: "no previous length"},
		{name: "repeat too long", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, []clSym{{18, 127}, {18, 127}, {18, 127}}).bytes(), msg: "beyond HLIT+HDIST"},
		{name: "no EOB code", raw: new(bitWriter).dynHeader(true, 258, 1, clenLengths, []clSym{{18, 127}, {18, 106}, {1, 0}, {0, 0}, {1, 0}, {0, 0}}).bytes(), msg: "no code for end of block"},
		{name: "lit over-subscribed", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(bytes.Repeat([]byte{8}, 260), []uint8{1})).bytes(), msg: "over-subscribed code lengths in literal/length code"},
		{name: "lit incomplete", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(bytes.Repeat([]byte{9}, 260), []uint8{1})).bytes(), msg: "incomplete code lengths in literal/length code"},
		{name: "dist over-subscribed", raw: new(bitWriter).dynHeader(true, 260, 3, clenLengths, plainSeq(sl, []uint8{1, 1, 1})).bytes(), msg: "over-subscribed code lengths in distance code"},
		{name: "dist incomplete", raw: new(bitWriter).dynHeader(true, 260, 3, clenLengths, plainSeq(sl, []uint8{1, 2, 0})).bytes(), msg: "incomplete code lengths in distance code"},
		{name: "dist single 2-bit", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(sl, []uint8{2})).bytes(), msg: "incomplete code lengths in distance code"},
		{name: "lit single 1-bit code unused half", raw: func() []byte {
			l := make([]uint8, 257)
			l[256] = 1
			return new(bitWriter).dynHeader(true, 257, 1, clenLengths, plainSeq(l, []uint8{0})).code(1, 1).bytes()
		}(), msg: "invalid literal/length code"},
		{name: "empty distance code used", raw: func() []byte {
			l := make([]uint8, 260)
			copy(l[256:], []uint8{1, 1})
			return new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(l, []uint8{0})).code(1, 1).bytes()
		}(), msg: "invalid distance code"},
		{name: "dist single code other half", raw: func() []byte {
			l := make([]uint8, 260)
			copy(l[256:], []uint8{1, 1})
			return new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(l, []uint8{1})).code(1, 1).code(1, 1).bytes()
		}(), msg: "invalid distance code"},
		{name: "truncated dynamic header", raw: new(bitWriter).dynHeader(true, 260, 1, clenLengths, plainSeq(sl[:100])).bytes(), msg: "truncated"},
		{name: "adler mismatch", z: func() []byte {
			z := bytes.Clone(valid)
			z[len(z)-1]++
			return z
		}(), msg: "Adler-32 checksum mismatch"},
		{name: "adler missing", z: valid[:len(valid)-4], msg: "truncated Adler-32"},
		{name: "data corrupted", z: func() []byte {
			// A changed literal keeps the stream decodable, so only
			// the checksum can tell.
			z := zlibOf(fixedHdr().fixedLit('a').fixedLit(256).bytes(), []byte("b"))
			return z
		}(), msg: "Adler-32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := c.z
			if c.raw != nil {
				z = zlibOf(c.raw, nil)
				// compress/flate must reject the raw data too.
				if _, err := flateDecode(c.raw); err == nil {
					t.Errorf("compress/flate accepts the test stream")
				}
			}
			_, err := decodeGuarded(t, z, 10000)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "at input byte ") {
				t.Fatalf("err = %q, want mention of %q and an offset", err, c.msg)
			}
			if c.raw != nil {
				if _, _, err := Deflate(make([]byte, 10000), c.raw); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Deflate: err = %v, want ErrCorrupt", err)
				}
			}
		})
	}
}

// TestErrorOffset checks that an error names the byte where the problem is.
func TestErrorOffset(t *testing.T) {
	// A stored block of 3 bytes, then a block of type 3 in byte 8.
	raw := []byte{0, 3, 0, 0xfc, 0xff, 1, 2, 3, 7}
	_, _, err := Deflate(make([]byte, 10), raw)
	if err == nil || !strings.HasSuffix(err.Error(), "block type 3 at input byte 8") {
		t.Fatalf("err = %v", err)
	}
	_, err = Zlib(make([]byte, 10), zlibOf(raw, nil))
	if err == nil || !strings.HasSuffix(err.Error(), "block type 3 at input byte 10") {
		t.Fatalf("err = %v", err)
	}
	// An empty fixed block (10 bits), then a dynamic block with HLIT
	// 287, which starts at bit 13: the error names byte 1.
	raw = new(bitWriter).bits(0, 1).bits(1, 2).fixedLit(256).dynHeader(true, 287, 1, clenLengths, nil).bytes()
	_, _, err = Deflate(make([]byte, 10), raw)
	if err == nil || !strings.HasSuffix(err.Error(), "(HLIT 287) at input byte 1") {
		t.Fatalf("err = %v", err)
	}
}

func TestTruncated(t *testing.T) {
	streams := map[string][]byte{}
	for _, level := range levels {
		streams[fmt.Sprint("text", level)] = zlibCompress(t, textData(4000, 5), level)
	}
	streams["repetitive"] = zlibCompress(t, repetitiveData(50000, 5), 9)
	streams["random"] = zlibCompress(t, randomData(3000, 5), 6)
	dst := make([]byte, 50000)
	for name, z := range streams {
		for k := range len(z) {
			if _, err := decodeGuarded(t, z[:k], 50000); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s cut to %d of %d bytes: err = %v", name, k, len(z), err)
			}
			raw := z[2 : len(z)-4]
			if k < len(raw) {
				if _, _, err := Deflate(dst, raw[:k]); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s raw cut to %d of %d bytes: err = %v", name, k, len(raw), err)
				}
			}
		}
	}
}

// TestConcurrent decodes from several goroutines at once, the first use of
// the fixed tables included (run with -race).
func TestConcurrent(t *testing.T) {
	data := textData(20000, 11)
	streams := [][]byte{zlibCompress(t, data, 1), zlibCompress(t, data, 9), zlibCompress(t, data, 0)}
	// A fixed-Huffman stream: short inputs get fixed blocks.
	short := []byte("abcabcabcabc")
	streams = append(streams, zlibCompress(t, short, 6))
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(streams))
	for range 8 {
		for _, z := range streams {
			wg.Go(func() {
				dst := make([]byte, len(data))
				n, err := Zlib(dst, z)
				if err == nil && !bytes.Equal(dst[:n], data) && !bytes.Equal(dst[:n], short) {
					err = errors.New("wrong output")
				}
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestBitFlips checks that damaged streams never panic and that every
// result agrees with compress/zlib.
func TestBitFlips(t *testing.T) {
	z := zlibCompress(t, textData(2000, 9), 6)
	for i := range len(z) * 8 {
		c := bytes.Clone(z)
		c[i/8] ^= 1 << (i % 8)
		compareWithZlib(t, c, 2500)
	}
}

func TestAdler32(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 5551, 5552, 5553, 100000} {
		for _, b := range [][]byte{randomData(n, 1), bytes.Repeat([]byte{0xff}, n)} {
			if got, want := adler32(b), stdadler.Checksum(b); got != want {
				t.Errorf("adler32(%d bytes) = %#x, want %#x", n, got, want)
			}
		}
	}
}

// TestMain checks, before any test decodes anything, that loading the
// package built no tables.
func TestMain(m *testing.M) {
	if fixedLit.maxLen != 0 || fixedDist.maxLen != 0 {
		fmt.Fprintln(os.Stderr, "fixed Huffman tables were built before first use")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestFixedTables(t *testing.T) {
	fixedOnce.Do(buildFixed)
	if fixedLit.maxLen != 9 || fixedDist.maxLen != 5 {
		t.Fatalf("fixed tables: maxLen %d, %d", fixedLit.maxLen, fixedDist.maxLen)
	}
	// Spot checks against RFC 1951 §3.2.6: 'A' (65) is 00110000+65,
	// 256 is 0000000, 255 is 111111111, 287 is 11000111 (codes read
	// most significant bit first).
	for _, c := range []struct {
		sym, code, n uint
	}{{65, 0x30 + 65, 8}, {256, 0, 7}, {255, 0x1ff, 9}, {287, 0xc7, 8}, {144, 0x190, 9}, {280, 0xc0, 8}} {
		rev := uint64(bits.Reverse16(uint16(c.code)) >> (16 - c.n))
		sym, n, _ := fixedLit.decode(rev, 64)
		if sym != c.sym || n != c.n {
			t.Errorf("code %0*b: got symbol %d/%d bits, want %d/%d", c.n, c.code, sym, n, c.sym, c.n)
		}
	}
}

// compareWithZlib decodes z with both decoders into a destination of
// limit bytes and fails on any disagreement: if either succeeds with a
// result that fits, both must give it; if compress/zlib succeeds with more,
// Zlib must report ErrTooLong.
func compareWithZlib(t testing.TB, z []byte, limit int) {
	t.Helper()
	// compress/zlib's output is read up to a cap well beyond limit, so
	// that whether it succeeds is known in all but extreme cases.
	const refCap = 4 << 20
	var ref []byte
	var refErr error
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		refErr = err
	} else {
		ref, refErr = io.ReadAll(io.LimitReader(r, refCap+1))
		if refErr == nil && len(ref) <= refCap {
			// io.ReadAll stopped at io.EOF, which compress/zlib only
			// returns after checking the Adler-32 checksum.
		} else if refErr == nil {
			refErr = errors.New("output beyond test cap")
		}
	}
	got, err := decodeGuarded(t, z, limit)
	if err != nil && err != ErrTooLong && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v is neither ErrTooLong nor ErrCorrupt", err)
	}
	switch {
	case err == nil:
		if refErr != nil || !bytes.Equal(got, ref) {
			t.Fatalf("inflate gives %d bytes; compress/zlib gives %d bytes, error %v", len(got), len(ref), refErr)
		}
	case refErr == nil && len(ref) <= limit:
		t.Fatalf("inflate fails (%v); compress/zlib gives %d bytes", err, len(ref))
	case refErr == nil && err != ErrTooLong:
		t.Fatalf("inflate fails (%v); compress/zlib gives %d bytes, more than %d", err, len(ref), limit)
	}
}

func FuzzZlib(f *testing.F) {
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	for _, level := range levels {
		f.Add(zlibCompress(f, textData(300, uint64(level+3)), level))
		f.Add(zlibCompress(f, repetitiveData(2000, uint64(level+3)), level))
	}
	f.Fuzz(func(t *testing.T, z []byte) {
		compareWithZlib(t, z, 1<<16)
		// A destination smaller than the output.
		compareWithZlib(t, z, 100)
	})
}

// --- benchmarks ---

func BenchmarkZlib(b *testing.B) {
	data := textData(1<<20, 42)
	for _, level := range []int{1, 6, 9, zlib.HuffmanOnly} {
		z := zlibCompress(b, data, level)
		dst := make([]byte, len(data))
		b.Run(fmt.Sprintf("inflate/level%d", level), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Zlib(dst, z); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("compress-zlib/level%d", level), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			br := bytes.NewReader(z)
			r, err := zlib.NewReader(br)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				br.Reset(z)
				if err := r.(zlib.Resetter).Reset(br, nil); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(r, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
