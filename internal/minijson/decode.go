package minijson

import (
	"encoding"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unmarshaler is the method encoding/json calls to let a type decode
// itself (time.Time has it).
type unmarshaler interface {
	UnmarshalJSON([]byte) error
}

// maxNesting bounds arrays and objects inside each other while decoding.
const maxNesting = 10000

// A SyntaxError is malformed JSON text, at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("minijson: %s at byte %d", e.Msg, e.Offset)
}

// Unmarshal decodes the JSON text data into the value v points to.
// Object members match struct fields by name, exactly or else without
// regard to case, as with encoding/json; unknown members are ignored.
// Strings decode into []byte as base64. Numbers that do not fit their
// field, and values of the wrong kind, are errors naming the field.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("minijson: Unmarshal needs a non-nil pointer, not %T", v)
	}
	d := decoder{data: data}
	d.space()
	if err := d.value(rv.Elem(), "", 0); err != nil {
		return err
	}
	d.space()
	if d.pos != len(d.data) {
		return d.errorf("data after the top-level value")
	}
	return nil
}

type decoder struct {
	data []byte
	pos  int
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) typeError(path string, what string, t reflect.Type, at int) error {
	if path == "" {
		path = "value"
	}
	return fmt.Errorf("minijson: cannot decode %s into %s (%s) at byte %d", what, path, t, at)
}

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) peek() (byte, error) {
	if d.pos >= len(d.data) {
		return 0, d.errorf("unexpected end of input")
	}
	return d.data[d.pos], nil
}

func (d *decoder) literal(word string) error {
	if !strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+len(word))]), word) {
		return d.errorf("invalid character %q looking for a value", d.data[d.pos])
	}
	d.pos += len(word)
	return nil
}

// skipValue checks one value and moves past it.
func (d *decoder) skipValue(depth int) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch {
	case c == '{' || c == '[':
		if depth >= maxNesting {
			return d.errorf("nested too deeply")
		}
		return d.compound(c, func(isObject bool) error {
			if isObject {
				if _, err := d.str(); err != nil {
					return err
				}
				if err := d.colon(); err != nil {
					return err
				}
			}
			return d.skipValue(depth + 1)
		})
	case c == '"':
		_, err := d.str()
		return err
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	default:
		_, err := d.number()
		return err
	}
}

// compound walks an object or array, calling elem for each element (for
// objects, elem reads the name and colon itself).
func (d *decoder) compound(open byte, elem func(isObject bool) error) error {
	closeBy := byte(']')
	if open == '{' {
		closeBy = '}'
	}
	d.pos++
	d.space()
	if c, err := d.peek(); err != nil {
		return err
	} else if c == closeBy {
		d.pos++
		return nil
	}
	for {
		d.space()
		if open == '{' {
			if c, err := d.peek(); err != nil {
				return err
			} else if c != '"' {
				return d.errorf("invalid character %q looking for an object member name", c)
			}
		}
		if err := elem(open == '{'); err != nil {
			return err
		}
		d.space()
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case closeBy:
			return nil
		default:
			d.pos--
			return d.errorf("invalid character %q after an element", c)
		}
	}
}

func (d *decoder) colon() error {
	d.space()
	if c, err := d.peek(); err != nil {
		return err
	} else if c != ':' {
		return d.errorf("invalid character %q after an object member name", c)
	}
	d.pos++
	d.space()
	return nil
}

