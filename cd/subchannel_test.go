package cd

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestInterleaveRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 100 {
		var raw [SubchannelSize]byte
		copy(raw[:], randomBytes(r, SubchannelSize))
		if got := Interleave(Deinterleave(raw)); got != raw {
			t.Fatal("Interleave(Deinterleave(x)) != x")
		}
	}
	// Channel P all ones: bit 7 of every raw byte. Q's first bit: bit 6 of
	// raw byte 0.
	var ch [8][12]byte
	for i := range ch[ChannelP] {
		ch[ChannelP][i] = 0xFF
	}
	ch[ChannelQ][0] = 0x80
	ch[ChannelW][11] = 0x01
	raw := Interleave(ch)
	for i, v := range raw {
		want := byte(0x80)
		switch i {
		case 0:
			want |= 0x40
		case 95:
			want |= 0x01
		}
		if v != want {
			t.Fatalf("raw[%d] = %02X, want %02X", i, v, want)
		}
	}
}

// qCRCBitwise is the CRC of the Q channel computed bit by bit from its
// definition: the 80 bits of control, ADR and q-data divided by
// x^16 + x^12 + x^5 + 1, the remainder inverted.
func qCRCBitwise(f [12]byte) uint16 {
	var reg uint16
	for _, v := range f[:10] {
		for i := 7; i >= 0; i-- {
			in := uint16(v>>i) & 1
			top := reg >> 15
			reg <<= 1
			if top^in != 0 {
				reg ^= 1<<12 | 1<<5 | 1
			}
		}
	}
	return ^reg
}

func TestQKnownFrame(t *testing.T) {
	// Audio track 1, index 1, relative 00:00:00, absolute 00:02:00.
	q := Q{Control: 0, ADR: 1, Track: 1, Index: 1, Relative: MSF{0, 0, 0}, Absolute: MSF{0, 2, 0}}
	f, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := [10]byte{0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00}
	if [10]byte(f[:10]) != want {
		t.Fatalf("frame % X", f[:10])
	}
	crc := qCRCBitwise(f)
	if got := uint16(f[10])<<8 | uint16(f[11]); got != crc || QCRC(f) != crc {
		t.Fatalf("CRC %04X, bitwise %04X", got, crc)
	}
	// A frame with a correct CRC divides evenly once the stored CRC is
	// inverted back: the CRC over all 12 bytes of the frame, CRC
	// un-inverted, is zero.
	g := f
	g[10], g[11] = ^g[10], ^g[11]
	var reg uint16
	for _, v := range g {
		reg = reg<<8 ^ tabs().qCRC[byte(reg>>8)^v]
	}
	if reg != 0 {
		t.Fatalf("residue %04X", reg)
	}
	back, err := DecodeQ(f)
	if err != nil || back.Track != 1 || back.Index != 1 || back.Absolute != (MSF{0, 2, 0}) || back.Data != [9]byte(f[1:10]) {
		t.Fatalf("%+v, %v", back, err)
	}
	f[4] ^= 1
	if _, err := DecodeQ(f); !errors.Is(err, ErrQCRC) {
		t.Fatalf("damaged frame: %v", err)
	}
}

func TestQRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		q    Q
		data [9]byte // q-data as stored
	}{
		{"data track 2 index 0 pregap", Q{Control: 4, ADR: 1, Track: 2, Index: 0, Relative: MSF{0, 1, 74}, Absolute: MSF{12, 34, 56}},
			[9]byte{0x02, 0x00, 0x00, 0x01, 0x74, 0x00, 0x12, 0x34, 0x56}},
		{"lead-out", Q{Control: 0, ADR: 1, Track: LeadOutTrack, Index: 1, Relative: MSF{0, 0, 5}, Absolute: MSF{70, 0, 0}},
			[9]byte{0xAA, 0x01, 0x00, 0x00, 0x05, 0x00, 0x70, 0x00, 0x00}},
		{"lead-in A0", Q{Control: 4, ADR: 1, Track: 0, Index: 0xA0, Relative: MSF{99, 59, 70}, Absolute: MSF{1, 0x20 / 16 * 10, 0}},
			[9]byte{0x00, 0xA0, 0x99, 0x59, 0x70, 0x00, 0x01, 0x20, 0x00}},
		{"MCN", Q{Control: 0, ADR: 2, MCN: "0000010271955", AFrame: 42},
			[9]byte{0x00, 0x00, 0x01, 0x02, 0x71, 0x95, 0x50, 0x00, 0x42}},
		{"ISRC", Q{Control: 0, ADR: 3, ISRC: "USRC17607839", AFrame: 7},
			// U=0x25 S=0x23 R=0x22 C=0x13 1=0x01: 100101 100011 100010 010011 000001 00,
			// then 7607839 and four zero bits.
			[9]byte{0x96, 0x38, 0x93, 0x04, 0x76, 0x07, 0x83, 0x90, 0x07}},
		{"mode 5", Q{Control: 4, ADR: 5, Data: [9]byte{0, 0xB0, 1, 2, 3, 4, 5, 6, 7}},
			[9]byte{0, 0xB0, 1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.q.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if [9]byte(f[1:10]) != tc.data {
				t.Fatalf("q-data % X, want % X", f[1:10], tc.data[:])
			}
			if f[0] != tc.q.Control<<4|tc.q.ADR || QCRC(f) != qCRCBitwise(f) {
				t.Fatalf("frame % X", f)
			}
			got, err := DecodeQ(f)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.q
			want.Data = tc.data
			if got != want {
				t.Fatalf("decoded %+v\nwant    %+v", got, want)
			}
		})
	}
}

func TestQErrors(t *testing.T) {
	for _, q := range []Q{
		{ADR: 2, MCN: "123"},
		{ADR: 2, MCN: "12345678901x3"},
		{ADR: 3, ISRC: "us-rc1760783"},
		{ADR: 3, ISRC: "USRC1760783X"},
		{ADR: 3, ISRC: "USRC"},
		{ADR: 1, Relative: MSF{0, 60, 0}},
		{ADR: 1, Absolute: MSF{100, 0, 0}},
		{ADR: 1, Track: 150},
		{ADR: 16},
	} {
		if f, err := q.Encode(); err == nil {
			t.Errorf("%+v encoded as % X", q, f)
		}
	}
	// Non-BCD fields of a mode 1 frame.
	for _, data := range [][9]byte{
		{0x1A, 0x01, 0, 0, 0, 0, 0, 2, 0},
		{0x01, 0x01, 0, 0x60, 0, 0, 0, 2, 0},
		{0x01, 0x01, 0, 0, 0, 0, 0, 2, 0x75},
	} {
		var f [12]byte
		f[0] = 0x01
		copy(f[1:], data[:])
		crc := QCRC(f)
		f[10], f[11] = byte(crc>>8), byte(crc)
		if _, err := DecodeQ(f); err == nil || errors.Is(err, ErrQCRC) {
			t.Errorf("% X: %v", data, err)
		}
	}
}

func FuzzDecodeQ(f *testing.F) {
	for _, q := range []Q{
		{ADR: 1, Track: 1, Index: 1, Absolute: MSF{0, 2, 0}},
		{ADR: 2, MCN: "0000010271955"},
		{ADR: 3, ISRC: "USRC17607839"},
		{ADR: 1, Track: 0, Index: 0xA2, Absolute: MSF{70, 0, 0}},
	} {
		b, _ := q.Encode()
		f.Add(b[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var frame [12]byte
		copy(frame[:], b)
		q, err := DecodeQ(frame)
		if err != nil {
			return
		}
		// A frame that decodes re-encodes to one that decodes the same.
		again, err := q.Encode()
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		q2, err := DecodeQ(again)
		if err != nil {
			t.Fatal(err)
		}
		if q.ADR == 2 || q.ADR == 3 { // unused bits are not kept
			q.Data, q2.Data = [9]byte{}, [9]byte{}
		}
		if q != q2 {
			t.Fatalf("%+v\n%+v", q, q2)
		}
	})
}
