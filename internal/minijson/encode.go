// Package minijson encodes and decodes JSON (RFC 8259) by reflection, for
// the command's --json reports and the emulated drive's state file.
//
// It exists because encoding/json, with the sorting routines it
// instantiates and the reflection it keeps reachable, adds about 400 KB to
// the binary, and the kernel pages a binary in 64 KiB at a time around
// whatever runs: every command paid for it at start, whether it printed
// JSON or not. For the values Spindle encodes (structs with json tags and
// omitempty, embedded structs, pointers, interfaces, slices, arrays, maps,
// []byte, numbers, strings, and types with MarshalJSON or MarshalText
// methods such as time.Time) the output is byte for byte what
// encoding/json writes, which the tests check against encoding/json
// itself.
//
// Not supported: the ",string" and "omitzero" tag options (an error names
// the field), map keys decoded through UnmarshalText, and json.Number.
package minijson

import (
	"encoding"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// marshaler is the method encoding/json calls to let a type encode
// itself (time.Time has it).
type marshaler interface {
	MarshalJSON() ([]byte, error)
}

// The interfaces' types are looked up where used (TypeFor costs nothing)
// rather than kept in package variables: their initialisation would run,
// and page in this package's code, in every process that links it.
func marshalerType() reflect.Type     { return reflect.TypeFor[marshaler]() }
func textMarshalerType() reflect.Type { return reflect.TypeFor[encoding.TextMarshaler]() }

// maxDepth bounds nesting, so that a cycle of pointers is an error rather
// than a stack overflow.
const maxDepth = 1000

// Marshal returns the JSON encoding of v.
func Marshal(v any) ([]byte, error) {
	e := encoder{}
	if err := e.value(reflect.ValueOf(v), 0); err != nil {
		return nil, err
	}
	return e.b, nil
}

// MarshalIndent is Marshal with each element on a line of its own,
// starting with prefix and indented by indent per level of nesting.
func MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	b, err := Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendIndent(nil, b, prefix, indent), nil
}

