package iso9660

import (
	"io/fs"
	"testing"
)

// TestReadNames checks the name rules of each view: versions and trailing
// dots as Linux drops them, UCS-2 with odd lengths and unpaired
// surrogates, Latin-1 fallback for bytes that are not UTF-8.
func TestReadNames(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"README.;1", "README"},
		{"FILE.TXT;1", "FILE.TXT"},
		{"FILE.TXT;2", "FILE.TXT;2"}, // only version 1 goes, as on Linux
		{"DIR", "DIR"},
		{"A.", "A."}, // no version: kept
		{".;1", "."}, // left for rdSanitize to refuse
		{"X;1;1", "X;1"},
	} {
		if got := rdPlainName(tc.in); got != tc.want {
			t.Errorf("rdPlainName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"test.txt;1", "test.txt"},
		{"trailing dot.", "trailing dot"},
		{"dots...;1", "dots"},
		{".", "."},
		{"..", "."},
	} {
		if got := rdJolietName(tc.in); got != tc.want {
			t.Errorf("rdJolietName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte{0, 'a', 0, 'b'}, "ab"},
		{[]byte{0, 'a', 0}, "a\uFFFD"},          // odd length
		{[]byte{0xD8, 0x3D, 0xDE, 0x00}, "😀"},   // a surrogate pair
		{[]byte{0xD8, 0x3D, 0, 'x'}, "\uFFFDx"}, // unpaired high surrogate
		{[]byte{0xDE, 0x00}, "\uFFFD"},          // unpaired low surrogate
		{[]byte{0x00, 0xE9, 0x4E, 0x2D}, "é中"},  // BMP
		{[]byte{}, ""},
	} {
		if got := rdDecodeUCS2(tc.in); got != tc.want {
			t.Errorf("rdDecodeUCS2(% X) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"Grüße", "Grüße"},
		{"Gr\xfc\xdfe", "Grüße"},   // Latin-1
		{"ok\xc3\xa9\xff", "okéÿ"}, // valid UTF-8, then one stray byte
	} {
		if got := rdLatin1([]byte(tc.in)); got != tc.want {
			t.Errorf("rdLatin1(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"a/b", "a_b"}, {"nul\x00", "nul_"}, {".", ""}, {"..", ""}, {"", ""}, {"...", "..."},
	} {
		if got := rdSanitize(tc.in); got != tc.want {
			t.Errorf("rdSanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReadModeFromPosix checks the POSIX st_mode conversion (RRIP 1.12
// §4.1.1) against the writer's inverse, posixMode.
func TestReadModeFromPosix(t *testing.T) {
	for _, m := range []fs.FileMode{
		0o644, 0o4755&^0o4000 | fs.ModeSetuid, fs.ModeDir | 0o755 | fs.ModeSticky, fs.ModeSymlink | 0o777,
		fs.ModeNamedPipe | 0o600, fs.ModeSocket | 0o700, fs.ModeDevice | 0o660,
		fs.ModeDevice | fs.ModeCharDevice | 0o666, 0o2750&^0o2000 | fs.ModeSetgid,
	} {
		if got := ModeFromPOSIX(posixMode(m)); got != m {
			t.Errorf("ModeFromPOSIX(%#o) = %v, want %v", posixMode(m), got, m)
		}
	}
	if got := ModeFromPOSIX(0o644); got != 0o644 {
		t.Errorf("no type bits: %v, want a regular file", got)
	}
	if got := ModeFromPOSIX(0o070644); got&fs.ModeIrregular == 0 {
		t.Errorf("unknown type: %v, want irregular", got)
	}
}
