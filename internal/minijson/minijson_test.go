package minijson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"spindle/disc"
	"spindle/identify"
	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/isocheck"
)

type textKey int

func (k textKey) MarshalText() ([]byte, error) { return []byte("k" + strconv.Itoa(int(k))), nil }

type inner struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
	C bool
}

type Exported struct {
	E  int `json:"e"`
	A  int // shadowed by the shallower tagged "a"? no: different name "A"
	In inner
}

type hidden struct {
	H string `json:"h"`
}

type outer struct {
	inner
	*Exported
	hidden    `json:"hid"`
	Named     inner `json:"named"`
	P         *inner
	Q         *inner `json:",omitempty"`
	I         any
	S         []int
	N         []int `json:",omitempty"`
	Bytes     []byte
	Arr       [3]uint8
	M         map[string]int
	MI        map[int]string
	MT        map[textKey]bool
	F32       float32
	F64       float64
	T         time.Time
	TP        *time.Time
	Sev       isocheck.Severity
	Skip      int `json:"-"`
	Dash      int `json:"-,"`   //lint:ignore SA5008 encoding/json names this field "-"
	Bad       int `json:"a\"b"` //lint:ignore SA5008 an invalid name falls back to the Go name
	unexp     int
	Empty     struct{}
	EmptyMap  map[string]int
	EmptySl   []string
	Interface error
}

func sampleValues() []any {
	now := time.Date(2026, 11, 22, 12, 0, 0, 123456789, time.FixedZone("x", 3600))
	o := outer{
		inner:    inner{A: 1, B: "<b>&"},
		Exported: &Exported{E: 5, A: 6, In: inner{C: true}},
		hidden:   hidden{H: "h"},
		Named:    inner{A: 2},
		P:        &inner{B: "p"},
		I:        map[string]any{"x": []any{1.5, "y", nil, true}},
		S:        []int{},
		Bytes:    []byte("hello, world\x00\xff"),
		Arr:      [3]uint8{1, 2, 3},
		M:        map[string]int{"z": 1, "a": 2, "é": 3},
		MI:       map[int]string{10: "ten", -2: "minus", 3: "three"},
		MT:       map[textKey]bool{2: true, 0: false},
		F32:      3.1415927,
		F64:      -1e-7,
		T:        now,
		TP:       &now,
		Sev:      1,
		Dash:     7,
		Bad:      8,
		unexp:    9,
		EmptyMap: map[string]int{},
	}
	return []any{
		nil, true, false, 0, -1, int8(-128), uint64(math.MaxUint64), 1.0, 0.1, 1e20, 1e21, 1e-6, 1e-7,
		123456789.0, 1.5e300, math.Copysign(0, -1), float32(1e-7), float32(1e21), float32(0.1), float32(16777216),
		"", "plain", "quote\" backslash\\ slash/", "\b\f\n\r\t\x00\x01\x1f\x7f", "<script>&amp;</script>",
		"\u2028\u2029", "invalid \xff\xfe utf8 \xc3", "emoji 😀 and ü", strings.Repeat("x", 100),
		[]byte(nil), []byte{}, []int(nil), map[string]int(nil), (*inner)(nil), [0]int{},
		o, &o, []outer{o, {}}, map[string]*outer{"a": &o, "b": nil},
		struct {
			X []any
			Y [][]string
		}{X: []any{[]any{}, map[string]any{}, 1}, Y: [][]string{{}, {"a"}}},
	}
}

func compareAll(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := Marshal(v)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
		t.Fatalf("Marshal(%#v):\n got %s (%v)\nwant %s (%v)", v, got, gerr, want, werr)
	}
	want, _ = json.MarshalIndent(v, "", "  ")
	got, _ = MarshalIndent(v, "", "  ")
	if !bytes.Equal(got, want) {
		t.Fatalf("MarshalIndent(%#v):\n got %s\nwant %s", v, got, want)
	}
	want, _ = json.MarshalIndent(v, ">", "\t")
	got, _ = MarshalIndent(v, ">", "\t")
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("MarshalIndent with prefix differs at %d: got %q want %q", i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
	var wb, gb bytes.Buffer
	je := json.NewEncoder(&wb)
	je.SetIndent("", "  ")
	je.Encode(v)
	me := NewEncoder(&gb)
	me.SetIndent("", "  ")
	me.Encode(v)
	if !bytes.Equal(gb.Bytes(), wb.Bytes()) {
		t.Fatalf("Encoder(%#v):\n got %s\nwant %s", v, gb.Bytes(), wb.Bytes())
	}
}