// An Encoder writes JSON values to a stream, each followed by a newline.
type Encoder struct {
	w              io.Writer
	prefix, indent string
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// SetIndent makes later values indented as with MarshalIndent.
func (enc *Encoder) SetIndent(prefix, indent string) { enc.prefix, enc.indent = prefix, indent }

// Encode writes the JSON encoding of v and a newline.
func (enc *Encoder) Encode(v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	if enc.prefix != "" || enc.indent != "" {
		b = appendIndent(nil, b, enc.prefix, enc.indent)
	}
	_, err = enc.w.Write(append(b, '\n'))
	return err
}

type encoder struct {
	b []byte
}

func (e *encoder) value(v reflect.Value, depth int) error {
	if !v.IsValid() {
		e.b = append(e.b, "null"...)
		return nil
	}
	if depth > maxDepth {
		return fmt.Errorf("minijson: values nested deeper than %d (a cycle?) at type %s", maxDepth, v.Type())
	}
	t := v.Type()
	// Methods first, as encoding/json: a value's own, or its pointer's
	// when the value is addressable.
	if t.Kind() != reflect.Pointer && v.CanAddr() && !t.Implements(marshalerType()) && !t.Implements(textMarshalerType()) {
		if pt := reflect.PointerTo(t); pt.Implements(marshalerType()) || pt.Implements(textMarshalerType()) {
			v, t = v.Addr(), pt
		}
	}
	if t.Implements(marshalerType()) {
		if t.Kind() == reflect.Pointer && v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		out, err := v.Interface().(marshaler).MarshalJSON()
		if err != nil {
			return fmt.Errorf("minijson: calling MarshalJSON for type %s: %w", t, err)
		}
		if e.b, err = appendCompact(e.b, out); err != nil {
			return fmt.Errorf("minijson: MarshalJSON of type %s: %w", t, err)
		}
		return nil
	}
	if t.Implements(textMarshalerType()) {
		if t.Kind() == reflect.Pointer && v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return fmt.Errorf("minijson: calling MarshalText for type %s: %w", t, err)
		}
		e.b = appendString(e.b, text)
		return nil
	}
	switch t.Kind() {
	case reflect.Bool:
		e.b = strconv.AppendBool(e.b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.b = strconv.AppendInt(e.b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.b = strconv.AppendUint(e.b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return e.float(v.Float(), t.Bits())
	case reflect.String:
		e.b = appendString(e.b, v.String())
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		return e.value(v.Elem(), depth+1)
	case reflect.Struct:
		return e.structure(v, depth)
	case reflect.Map:
		return e.mapping(v, depth)
	case reflect.Slice:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 && !bytesHaveMethods(t.Elem()) {
			// RFC 8259 has no byte strings; encoding/json writes them
			// in standard base64 (RFC 4648 §4).
			e.b = append(e.b, '"')
			e.b = base64.StdEncoding.AppendEncode(e.b, v.Bytes())
			e.b = append(e.b, '"')
			return nil
		}
		return e.array(v, depth)
	case reflect.Array:
		return e.array(v, depth)
	default:
		return fmt.Errorf("minijson: unsupported type %s", t)
	}
	return nil
}

func bytesHaveMethods(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(marshalerType()) || pt.Implements(textMarshalerType())
}

// float writes f as encoding/json does: the shortest decimal that reads
// back as the same value, in exponent form only for very small or very
// large magnitudes, with a one-digit negative exponent unpadded (1e-7).
func (e *encoder) float(f float64, bits int) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("minijson: unsupported value %v (JSON has no infinities or NaN)", f)
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 {
		small, large := a < 1e-6, a >= 1e21
		if bits == 32 {
			small, large = float32(a) < 1e-6, float32(a) >= 1e21
		}
		if small || large {
			format = 'e'
		}
	}
	start := len(e.b)
	e.b = strconv.AppendFloat(e.b, f, format, -1, bits)
	if format == 'e' {
		// "e-07" becomes "e-7".
		s := e.b[start:]
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s[n-2] = s[n-1]
			e.b = e.b[:len(e.b)-1]
		}
	}
	return nil
}

func (e *encoder) array(v reflect.Value, depth int) error {
	e.b = append(e.b, '[')
	for i := range v.Len() {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		if err := e.value(v.Index(i), depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, ']')
	return nil
}

func (e *encoder) mapping(v reflect.Value, depth int) error {
	if v.IsNil() {
		e.b = append(e.b, "null"...)
		return nil
	}
	type kv struct {
		key string
		val reflect.Value
	}
	var kvs []kv
	iter := v.MapRange()
	for iter.Next() {
		k, err := keyString(iter.Key())
		if err != nil {
			return err
		}
		kvs = append(kvs, kv{k, iter.Value()})
	}
	// sort.Slice rather than slices.SortFunc: no sorting routine compiled
	// for this one struct type (binary size is start-up memory).
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].key < kvs[j].key })
	e.b = append(e.b, '{')
	for i, p := range kvs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = appendString(e.b, p.key)
		e.b = append(e.b, ':')
		if err := e.value(p.val, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, '}')
	return nil
}

