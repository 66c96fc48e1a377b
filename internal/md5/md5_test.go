package md5

import (
	cmd5 "crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"strings"
	"testing"
)

// RFC 1321 appendix A.5, "Test suite".
var rfcVectors = []struct{ in, want string }{
	{"", "d41d8cd98f00b204e9800998ecf8427e"},
	{"a", "0cc175b9c0f1b6a831c399e269772661"},
	{"abc", "900150983cd24fb0d6963f7d28e17f72"},
	{"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
	{"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
	{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
	{"12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"},
}

func TestRFC1321Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		if got := fmt.Sprintf("%x", Sum([]byte(v.in))); got != v.want {
			t.Errorf("Sum(%q) = %s, want %s", v.in, got, v.want)
		}
		h := New()
		// Byte-at-a-time writes exercise the partial-block buffer.
		for i := 0; i < len(v.in); i++ {
			h.Write([]byte{v.in[i]})
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != v.want {
			t.Errorf("New().Write bytewise %q: Sum = %s, want %s", v.in, got, v.want)
		}
		// Sum must not change the state.
		if got := hex.EncodeToString(h.Sum(nil)); got != v.want {
			t.Errorf("second Sum for %q = %s, want %s", v.in, got, v.want)
		}
	}
}

func TestSizes(t *testing.T) {
	h := New()
	if h.Size() != Size || Size != cmd5.Size {
		t.Errorf("Size = %d, %d; want %d", h.Size(), Size, cmd5.Size)
	}
	if h.BlockSize() != BlockSize || BlockSize != cmd5.BlockSize {
		t.Errorf("BlockSize = %d, %d; want %d", h.BlockSize(), BlockSize, cmd5.BlockSize)
	}
}

func TestSumAppends(t *testing.T) {
	h := New()
	h.Write([]byte("abc"))
	prefix := []byte("prefix")
	got := h.Sum(prefix)
	ref := cmd5.Sum([]byte("abc"))
	want := append([]byte("prefix"), ref[:]...)
	if string(got) != string(want) {
		t.Errorf("Sum(prefix) = %x, want %x", got, want)
	}
	if string(prefix) != "prefix" {
		t.Errorf("Sum modified its argument: %q", prefix)
	}
}

func TestDifferentialLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 2001)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	// Every length 0..2000; odd lengths start at an odd offset so that
	// unaligned input is covered too.
	for n := 0; n <= 2000; n++ {
		off := n % 2
		data := buf[off : off+n]
		if got, want := Sum(data), cmd5.Sum(data); got != want {
			t.Fatalf("Sum(len %d) = %x, want %x", n, got, want)
		}
		h := New()
		h.Write(data)
		if got, want := h.Sum(nil), cmd5.Sum(data); string(got) != string(want[:]) {
			t.Fatalf("New+Write(len %d) = %x, want %x", n, got, want)
		}
	}
}

// writeChunks writes data to both hashes in random-sized chunks (including
// zero-length writes), comparing Sum at random points along the way.
func writeChunks(t *testing.T, r *rand.Rand, data []byte, mine, ref hash.Hash) {
	t.Helper()
	for len(data) > 0 {
		var n int
		switch r.IntN(4) {
		case 0:
			n = 0
		case 1:
			n = r.IntN(8)
		case 2:
			n = r.IntN(130)
		default:
			n = r.IntN(600)
		}
		n = min(n, len(data))
		if m, err := mine.Write(data[:n]); m != n || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", n, m, err)
		}
		ref.Write(data[:n])
		data = data[n:]
		if r.IntN(5) == 0 {
			if got, want := mine.Sum(nil), ref.Sum(nil); string(got) != string(want) {
				t.Fatalf("midway Sum = %x, want %x", got, want)
			}
		}
	}
	if got, want := mine.Sum(nil), ref.Sum(nil); string(got) != string(want) {
		t.Fatalf("final Sum = %x, want %x", got, want)
	}
}

func TestDifferentialChunked(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 2000; iter++ {
		n := r.IntN(2001)
		if iter%10 == 0 {
			n = r.IntN(20000)
		}
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		writeChunks(t, r, data, New(), cmd5.New())
	}
}

func TestSumMidwayThenContinue(t *testing.T) {
	data := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 50))
	for split := 0; split <= len(data); split += 7 {
		h := New()
		h.Write(data[:split])
		mid := h.Sum(nil)
		if want := cmd5.Sum(data[:split]); string(mid) != string(want[:]) {
			t.Fatalf("split %d: midway Sum = %x, want %x", split, mid, want)
		}
		h.Write(data[split:])
		if got, want := h.Sum(nil), cmd5.Sum(data); string(got) != string(want[:]) {
			t.Fatalf("split %d: final Sum = %x, want %x", split, got, want)
		}
	}
}

func TestReset(t *testing.T) {
	h := New()
	h.Write([]byte("some data that will be discarded, longer than one block of sixty-four bytes ......"))
	h.Write([]byte("partial"))
	h.Reset()
	if got, want := hex.EncodeToString(h.Sum(nil)), "d41d8cd98f00b204e9800998ecf8427e"; got != want {
		t.Errorf("Sum after Reset = %s, want %s", got, want)
	}
	h.Write([]byte("abc"))
	if got, want := hex.EncodeToString(h.Sum(nil)), "900150983cd24fb0d6963f7d28e17f72"; got != want {
		t.Errorf("Sum(abc) after Reset = %s, want %s", got, want)
	}
	h.Reset()
	h.Write([]byte("message digest"))
	if got, want := hex.EncodeToString(h.Sum(nil)), "f96b697d7cb7938d525a2f31aaf161d0"; got != want {
		t.Errorf("Sum(message digest) after second Reset = %s, want %s", got, want)
	}
}

func TestSumAllocs(t *testing.T) {
	data := make([]byte, 1000)
	if n := testing.AllocsPerRun(100, func() { Sum(data) }); n > 0 {
		t.Errorf("Sum allocates %v times, want 0", n)
	}
	h := New()
	out := make([]byte, 0, Size)
	if n := testing.AllocsPerRun(100, func() {
		h.Reset()
		h.Write(data)
		h.Sum(out[:0])
	}); n > 0 {
		t.Errorf("Reset/Write/Sum allocates %v times, want 0", n)
	}
}

func FuzzMD5(f *testing.F) {
	f.Add([]byte(""), uint64(0))
	f.Add([]byte("abc"), uint64(1))
	f.Add([]byte(strings.Repeat("x", 200)), uint64(12345))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		if got, want := Sum(data), cmd5.Sum(data); got != want {
			t.Fatalf("Sum(%x) = %x, want %x", data, got, want)
		}
		// Chunk sizes are driven by the fuzz input via the seed.
		writeChunks(t, rand.New(rand.NewPCG(seed, uint64(len(data)))), data, New(), cmd5.New())
	})
}

var benchSizes = []struct {
	name string
	n    int
}{
	{"8KiB", 8 << 10},
	{"1MiB", 1 << 20},
}

func BenchmarkSum(b *testing.B) {
	for _, s := range benchSizes {
		data := make([]byte, s.n)
		for i := range data {
			data[i] = byte(i)
		}
		b.Run("impl=spindle/size="+s.name, func(b *testing.B) {
			b.SetBytes(int64(s.n))
			for b.Loop() {
				Sum(data)
			}
		})
		b.Run("impl=crypto/size="+s.name, func(b *testing.B) {
			b.SetBytes(int64(s.n))
			for b.Loop() {
				cmd5.Sum(data)
			}
		})
	}
}
