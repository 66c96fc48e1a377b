package iso9660

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// suspCat concatenates byte slices; test helper for writing expected layouts.
func suspCat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestSuspEntryBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		// SUSP 1.12 §5.3: "SP", LEN 7, VER 1, BE, EF, LEN_SKP.
		{"SP", suspSP(0), []byte{'S', 'P', 7, 1, 0xBE, 0xEF, 0}},
		{"SP skip", suspSP(14), []byte{'S', 'P', 7, 1, 0xBE, 0xEF, 14}},
		// SUSP 1.12 §5.4.
		{"ST", suspST(), []byte{'S', 'T', 4, 1}},
		// SUSP 1.12 §5.1: block, offset, length as both-endian 32-bit.
		{"CE", suspCE(0x12345678, 0x100, 0x7ED), []byte{
			'C', 'E', 28, 1,
			0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78,
			0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
			0xED, 0x07, 0x00, 0x00, 0x00, 0x00, 0x07, 0xED,
		}},
		{"CE zero", suspCE(0, 0, 0), append([]byte{'C', 'E', 28, 1}, make([]byte, 24)...)},
		// SUSP 1.12 §5.2.
		{"PD", suspPD(3), []byte{'P', 'D', 7, 1, 0, 0, 0}},
		{"PD empty", suspPD(0), []byte{'P', 'D', 4, 1}},
		// SUSP 1.12 §5.6.
		{"ES", suspES(2), []byte{'E', 'S', 5, 1, 2}},
	}
	for _, tc := range tests {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s:\n got % X\nwant % X", tc.name, tc.got, tc.want)
		}
	}
}

func TestSuspERBytes(t *testing.T) {
	// SUSP 1.12 §5.5: "ER", LEN, 1, LEN_ID, LEN_DES, LEN_SRC, EXT_VER, texts.
	id110 := "RRIP_1991A"
	des110 := "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS"
	src110 := "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION."
	// 8 + 10 + 84 + 135 = 237 = 0xED: the entry genisoimage 1.1.11 and
	// xorriso 1.5.4 (-as mkisofs -R) record.
	want110 := suspCat([]byte{'E', 'R', 0xED, 1, 10, 84, 135, 1}, []byte(id110), []byte(des110), []byte(src110))
	if got := suspER(RRIP110); !bytes.Equal(got, want110) {
		t.Errorf("ER 1.10:\n got % X\nwant % X", got, want110)
	}
	id112 := "IEEE_P1282"
	des112 := "THE IEEE P1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS."
	src112 := "PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE P1282 SPECIFICATION."
	// 8 + 10 + 73 + 94 = 185 = 0xB9.
	want112 := suspCat([]byte{'E', 'R', 0xB9, 1, 10, 73, 94, 1}, []byte(id112), []byte(des112), []byte(src112))
	if got := suspER(RRIP112); !bytes.Equal(got, want112) {
		t.Errorf("ER 1.12:\n got % X\nwant % X", got, want112)
	}
	if got := suspER(RRVersion(0)); !bytes.Equal(got, want112) {
		t.Errorf("zero RRVersion is not RRIP 1.12")
	}
	for _, v := range []RRVersion{RRIP110, RRIP112} {
		id, des, src, ver, err := decodeER(suspER(v))
		if err != nil || ver != 1 || id == "" || des == "" || src == "" {
			t.Errorf("decodeER(%v) = %q %q %q %d %v", v, id, des, src, ver, err)
		}
	}
	if _, err := suspERFor("X", strings.Repeat("d", 200), strings.Repeat("s", 50), 1); err == nil {
		t.Errorf("suspERFor accepted a 259-byte entry")
	}
	if _, err := suspERFor("", "d", "s", 1); err == nil {
		t.Errorf("suspERFor accepted an empty identifier")
	}
}