// keyString is a map key as an object member name: strings as they are,
// then text marshalers, then integers in decimal.
func keyString(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if k.Type().Implements(textMarshalerType()) {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := k.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("minijson: unsupported map key type %s", k.Type())
}

func (e *encoder) structure(v reflect.Value, depth int) error {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return err
	}
	e.b = append(e.b, '{')
	first := true
	for _, f := range fields {
		fv, ok := fieldByIndex(v, f.index)
		if !ok || f.omitEmpty && isEmpty(fv) {
			continue
		}
		if !first {
			e.b = append(e.b, ',')
		}
		first = false
		e.b = appendString(e.b, f.name)
		e.b = append(e.b, ':')
		if err := e.value(fv, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, '}')
	return nil
}

// fieldByIndex follows an index path through embedded structs; a nil
// embedded pointer hides its fields (ok false).
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// field is one JSON member of a struct type.
type field struct {
	name      string
	index     []int
	tagged    bool
	omitEmpty bool
	typ       reflect.Type
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the members of struct type t in encoding/json's way:
// exported fields by their tag name or Go name; the fields of embedded
// structs (exported or not, by value or pointer) promoted unless an
// embedding carries a name tag; of several fields with one name the
// shallowest wins, at equal depth a tagged one, and if that still leaves
// a tie the name is dropped.
func fieldsOf(t reflect.Type) ([]field, error) {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field), nil
	}
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var all []field
	visited := map[reflect.Type]bool{}
	level := []queued{{typ: t}}
	for len(level) > 0 {
		var next []queued
		count := map[reflect.Type]int{}
		for _, q := range level {
			count[q.typ]++
		}
		for _, q := range level {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				omit := false
				for o := range strings.SplitSeq(opts, ",") {
					switch o {
					case "omitempty":
						omit = true
					case "string", "omitzero":
						return nil, fmt.Errorf("minijson: field %s.%s: tag option %q is not supported", t, sf.Name, o)
					}
				}
				if !validName(name) {
					name = ""
				}
				index := append(slices.Clip(q.index), i)
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					all = append(all, field{name: name, index: index, tagged: tagged, omitEmpty: omit, typ: sf.Type})
					if count[q.typ] > 1 {
						// The same struct embedded twice at one depth:
						// its fields tie with themselves and drop out.
						all = append(all, all[len(all)-1])
					}
					continue
				}
				next = append(next, queued{typ: ft, index: index})
			}
		}
		level = next
	}
	// Dominant field per name.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		if a.tagged != b.tagged {
			return a.tagged
		}
		return slices.Compare(a.index, b.index) < 0
	})
	var out []field
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		if len(group) == 1 || len(group[1].index) > len(group[0].index) || group[0].tagged && !group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	sort.Slice(out, func(i, j int) bool { return slices.Compare(out[i].index, out[j].index) < 0 })
	fieldCache.Store(t, out)
	return out, nil
}

// validName is encoding/json's test of a tag name: letters, digits and
// ASCII punctuation other than quotes and backslash.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// appendString writes s as a JSON string with encoding/json's escapes:
// quote and backslash; \b \f \n \r \t; other control characters as \u00XX;
// <, > and & as \u003c, \u003e, \u0026 (HTML safety); U+2028 and U+2029
// (JavaScript line terminators); invalid UTF-8 as \ufffd.
func appendString[S string | []byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		var r rune
		var size int
		switch v := any(s).(type) {
		case string:
			r, size = utf8.DecodeRuneInString(v[i:])
		case []byte:
			r, size = utf8.DecodeRune(v[i:])
		}
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendCompact appends the JSON text src without insignificant white
// space and with the HTML escapes of appendString inside strings, after
// checking that it is one valid value (as encoding/json does with the
// output of MarshalJSON).
func appendCompact(dst, src []byte) ([]byte, error) {
	d := decoder{data: src}
	d.space()
	if err := d.skipValue(0); err != nil {
		return dst, err
	}
	d.space()
	if d.pos != len(src) {
		return dst, d.errorf("data after the value")
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			raw := src[i+1 : j]
			// Re-escape only what must change; keep the rest verbatim.
			dst = append(dst, '"')
			start := 0
			for k := 0; k < len(raw); {
				switch {
				case raw[k] == '\\':
					k += 2
				case raw[k] == '<' || raw[k] == '>' || raw[k] == '&':
					dst = append(dst, raw[start:k]...)
					dst = append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[raw[k]>>4], "0123456789abcdef"[raw[k]&0xf])
					k++
					start = k
				case raw[k] >= utf8.RuneSelf:
					r, size := utf8.DecodeRune(raw[k:])
					if r == '\u2028' || r == '\u2029' {
						dst = append(dst, raw[start:k]...)
						dst = append(dst, '\\', 'u', '2', '0', '2', "0123456789abcdef"[r&0xf])
						k += size
						start = k
					} else {
						k += size
					}
				default:
					k++
				}
			}
			dst = append(dst, raw[start:]...)
			dst = append(dst, '"')
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// appendIndent lays out compact JSON as encoding/json's Indent does: each
// element and member on its own line, "key": value with one space, empty
// arrays and objects as [] and {}.
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	needIndent := false // an opening bracket waits to see if it is empty
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != ']' && c != '}' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			j := i + 1
			for src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			needIndent = true
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
