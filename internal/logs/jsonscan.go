package logs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// ErrNotObject is returned by EachField for input that is not a JSON object.
var ErrNotObject = errors.New("not a JSON object")

// ErrNotArray is returned by EachElement for input that is not a JSON array.
var ErrNotArray = errors.New("not a JSON array")

// EachField walks the members of a JSON object and calls fn with each key (as
// written, without its quotes or unescaping) and raw value, without decoding
// or allocating: the hot path of the sign-in parsers, where encoding/json's
// reflection cost more than the rest of a hunt. fn returns false to stop. It
// checks structure enough to walk safely; values are checked by who reads them.
func EachField(obj []byte, fn func(key, val []byte) bool) error {
	i := skipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return ErrNotObject
	}
	i = skipWS(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return nil
	}
	for i < len(obj) {
		if obj[i] != '"' {
			return ErrNotObject
		}
		end := stringEnd(obj, i)
		if end < 0 {
			return ErrNotObject
		}
		key := obj[i+1 : end-1]
		i = skipWS(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return ErrNotObject
		}
		i = skipWS(obj, i+1)
		vend := valueEndAt(obj, i)
		if vend < 0 {
			return ErrNotObject
		}
		if !fn(key, obj[i:vend]) {
			return nil
		}
		i = skipWS(obj, vend)
		if i >= len(obj) {
			return ErrNotObject
		}
		if obj[i] == '}' {
			return nil
		}
		if obj[i] != ',' {
			return ErrNotObject
		}
		i = skipWS(obj, i+1)
	}
	return ErrNotObject
}

// EachElement walks the elements of a JSON array and calls fn with each raw
// value, as EachField does for an object's members. fn returns false to stop.
func EachElement(arr []byte, fn func(val []byte) bool) error {
	i := skipWS(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return ErrNotArray
	}
	i = skipWS(arr, i+1)
	if i < len(arr) && arr[i] == ']' {
		return nil
	}
	for i < len(arr) {
		end := valueEndAt(arr, i)
		if end < 0 {
			return ErrNotArray
		}
		if !fn(arr[i:end]) {
			return nil
		}
		i = skipWS(arr, end)
		if i >= len(arr) {
			return ErrNotArray
		}
		if arr[i] == ']' {
			return nil
		}
		if arr[i] != ',' {
			return ErrNotArray
		}
		i = skipWS(arr, i+1)
	}
	return ErrNotArray
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the closing quote of the string at i.
// Keys and most values are short: their first 32 bytes are read eight at a
// time, a word's quotes and backslashes found with bit arithmetic (no call,
// no setup). Past them, it looks for the next quote (bytes.IndexByte, which
// pays off on long values) and counts the backslashes before it: an odd run
// escapes it.
func stringEnd(b []byte, i int) int {
	j := i + 1
	for end := min(len(b), j+32); j+8 <= end; {
		x := binary.LittleEndian.Uint64(b[j:])
		m := byteIs(x, '"') | byteIs(x, '\\')
		if m == 0 {
			j += 8
			continue
		}
		j += bits.TrailingZeros64(m) >> 3 // the first quote or backslash
		if b[j] == '"' {
			return j + 1
		}
		j += 2 // the backslash and what it escapes
	}
	for j < len(b) {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return -1
		}
		q += j
		k := q - 1
		for k > i && b[k] == '\\' {
			k--
		}
		if (q-1-k)%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
	return -1
}

// byteIs has the high bit set in the lowest byte of x that equals c (higher
// bytes may be marked wrongly: only the lowest mark is exact).
func byteIs(x uint64, c byte) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	y := x ^ (ones * uint64(c))
	return (y - ones) &^ y & highs
}

// valueEndAt returns the index after the JSON value at i.
func valueEndAt(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := stringEnd(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
				if depth > MaxDepth {
					return -1
				}
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// KeyIs compares a JSON key with a name, ASCII case-insensitively: exports
// lower-case or capitalise field names.
func KeyIs(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := 0; i < len(key); i++ {
		if lowerASCII(key[i]) != lowerASCII(name[i]) {
			return false
		}
	}
	return true
}

// Str returns the string a raw JSON value holds ("" for null or a non-string;
// numbers as written).
func Str(raw []byte) string {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if raw[0] != '"' {
		if raw[0] == '{' || raw[0] == '[' {
			return ""
		}
		return string(raw)
	}
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return ""
	}
	in := raw[1 : len(raw)-1]
	if plainString(in) {
		return string(in)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// plainString: b holds no backslash and is valid UTF-8, the contents of a
// JSON string that decode to themselves. ASCII without backslashes, the
// usual value, is told in one pass eight bytes at a time; anything else
// takes the two searches.
func plainString(b []byte) bool {
	const highs = 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if x := binary.LittleEndian.Uint64(b[i:]); x&highs != 0 || byteIs(x, '\\') != 0 {
			return bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b)
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c >= utf8.RuneSelf || c == '\\' {
			return bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b)
		}
	}
	return true
}

// StrBytes returns the bytes of Str(raw): those of the raw JSON string
// without its quotes when it holds no escape and is valid UTF-8 (no copy),
// else a copy of its decoded value.
func StrBytes(raw []byte) []byte {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		if in := raw[1 : len(raw)-1]; plainString(in) {
			return in
		}
	}
	return []byte(Str(raw))
}

// Object returns the object a raw value holds, or the object held in a
// string (Sentinel serialises nested objects so); nil otherwise.
func Object(raw []byte) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		return raw
	}
	if len(raw) > 0 && raw[0] == '"' {
		if s := Str(raw); len(s) > 0 && s[0] == '{' {
			return []byte(s)
		}
	}
	return nil
}

// Int returns the integer a raw value holds, as a number or a string.
func Int(raw []byte) (int, bool) {
	s := raw
	if len(s) > 1 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.Atoi(string(s))
	return n, err == nil
}