func TestSuspDecoders(t *testing.T) {
	if skip, err := decodeSP(suspSP(7)); err != nil || skip != 7 {
		t.Errorf("decodeSP = %d, %v", skip, err)
	}
	if _, err := decodeSP([]byte{'S', 'P', 7, 1, 0xBE, 0xEE, 0}); err == nil {
		t.Errorf("decodeSP accepted bad check bytes")
	}
	b, o, l, err := decodeCE(suspCE(1, 2, 3))
	if err != nil || b != 1 || o != 2 || l != 3 {
		t.Errorf("decodeCE = %d %d %d %v", b, o, l, err)
	}
	bad := suspCE(1, 2, 3)
	bad[11] = 9 // big-endian half of the block
	if _, _, _, err := decodeCE(bad); err == nil {
		t.Errorf("decodeCE accepted mismatched both-endian halves")
	}
	if seq, err := decodeES(suspES(3)); err != nil || seq != 3 {
		t.Errorf("decodeES = %d %v", seq, err)
	}
	// Header checks shared by all decoders.
	for _, e := range [][]byte{
		nil,
		{'S', 'P'},
		{'S', 'P', 8, 1, 0xBE, 0xEF, 0},    // length byte mismatch
		{'S', 'P', 7, 2, 0xBE, 0xEF, 0},    // version 2
		{'X', 'X', 7, 1, 0xBE, 0xEF, 0},    // wrong signature
		{'S', 'P', 6, 1, 0xBE, 0xEF},       // data too short
		{'S', 'P', 8, 1, 0xBE, 0xEF, 0, 0}, // data too long
	} {
		if _, err := decodeSP(e); err == nil {
			t.Errorf("decodeSP(% X) succeeded", e)
		}
	}
	if _, _, _, _, err := decodeER([]byte{'E', 'R', 9, 1, 1, 1, 1, 1, 'x'}); err == nil {
		t.Errorf("decodeER accepted inconsistent text lengths")
	}
}

func TestParseSUSP(t *testing.T) {
	sp, px, nm := suspSP(0), rrPX(RRIP112, 0o40755, 2, 0, 0, 1), rrNM("hello")[0]
	area := suspCat(sp, px, nm)
	check := func(name string, area []byte, wantSigs ...string) {
		t.Helper()
		es, err := parseSUSP(area)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var sigs []string
		for _, e := range es {
			sigs = append(sigs, e.Sig)
		}
		if strings.Join(sigs, ",") != strings.Join(wantSigs, ",") {
			t.Errorf("%s: sigs %v, want %v", name, sigs, wantSigs)
		}
	}
	check("plain", area, "SP", "PX", "NM")
	check("pad byte", suspCat(area, []byte{0}), "SP", "PX", "NM")
	check("zero fill", suspCat(area, make([]byte, 40)), "SP", "PX", "NM")
	check("ST", suspCat(sp, suspST(), px), "SP")
	check("empty", nil)
	check("short tail", suspCat(px, []byte{'N', 'M', 9}), "PX")

	es, _ := parseSUSP(area)
	if es[1].Version != 1 || !bytes.Equal(es[1].encode(), px) || !bytes.Equal(es[2].encode(), nm) {
		t.Errorf("entries do not re-encode to their bytes")
	}

	// Malformed lengths: error names the offset.
	for _, tc := range []struct {
		area   []byte
		offset string
	}{
		{suspCat(sp, []byte{'P', 'X', 3, 1}), "offset 7"},
		{suspCat(sp, px, []byte{'N', 'M', 0, 1, 0, 'a'}), "offset 51"},
		{suspCat(sp, []byte{'P', 'X', 44, 1, 0, 0}), "offset 7"},
	} {
		_, err := parseSUSP(tc.area)
		if err == nil || !strings.Contains(err.Error(), tc.offset) {
			t.Errorf("parseSUSP(% X): err %v, want mention of %q", tc.area, err, tc.offset)
		}
	}
}

// suspLayoutCheck asserts that areas is a valid suspLayout result for entries.
func suspLayoutCheck(t *testing.T, entries [][]byte, room int, areas [][]byte) {
	t.Helper()
	if len(areas) == 0 {
		t.Fatalf("no areas")
	}
	var joined []byte
	for i, a := range areas {
		limit := suspAreaMax
		if i == 0 {
			limit = room
		}
		if len(a) > limit {
			t.Errorf("area %d is %d bytes, limit %d", i, len(a), limit)
		}
		body := a
		if i < len(areas)-1 {
			if len(a) < suspCELen {
				t.Fatalf("area %d too short for a CE", i)
			}
			ce := a[len(a)-suspCELen:]
			if !bytes.Equal(ce, suspCE(0, 0, 0)) {
				t.Errorf("area %d does not end with a placeholder CE: % X", i, ce)
			}
			body = a[:len(a)-suspCELen]
		}
		// Each area must parse on its own: no entry is split between areas.
		es, err := parseSUSP(a)
		if err != nil {
			t.Errorf("area %d: %v", i, err)
		}
		n := 0
		for _, e := range es {
			n += 4 + len(e.Data)
		}
		if n != len(a) {
			t.Errorf("area %d: entries cover %d of %d bytes", i, n, len(a))
		}
		joined = append(joined, body...)
	}
	if want := suspCat(entries...); !bytes.Equal(joined, want) {
		t.Errorf("areas without CEs differ from the entries in order")
	}
}