// number reads a number's text (RFC 8259 §6 grammar).
func (d *decoder) number() (string, error) {
	start := d.pos
	i := d.pos
	digits := func() int {
		n := 0
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if digits() == 0 {
		d.pos = i
		if i >= len(d.data) {
			return "", d.errorf("unexpected end of input")
		}
		return "", d.errorf("invalid character %q looking for a value", d.data[i])
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if digits() == 0 {
			d.pos = i
			return "", d.errorf("missing digits after a decimal point")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			return "", d.errorf("missing digits in an exponent")
		}
	}
	d.pos = i
	return string(d.data[start:i]), nil
}

// str reads a string, resolving escapes (RFC 8259 §7); lone surrogates
// and invalid UTF-8 become U+FFFD.
func (d *decoder) str() (string, error) {
	d.pos++ // the opening quote
	var b []byte
	start := d.pos
	for {
		if d.pos >= len(d.data) {
			return "", d.errorf("unexpected end of input in a string")
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if b == nil {
				return toValid(s), nil
			}
			return toValid(append(b, s...)), nil
		case c < 0x20:
			return "", d.errorf("invalid control character %q in a string", c)
		case c == '\\':
			b = append(b, d.data[start:d.pos]...)
			d.pos++
			if d.pos >= len(d.data) {
				return "", d.errorf("unexpected end of input in a string")
			}
			e := d.data[d.pos]
			d.pos++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.errorf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					save := d.pos
					if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
						d.pos += 2
						if x, ok := d.hex4(); ok {
							r2 = x
						}
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						d.pos = save
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				d.pos--
				return "", d.errorf("invalid escape character %q in a string", e)
			}
			start = d.pos
		default:
			d.pos++
		}
	}
}

// toValid replaces each byte that is not part of valid UTF-8 with U+FFFD,
// as encoding/json does.
func toValid(s []byte) string {
	if utf8.Valid(s) {
		return string(s)
	}
	out := make([]byte, 0, len(s)+8)
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, s[:size]...)
		}
		s = s[size:]
	}
	return string(out)
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.pos += 4
	return r, true
}

// value decodes into v; path names the place for error messages.
func (d *decoder) value(v reflect.Value, path string, depth int) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	at := d.pos
	if c == 'n' {
		if err := d.literal("null"); err != nil {
			return err
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
			v.SetZero()
		}
		return nil
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.value(v.Elem(), path, depth)
	}
	// A type's own decoding methods, as encoding/json calls them.
	if v.Kind() != reflect.Interface && v.CanAddr() && v.CanInterface() {
		pv := v.Addr().Interface()
		if u, ok := pv.(unmarshaler); ok {
			if err := d.skipValue(depth); err != nil {
				return err
			}
			if err := u.UnmarshalJSON(d.data[at:d.pos]); err != nil {
				return fmt.Errorf("minijson: %s at byte %d: %w", path, at, err)
			}
			return nil
		}
		if u, ok := pv.(encoding.TextUnmarshaler); ok {
			if c != '"' {
				return d.typeError(path, "a non-string value", v.Type(), at)
			}
			s, err := d.str()
			if err != nil {
				return err
			}
			if err := u.UnmarshalText([]byte(s)); err != nil {
				return fmt.Errorf("minijson: %s at byte %d: %w", path, at, err)
			}
			return nil
		}
	}
	if v.Kind() == reflect.Interface {
		if v.NumMethod() != 0 {
			return d.typeError(path, "a value", v.Type(), at)
		}
		x, err := d.anyValue(depth)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(&x).Elem())
		return nil
	}
	if (c == '{' || c == '[') && depth >= maxNesting {
		return d.errorf("nested too deeply")
	}
	switch c {
	case '{':
		return d.object(v, path, depth)
	case '[':
		return d.array(v, path, depth)
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		switch {
		case v.Kind() == reflect.String:
			v.SetString(s)
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return fmt.Errorf("minijson: %s at byte %d: %w", path, at, err)
			}
			v.SetBytes(b)
		default:
			return d.typeError(path, "a string", v.Type(), at)
		}
		return nil
	case 't', 'f':
		word := "true"
		if c == 'f' {
			word = "false"
		}
		if err := d.literal(word); err != nil {
			return err
		}
		if v.Kind() != reflect.Bool {
			return d.typeError(path, "a boolean", v.Type(), at)
		}
		v.SetBool(c == 't')
		return nil
	}
	num, err := d.number()
	if err != nil {
		return err
	}
	return setNumber(v, num, func(what string) error { return d.typeError(path, what, v.Type(), at) })
}

func setNumber(v reflect.Value, num string, fail func(string) error) error {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return fail("number " + num)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil || v.OverflowUint(n) {
			return fail("number " + num)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(num, v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			return fail("number " + num)
		}
		v.SetFloat(f)
	default:
		return fail("a number")
	}
	return nil
}