func TestMarshalMatchesEncodingJSON(t *testing.T) {
	for _, v := range sampleValues() {
		compareAll(t, v)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), make(chan int), func() {}, complex(1, 2),
		struct {
			X int `json:"x,string"`
		}{}} {
		if _, err := Marshal(v); err == nil {
			t.Errorf("Marshal(%T) succeeded", v)
		}
	}
	type node struct{ Next *node }
	n := &node{}
	n.Next = n
	if _, err := Marshal(n); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("cycle: %v", err)
	}
}

// fill sets v to random contents: the project's report types are compared
// with encoding/json over many such values.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	if !v.CanSet() {
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := r.Int64N(1 << 20)
		if r.IntN(4) == 0 {
			n = 0
		}
		if !v.OverflowInt(n - 1<<19) {
			v.SetInt(n - 1<<19)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := r.Uint64N(1 << 20)
		if v.OverflowUint(n) {
			n %= 200
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, 1.5, -3.25e-9, 6.02e23, 1234.5678, r.Float64()}[r.IntN(6)])
	case reflect.String:
		v.SetString([]string{"", "abc", "<&>", "ü\u2028\x01", "\xff", "a b\n"}[r.IntN(6)])
	case reflect.Pointer:
		if depth < 4 && r.IntN(2) == 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(r, v.Elem(), depth+1)
		}
	case reflect.Slice:
		if depth < 4 && r.IntN(3) != 0 {
			n := r.IntN(3)
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fill(r, v.Index(i), depth+1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		if depth < 4 && r.IntN(3) != 0 {
			v.Set(reflect.MakeMap(v.Type()))
			for range r.IntN(3) {
				k := reflect.New(v.Type().Key()).Elem()
				e := reflect.New(v.Type().Elem()).Elem()
				fill(r, k, depth+1)
				fill(r, e, depth+1)
				v.SetMapIndex(k, e)
			}
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(r.Int64N(4e9), 0).UTC()))
			return
		}
		for i := range v.NumField() {
			fill(r, v.Field(i), depth+1)
		}
	}
}