func TestSuspLayoutBasics(t *testing.T) {
	// No entries: a single empty area, whatever the room.
	for _, room := range []int{0, 1, 200} {
		areas, err := suspLayout(nil, room, 0)
		if err != nil || len(areas) != 1 || len(areas[0]) != 0 {
			t.Errorf("room %d, no entries: %v %v", room, areas, err)
		}
	}
	px := rrPX(RRIP112, 0o100644, 1, 0, 0, 5)
	// Room 0 with entries: no room for even a CE.
	if _, err := suspLayout([][]byte{px}, 0, 0); err == nil {
		t.Errorf("room 0 with an entry: no error")
	}
	if _, err := suspLayout([][]byte{px}, 27, 0); err == nil {
		t.Errorf("room 27 with a 44-byte entry: no error")
	}
	// Room exactly a CE: everything moves out.
	areas, err := suspLayout([][]byte{px}, 28, 0)
	if err != nil || len(areas) != 2 || len(areas[0]) != 28 || !bytes.Equal(areas[1], px) {
		t.Fatalf("room 28: %v %v", areas, err)
	}
	suspLayoutCheck(t, [][]byte{px}, 28, areas)
	// Everything fits exactly: no CE.
	areas, err = suspLayout([][]byte{px, px}, 88, 0)
	if err != nil || len(areas) != 1 || len(areas[0]) != 88 {
		t.Fatalf("exact fit: %v %v", len(areas), err)
	}
	// Nil entries are skipped.
	areas, err = suspLayout([][]byte{nil, px, {}}, 100, 0)
	if err != nil || len(areas) != 1 || !bytes.Equal(areas[0], px) {
		t.Fatalf("nil entries: %v %v", areas, err)
	}
	// Malformed input.
	for _, tc := range []struct {
		entries [][]byte
		room    int
		pinned  int
	}{
		{[][]byte{px}, -1, 0},
		{[][]byte{px}, 100, 2},
		{[][]byte{px}, 100, -1},
		{[][]byte{{'P', 'X', 9, 1}}, 100, 0},
		{[][]byte{{'P', 'X'}}, 100, 0},
		{[][]byte{make([]byte, 256)}, 100, 0},
	} {
		if _, err := suspLayout(tc.entries, tc.room, tc.pinned); err == nil {
			t.Errorf("suspLayout(%d entries, %d, %d) accepted bad input", len(tc.entries), tc.room, tc.pinned)
		}
	}
}

func TestSuspLayoutSmallRoom(t *testing.T) {
	nm := rrNM("f.txt")[0]                                         // 10
	px := rrPX(RRIP112, 0o100644, 1, 0, 0, 5)                      // 44
	tf := rrTF(rrFixedTime(), rrFixedTime(), rrFixedTime(), false) // 26
	slEs, _ := rrSL("../x/y")                                      // 13
	entries := [][]byte{nm, px, tf, slEs[0]}
	// Room 80: the 93 bytes do not fit; 52 bytes remain beside the CE,
	// which hold NM (10) but not NM+PX (54).
	areas, err := suspLayout(entries, 80, 0)
	if err != nil {
		t.Fatal(err)
	}
	suspLayoutCheck(t, entries, 80, areas)
	if want := suspCat(nm, suspCE(0, 0, 0)); !bytes.Equal(areas[0], want) {
		t.Errorf("areas[0] = % X, want NM+CE", areas[0])
	}
	if want := suspCat(px, tf, slEs[0]); len(areas) != 2 || !bytes.Equal(areas[1], want) {
		t.Errorf("areas[1] wrong: %d areas", len(areas))
	}
	// Room 82: NM+PX = 54 <= 82-28, TF does not fit in the remaining 0.
	areas, err = suspLayout(entries, 82, 0)
	if err != nil {
		t.Fatal(err)
	}
	suspLayoutCheck(t, entries, 82, areas)
	if want := suspCat(nm, px, suspCE(0, 0, 0)); !bytes.Equal(areas[0], want) {
		t.Errorf("room 82: areas[0] holds %d bytes, want NM+PX+CE", len(areas[0]))
	}
	// Room 93: everything in the record.
	areas, err = suspLayout(entries, 93, 0)
	if err != nil || len(areas) != 1 {
		t.Fatalf("room 93: %d areas, %v", len(areas), err)
	}
}