func (d *decoder) array(v reflect.Value, path string, depth int) error {
	at := d.pos
	switch v.Kind() {
	case reflect.Slice:
		n := 0
		err := d.compound('[', func(bool) error {
			if n >= v.Len() {
				if n >= v.Cap() {
					v.Grow(1)
				}
				v.SetLen(n + 1)
			}
			v.Index(n).SetZero()
			err := d.value(v.Index(n), path+"["+strconv.Itoa(n)+"]", depth+1)
			n++
			return err
		})
		if err != nil {
			return err
		}
		if n == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		} else {
			v.SetLen(n)
		}
		return nil
	case reflect.Array:
		n := 0
		err := d.compound('[', func(bool) error {
			var err error
			if n < v.Len() {
				err = d.value(v.Index(n), path+"["+strconv.Itoa(n)+"]", depth+1)
			} else {
				err = d.skipValue(depth + 1)
			}
			n++
			return err
		})
		for i := n; i < v.Len(); i++ {
			v.Index(i).SetZero()
		}
		return err
	}
	return d.typeError(path, "an array", v.Type(), at)
}

func (d *decoder) object(v reflect.Value, path string, depth int) error {
	at := d.pos
	switch v.Kind() {
	case reflect.Map:
		t := v.Type()
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			return d.typeError(path, "an object", t, at)
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		return d.compound('{', func(bool) error {
			keyAt := d.pos
			name, err := d.str()
			if err != nil {
				return err
			}
			if err := d.colon(); err != nil {
				return err
			}
			key := reflect.New(t.Key()).Elem()
			if key.Kind() == reflect.String {
				key.SetString(name)
			} else if err := setNumber(key, name, func(string) error {
				return d.typeError(path, "object key "+strconv.Quote(name), t.Key(), keyAt)
			}); err != nil {
				return err
			}
			elem := reflect.New(t.Elem()).Elem()
			if err := d.value(elem, path+"["+strconv.Quote(name)+"]", depth+1); err != nil {
				return err
			}
			v.SetMapIndex(key, elem)
			return nil
		})
	case reflect.Struct:
		fields, err := fieldsOf(v.Type())
		if err != nil {
			return err
		}
		return d.compound('{', func(bool) error {
			name, err := d.str()
			if err != nil {
				return err
			}
			if err := d.colon(); err != nil {
				return err
			}
			f := matchField(fields, name)
			if f == nil {
				return d.skipValue(depth + 1)
			}
			fv, err := fieldForSet(v, f.index)
			if err != nil {
				return fmt.Errorf("minijson: %s.%s: %w", path, f.name, err)
			}
			return d.value(fv, strings.TrimPrefix(path+"."+f.name, "."), depth+1)
		})
	}
	return d.typeError(path, "an object", v.Type(), at)
}

func matchField(fields []field, name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, name) {
			return &fields[i]
		}
	}
	return nil
}

// fieldForSet follows an index path, allocating nil embedded pointers.
func fieldForSet(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, errors.New("embedded pointer to an unexported struct is nil")
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// anyValue decodes into the generic types: map[string]any, []any,
// float64, string, bool, nil.
func (d *decoder) anyValue(depth int) (any, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	if (c == '{' || c == '[') && depth >= maxNesting {
		return nil, d.errorf("nested too deeply")
	}
	switch c {
	case '{':
		m := map[string]any{}
		err := d.compound('{', func(bool) error {
			name, err := d.str()
			if err != nil {
				return err
			}
			if err := d.colon(); err != nil {
				return err
			}
			x, err := d.anyValue(depth + 1)
			m[name] = x
			return err
		})
		return m, err
	case '[':
		a := []any{}
		err := d.compound('[', func(bool) error {
			x, err := d.anyValue(depth + 1)
			a = append(a, x)
			return err
		})
		return a, err
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	at := d.pos
	num, err := d.number()
	if err != nil {
		return nil, err
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("minijson: number %s out of range at byte %d", num, at)
	}
	return f, nil
}
