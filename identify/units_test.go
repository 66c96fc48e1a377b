package identify

import (
	"encoding/binary"
	"testing"
)

func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		size, expected int64
		status         Status
		text           string
	}{
		{100 * 2048, 100 * 2048, Complete, "complete"},
		{50 * 2048, 100 * 2048, Truncated, "truncated by 50 sectors"},
		{99 * 2048, 100 * 2048, Truncated, "truncated by 1 sector"},
		{100*2048 - 5, 100 * 2048, Truncated, "truncated by 5 bytes"},
		{100*2048 + 1, 100 * 2048, Padded, "padded by 1 byte"},
		{100*2048 + 1024, 100 * 2048, Padded, "padded by 1024 bytes"},
		{150 * 2048, 100 * 2048, Padded, "padded by 50 sectors"},
		{4096, 0, Unknown, "no known file system"},
		{0, 0, Unknown, "no known file system"},
	} {
		v := verdict(c.size, c.expected)
		if v.Status != c.status || v.Text != c.text || v.Difference != c.size-c.expected {
			t.Errorf("verdict(%d, %d) = %+v, want %s %q", c.size, c.expected, v, c.status, c.text)
		}
	}
}

func TestCRCITU(t *testing.T) {
	// CRC-16 with polynomial 1021h, initial value 0 and no reflection:
	// the check value of "123456789" (ECMA-167 3/7.2.6 gives the
	// algorithm; this is its catalogued check value).
	if got := crcITU([]byte("123456789")); got != 0x31C3 {
		t.Errorf("crcITU(123456789) = %04X, want 31C3", got)
	}
	if got := crcITU(nil); got != 0 {
		t.Errorf("crcITU(nil) = %04X", got)
	}
}

func TestDecoders(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{decDate([]byte("2022040720311300\x08")), "2022-04-07T20:31:13.00+02:00"},
		{decDate([]byte("1999123123595999\xfc")), "1999-12-31T23:59:59.99-01:00"},
		{decDate([]byte("0000000000000000\x00")), ""},
		{decDate([]byte("                 ")), ""},
		{decDate([]byte("2022040720311300")), "2022-04-07T20:31:13.00"},              // High Sierra: no zone
		{dstring(append(append([]byte{8}, "LinuxUDF"...), make([]byte, 22)...)), ""}, // no length byte
		{dstring(func() []byte { b := make([]byte, 32); b[0] = 8; copy(b[1:], "LinuxUDF"); b[31] = 9; return b }()), "LinuxUDF"},
		{dstring(func() []byte { b := make([]byte, 32); b[0] = 16; copy(b[1:], "\x00U\x00D\x00F"); b[31] = 7; return b }()), "UDF"},
		{fields("  CDROM  \x00\x00").achars(0, 11), "CDROM"},
		{fields("\x00C\x00D\x00 \x00 ").ucs2(0, 8), "CD"},
		{guid([]byte{0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b}), "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"},
		{macDate(0xde74de71), "2022-04-07T18:31:13"},
		{pyFloat(0), "0.0"},
		{pyFloat(-191.99755859375), "-191.99755859375"},
		{pyFloat(265), "265.0"},
		{izData("\x00ab\xffc\x01 ").text(0, 8), "abc"},
		{izData("2022040720311300").decDate(0), "2022/04/07, 20:31:13"},
		{izData("0000000000000000").decDate(0), "0/00/00, 00:00:00"},
		{izData("\x00\x00\x00\x00").decDate(0), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestUDFTime(t *testing.T) {
	b := make([]byte, 12)
	binary.LittleEndian.PutUint16(b, 1<<12|120) // local time, UTC+2
	binary.LittleEndian.PutUint16(b[2:], 2022)
	copy(b[4:], []byte{4, 7, 20, 31, 13})
	if got := udfTime(b); got != "2022-04-07T20:31:13+02:00" {
		t.Errorf("udfTime = %q", got)
	}
	binary.LittleEndian.PutUint16(b, 1<<12|0xF88) // -120 minutes
	if got := udfTime(b); got != "2022-04-07T20:31:13-02:00" {
		t.Errorf("udfTime = %q", got)
	}
}