func TestSuspLayoutPinnedSP(t *testing.T) {
	sp := suspSP(0)                                                // 7
	px := rrPX(RRIP112, 0o40755, 3, 0, 0, 1)                       // 44
	tf := rrTF(rrFixedTime(), rrFixedTime(), rrFixedTime(), false) // 26
	er := suspER(RRIP112)                                          // 185
	entries := [][]byte{sp, px, tf, er}
	areas, err := suspLayout(entries, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	suspLayoutCheck(t, entries, 100, areas)
	if !bytes.HasPrefix(areas[0], sp) {
		t.Errorf("SP is not first in the record")
	}
	if want := suspCat(sp, px, suspCE(0, 0, 0)); !bytes.Equal(areas[0], want) {
		t.Errorf("areas[0] = % X", areas[0])
	}
	// Pinning SP, PX and TF needs 77 + 28 bytes.
	if _, err := suspLayout(entries, 100, 3); err == nil {
		t.Errorf("pinned 3 in room 100: no error")
	}
	if areas, err := suspLayout(entries, 105, 3); err != nil || len(areas[0]) != 105 {
		t.Errorf("pinned 3 in room 105: %v", err)
	}
	// Pinned entries that fit only when nothing else remains.
	if areas, err := suspLayout([][]byte{sp}, 7, 1); err != nil || len(areas) != 1 {
		t.Errorf("lone SP in room 7: %v", err)
	}
	if _, err := suspLayout(entries, 20, 1); err == nil {
		t.Errorf("SP pinned in room 20 with more entries: no error")
	}
}

// suspFakeDisc holds patched continuation areas by block and offset, and
// follows CE chains the way a reader does.
type suspFakeDisc map[[2]uint32][]byte

// readChain parses the record's area and every continuation area it links
// to, returning all entries in order.
func (d suspFakeDisc) readChain(t *testing.T, first []byte) []suspEntry {
	t.Helper()
	var all []suspEntry
	area := first
	for hops := 0; ; hops++ {
		if hops > 100 {
			t.Fatalf("CE loop")
		}
		es, err := parseSUSP(area)
		if err != nil {
			t.Fatal(err)
		}
		var next []byte
		for _, e := range es {
			if e.Sig == "CE" {
				b, o, l, err := decodeCE(e.encode())
				if err != nil {
					t.Fatal(err)
				}
				if o+l > 2048 {
					t.Fatalf("continuation area crosses a block: offset %d length %d", o, l)
				}
				a, ok := d[[2]uint32{b, o}]
				if !ok || uint32(len(a)) != l {
					t.Fatalf("CE points at unknown area %d/%d/%d", b, o, l)
				}
				next = a
				continue
			}
			all = append(all, e)
		}
		if next == nil {
			return all
		}
		area = next
	}
}

// suspPlaceAreas patches the CE entries of areas so they chain through a
// suspFakeDisc, packing continuation areas into blocks from 100 on.
func suspPlaceAreas(areas [][]byte) suspFakeDisc {
	d := suspFakeDisc{}
	block, off := uint32(100), uint32(0)
	for i := 1; i < len(areas); i++ {
		l := uint32(len(areas[i]))
		if off+l > 2048 {
			block, off = block+1, 0
		}
		patchCE(areas[i-1], block, off, l)
		d[[2]uint32{block, off}] = areas[i]
		off += l
	}
	return d
}

func TestSuspLayoutLongSymlink(t *testing.T) {
	// A 4 KiB symlink target: about 17 SL entries, several chained areas.
	var parts []string
	for i := 0; len(strings.Join(parts, "/")) < 4096-40; i++ {
		parts = append(parts, strings.Repeat(string(rune('a'+i%26)), 1+(i*37)%200))
	}
	target := strings.Join(parts, "/")[:4095]
	target = strings.TrimRight(target, "/")
	slEs, err := rrSL(target)
	if err != nil {
		t.Fatal(err)
	}
	entries := append([][]byte{rrNM("link")[0], rrPX(RRIP112, 0o120777, 1, 0, 0, 9),
		rrTF(rrFixedTime(), rrFixedTime(), rrFixedTime(), false)}, slEs...)
	areas, err := suspLayout(entries, 150, 0)
	if err != nil {
		t.Fatal(err)
	}
	suspLayoutCheck(t, entries, 150, areas)
	if len(areas) < 3 {
		t.Errorf("only %d areas for %d bytes", len(areas), len(suspCat(entries...)))
	}
	disc := suspPlaceAreas(areas)
	var slRaw [][]byte
	var nmRaw [][]byte
	for _, e := range disc.readChain(t, areas[0]) {
		switch e.Sig {
		case "SL":
			slRaw = append(slRaw, e.encode())
		case "NM":
			nmRaw = append(nmRaw, e.encode())
		}
	}
	got, err := decodeSL(slRaw)
	if err != nil || got != target {
		t.Errorf("decoded target (%d bytes) differs, err %v", len(got), err)
	}
	if name, err := decodeNM(nmRaw); err != nil || name != "link" {
		t.Errorf("decodeNM = %q %v", name, err)
	}
}

func TestSuspLayoutRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 2000; iter++ {
		n := r.Intn(40)
		entries := make([][]byte, n)
		for i := range entries {
			size := 4 + r.Intn(252)
			e := make([]byte, size)
			e[0], e[1], e[2], e[3] = 'X', byte('A'+i%26), byte(size), 1
			entries[i] = e
		}
		room := r.Intn(256)
		pinned := 0
		if n > 0 {
			pinned = r.Intn(2)
		}
		areas, err := suspLayout(entries, room, pinned)
		if err != nil {
			// Only acceptable when the record cannot hold what it must.
			total := len(suspCat(entries...))
			if total <= room || (room >= suspCELen && pinned == 0) ||
				(room >= suspCELen+len(entries[0]) && pinned == 1) {
				t.Fatalf("iter %d: unexpected error %v (total %d room %d pinned %d)", iter, err, total, room, pinned)
			}
			continue
		}
		suspLayoutCheck(t, entries, room, areas)
		if pinned == 1 && !bytes.HasPrefix(areas[0], entries[0]) {
			t.Fatalf("iter %d: pinned entry not in record", iter)
		}
		// Greedy: the record could not have held one more entry.
		if len(areas) > 1 {
			body := len(areas[0]) - suspCELen
			k := 0
			for s := 0; s < body; k++ {
				s += len(entries[k])
			}
			if body+len(entries[k]) <= room-suspCELen {
				t.Fatalf("iter %d: record not filled greedily", iter)
			}
		}
	}
}