func TestMarshalProjectTypes(t *testing.T) {
	types := []reflect.Type{
		reflect.TypeFor[identify.Report](),
		reflect.TypeFor[isocheck.Report](),
		reflect.TypeFor[iso9660.VolumeDescriptorInfo](),
		reflect.TypeFor[eltorito.Catalog](),
		reflect.TypeFor[disc.Layout](),
		reflect.TypeFor[outer](),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, typ := range types {
		for range 300 {
			v := reflect.New(typ)
			fill(r, v.Elem(), 0)
			compareAll(t, v.Interface())
			// Round trip through our decoder agrees with encoding/json's.
			b, err := Marshal(v.Interface())
			if err != nil {
				t.Fatal(err)
			}
			mine, theirs := reflect.New(typ), reflect.New(typ)
			errM, errJ := Unmarshal(b, mine.Interface()), json.Unmarshal(b, theirs.Interface())
			if (errM != nil) != (errJ != nil) {
				t.Fatalf("%s: Unmarshal error %v, encoding/json %v", typ, errM, errJ)
			}
			if errM == nil {
				bm, _ := json.Marshal(mine.Interface())
				bj, _ := json.Marshal(theirs.Interface())
				if !bytes.Equal(bm, bj) {
					t.Fatalf("%s: decoded differently:\n mine %s\n json %s", typ, bm, bj)
				}
			}
		}
	}
}

type emuLike struct {
	stateLike
	Image string `json:"image,omitempty"`
}

type stateLike struct {
	Kind     int               `json:"kind"`
	Sessions []struct{ N int } `json:"sessions"`
	CDText   []byte            `json:"cd_text,omitempty"`
	Damaged  []struct {
		Start  int32 `json:"start"`
		Length int   `json:"length"`
	} `json:"damaged,omitempty"`
}

func TestUnmarshalAgrees(t *testing.T) {
	inputs := []string{
		`{"kind":3,"sessions":[{"N":1},{"n":2}],"cd_text":"AAEC","image":"/x","unknown":{"a":[1,2]}}`,
		`{"KIND":1}`, `{"kind":1.5}`, `{"kind":"1"}`, `{"kind":1e3}`, `{"kind":99999999999999999999}`,
		`{"sessions":null,"cd_text":null}`, `{"cd_text":"!!"}`, `{"kind":1,}`, `{"kind" 1}`, `{kind:1}`,
		`[]`, `"x"`, `null`, `{"kind":1} x`, `{"kind":-0}`, `{"kind":01}`, `{"image":"a\u00e9\ud83d\ude00\ud800x\"\\\/\b\f\n\r\t"}`,
		`{"image":"\x"}`, `{"image":"tab	in"}`, `{"image":"\u12"}`, ` {"kind" : 2 , "damaged" : [ {"start":-5,"length":1} ] } `,
		`{"damaged":[{"start":2147483648}]}`, `{"kind":true}`, `{"kind":nul}`, ``, `{`, `{"a":[}`, `{"image":"\ud800"}`,
	}
	for _, in := range inputs {
		var mine, theirs emuLike
		errM, errJ := Unmarshal([]byte(in), &mine), json.Unmarshal([]byte(in), &theirs)
		if (errM != nil) != (errJ != nil) {
			t.Errorf("%s: error %v, encoding/json %v", in, errM, errJ)
			continue
		}
		if errM == nil && !reflect.DeepEqual(mine, theirs) {
			t.Errorf("%s:\n mine %+v\n json %+v", in, mine, theirs)
		}
		var am, aj any
		errM, errJ = Unmarshal([]byte(in), &am), json.Unmarshal([]byte(in), &aj)
		if (errM != nil) != (errJ != nil) || errM == nil && !reflect.DeepEqual(am, aj) {
			t.Errorf("%s into any: %v %v / %v %v", in, am, errM, aj, errJ)
		}
	}
	var se *SyntaxError
	if err := Unmarshal([]byte(`{"kind":1,}`), new(emuLike)); !errors.As(err, &se) || se.Offset != 10 {
		t.Errorf("syntax error %v, want offset 10", err)
	}
	if err := Unmarshal([]byte(strings.Repeat("[", 20000)), new(any)); err == nil {
		t.Error("deep nesting accepted")
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`{"kind":3,"sessions":[{"N":1}],"cd_text":"AAEC"}`, `[1,"a",null,{"b":false}]`, `"\ud83d\ude00"`, `-1.5e+3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var am, aj any
		errM, errJ := Unmarshal(b, &am), json.Unmarshal(b, &aj)
		if (errM != nil) != (errJ != nil) {
			t.Fatalf("%q: error %v, encoding/json %v", b, errM, errJ)
		}
		if errM == nil && !reflect.DeepEqual(am, aj) {
			t.Fatalf("%q: %#v, encoding/json %#v", b, am, aj)
		}
		var sm, sj emuLike
		errM, errJ = Unmarshal(b, &sm), json.Unmarshal(b, &sj)
		if (errM != nil) != (errJ != nil) {
			t.Fatalf("%q into struct: error %v, encoding/json %v", b, errM, errJ)
		}
		if errM == nil && !reflect.DeepEqual(sm, sj) {
			t.Fatalf("%q into struct: %#v, encoding/json %#v", b, sm, sj)
		}
	})
}

func FuzzMarshalString(f *testing.F) {
	f.Add("<a href=\"x\">&</a>\u2028\xff\x00")
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Marshal(s)
		want, _ := json.Marshal(s)
		if !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, encoding/json %s", s, got, want)
		}
		var back string
		if err := Unmarshal(got, &back); err != nil || back != toValid([]byte(s)) {
			t.Fatalf("%q: decoded %q, %v", s, back, err)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var rep identify.Report
	fill(r, reflect.ValueOf(&rep).Elem(), 0)
	b.Run("minijson", func(b *testing.B) {
		for b.Loop() {
			MarshalIndent(&rep, "", "  ")
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			json.MarshalIndent(&rep, "", "  ")
		}
	})
}