func TestPatchCE(t *testing.T) {
	area := suspCat(rrNM("x")[0], suspCE(0, 0, 0))
	patchCE(area, 20, 512, 300)
	want := suspCat(rrNM("x")[0], suspCE(20, 512, 300))
	if !bytes.Equal(area, want) {
		t.Errorf("patched area % X", area)
	}
	for _, bad := range [][]byte{nil, rrNM("x")[0], suspCat(suspCE(0, 0, 0), rrNM("x")[0])} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("patchCE(% X) did not panic", bad)
				}
			}()
			patchCE(bad, 1, 2, 3)
		}()
	}
}

func FuzzParseSUSP(f *testing.F) {
	f.Add(suspCat(suspSP(0), rrPX(RRIP112, 1, 2, 3, 4, 5), suspCE(1, 2, 3), suspER(RRIP110)))
	slEs, _ := rrSL("/usr/lib/../x")
	f.Add(suspCat(suspCat(rrNM("name")...), suspCat(slEs...), rrTF(rrFixedTime(), rrFixedTime(), rrFixedTime(), true), []byte{0}))
	f.Add(suspCat(rrPN(1, 2), rrCL(3), rrPL(4), rrRE(), rrRR(0x81), suspST(), []byte("garbage")))
	f.Add([]byte{'N', 'M', 2, 1})
	f.Add([]byte{'N', 'M', 200, 1, 0})
	f.Fuzz(func(t *testing.T, area []byte) {
		es, err := parseSUSP(area)
		if len(es) > len(area)/suspHeaderLen {
			t.Fatalf("%d entries from %d bytes", len(es), len(area))
		}
		off := 0
		for _, e := range es {
			raw := e.encode()
			if !bytes.Equal(raw, area[off:off+len(raw)]) {
				t.Fatalf("entry at %d does not match the area", off)
			}
			off += len(raw)
			// Decoders must not panic on whatever parses.
			decodeSP(raw)
			decodeCE(raw)
			decodeER(raw)
			decodeES(raw)
			decodeRR(raw)
			decodePX(raw)
			decodePN(raw)
			decodeCL(raw)
			decodePL(raw)
			decodeTF(raw)
			decodeNM([][]byte{raw})
			decodeSL([][]byte{raw})
		}
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("offset %d", off)) {
			t.Fatalf("error %q does not name offset %d", err, off)
		}
	})
}
