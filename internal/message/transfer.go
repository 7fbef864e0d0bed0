package message

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"math/bits"
	"strings"
)

// sink receives decoded bytes: it keeps the first limit of them, counts them
// all and, for attachments, hashes them all, so that a part beyond the limit
// still gets its true size and SHA-256.
type sink struct {
	buf   []byte
	limit int
	n     int64
	h     hash.Hash
}

func newSink(estimate, limit int, h hash.Hash) *sink {
	return &sink{buf: make([]byte, 0, max(0, min(estimate, limit))), limit: limit, h: h}
}

func (s *sink) write(p []byte) {
	s.n += int64(len(p))
	if s.h != nil {
		s.h.Write(p)
	}
	if room := s.limit - len(s.buf); room > 0 {
		s.buf = append(s.buf, p[:min(len(p), room)]...)
	}
}

// appended accounts for bytes a decoder appended to buf in place.
func (s *sink) appended(from int) {
	p := s.buf[from:]
	s.n += int64(len(p))
	if s.h != nil {
		s.h.Write(p)
	}
}

func (s *sink) truncated() bool { return s.n > int64(len(s.buf)) }

// chunkSize is the scratch size of the chunked decoders.
const chunkSize = 64 << 10

// transferEncoding normalises a Content-Transfer-Encoding value (RFC 2045
// §6.1): lower case, without comments or quotes.
func transferEncoding(v string) string {
	if i := strings.IndexByte(v, '('); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.Trim(v, " \t\"';"))
}

// isIdentityEncoding reports whether the encoding leaves bytes as they are.
func isIdentityEncoding(cte string) bool {
	switch cte {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "none":
		return true
	}
	return false
}

// knownEncoding reports whether cte is one of RFC 2045 §6.1's mechanisms.
func knownEncoding(cte string) bool {
	return isIdentityEncoding(cte) || cte == "base64" || cte == "quoted-printable"
}

// decodeTransfer decodes a part body into s. bad reports invalid input;
// what could be decoded has been written anyway. When the whole output fits
// in s it is decoded in place; otherwise a chunk at a time, so that a part
// far beyond the limit costs no more memory than the limit.
func decodeTransfer(src []byte, cte string, s *sink) (bad bool) {
	var maxOut int
	switch cte {
	case "base64":
		maxOut = decodedEstimate(len(src), cte)
	case "quoted-printable":
		maxOut = len(src)
	default:
		s.write(src)
		return false
	}
	if s.limit-len(s.buf) >= maxOut {
		if cap(s.buf)-len(s.buf) < maxOut {
			s.buf = append(make([]byte, 0, len(s.buf)+maxOut), s.buf...)
		}
		from := len(s.buf)
		if cte == "base64" {
			s.buf, bad = appendBase64(s.buf, src)
		} else {
			s.buf, bad = appendQP(s.buf, src, true)
		}
		s.appended(from)
		return bad
	}
	scratch := make([]byte, 0, chunkSize)
	var d b64
	for len(src) > 0 {
		n := min(len(src), chunkSize/2)
		if n < len(src) {
			n = chunkEnd(src[:n])
		}
		var b bool
		if cte == "base64" {
			// The fast decoder when the chunk is clean and starts a
			// quantum, the lenient one (which carries state) otherwise.
			m, err := 0, error(nil)
			if d.n == 0 {
				m, err = base64.StdEncoding.Decode(scratch[:cap(scratch)], src[:n])
			}
			if d.n == 0 && err == nil {
				scratch = scratch[:m]
			} else {
				scratch, b = d.decode(scratch[:0], src[:n], false)
			}
		} else {
			scratch, b = appendQP(scratch[:0], src[:n], n == len(src))
		}
		bad = bad || b
		s.write(scratch)
		src = src[n:]
	}
	if cte == "base64" {
		var b bool
		scratch, b = d.finish(scratch[:0])
		s.write(scratch)
		bad = bad || b
	}
	return bad
}

// chunkEnd returns where to cut a chunk of encoded input: after its last
// line break, else before a trailing "=", "=X" or "=" followed by blanks,
// which a QP decoder would read differently at the end of its input.
func chunkEnd(c []byte) int {
	if nl := bytes.LastIndexByte(c, '\n'); nl > 0 {
		return nl + 1
	}
	n := len(c)
	k := n
	for k > 0 && n-k < 80 && (c[k-1] == ' ' || c[k-1] == '\t') {
		k--
	}
	switch {
	case k > 1 && c[k-1] == '=':
		return k - 1
	case k > 2 && c[k-2] == '=':
		return k - 2
	}
	return n
}

// decodedEstimate bounds the decoded size of n encoded bytes, to size buffers.
func decodedEstimate(n int, cte string) int {
	if cte == "base64" {
		return n/4*3 + 3
	}
	return n
}

// appendBase64 appends the decoding of RFC 2045 §6.8 base64 to dst, which
// has room for it. The standard library decoder does the common case fast;
// if it refuses the input (stray characters, missing padding, padding in
// the middle of concatenated encodings), the lenient decoder redoes it,
// skipping what is not in the alphabet.
func appendBase64(dst, src []byte) ([]byte, bool) {
	if n, err := base64.StdEncoding.Decode(dst[len(dst):cap(dst)], src); err == nil {
		return dst[:len(dst)+n], false
	}
	var d b64
	dst, bad := d.decode(dst, src, false)
	dst, b := d.finish(dst)
	return dst, bad || b
}

const b64Invalid = 0xff

var b64Table = func() (t [256]byte) {
	for i := range t {
		t[i] = b64Invalid
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// b64 is the state of the lenient base64 decoder across chunks.
type b64 struct {
	q [4]byte
	n int
}

// decode appends the decoding of src to dst. Whitespace is skipped; other
// bytes outside the alphabet are skipped and set bad; '=' ends the current
// quantum, so concatenated encodings decode whole.
func (d *b64) decode(dst, src []byte, bad bool) ([]byte, bool) {
	for _, c := range src {
		v := b64Table[c]
		if v == b64Invalid {
			switch c {
			case '\r', '\n', ' ', '\t':
			case '=':
				var b bool
				dst, b = d.finish(dst)
				bad = bad || b
			default:
				bad = true
			}
			continue
		}
		d.q[d.n] = v
		d.n++
		if d.n == 4 {
			dst = append(dst, d.q[0]<<2|d.q[1]>>4, d.q[1]<<4|d.q[2]>>2, d.q[2]<<6|d.q[3])
			d.n = 0
		}
	}
	return dst, bad
}

// finish flushes a partial quantum; a single dangling sextet is bad.
func (d *b64) finish(dst []byte) ([]byte, bool) {
	bad := false
	switch d.n {
	case 1:
		bad = true
	case 2:
		dst = append(dst, d.q[0]<<2|d.q[1]>>4)
	case 3:
		dst = append(dst, d.q[0]<<2|d.q[1]>>4, d.q[1]<<4|d.q[2]>>2)
	}
	d.n = 0
	return dst, bad
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

const qpLo, qpHi = 0x0101010101010101, 0x8080808080808080

// qpSpecial marks the bytes appendQP must look at.
var qpSpecial = [256]bool{'=': true, '\r': true, '\n': true}

// indexQPSpecial returns the index of the first '=', CR or LF in b, or
// len(b). It tests eight bytes at a time: a byte equal to c makes the
// corresponding byte of x^c zero, which (v-0x01..)&^v&0x80.. flags; the
// lowest flag is exact, which is all that is needed here.
func indexQPSpecial(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		a, c, d := x^(qpLo*'='), x^(qpLo*'\r'), x^(qpLo*'\n')
		if m := ((a-qpLo)&^a | (c-qpLo)&^c | (d-qpLo)&^d) & qpHi; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if qpSpecial[b[i]] {
			return i
		}
	}
	return len(b)
}

// appendQP appends the decoding of RFC 2045 §6.7 quoted-printable to dst:
// "=XX" octets (lower-case hex accepted), soft line breaks ("=" at the end
// of a line, even followed by blanks), trailing blanks of a line removed
// (rule 3). A "=" that starts no valid sequence is kept as it is and sets
// bad. Line breaks are kept as written (CRLF or LF). final says src ends
// the encoding: only then are the blanks that end it padding.
func appendQP(dst, src []byte, final bool) ([]byte, bool) {
	bad := false
	keep := len(dst) // blanks before keep are content, not line padding
	trim := func() {
		for len(dst) > keep && (dst[len(dst)-1] == ' ' || dst[len(dst)-1] == '\t') {
			dst = dst[:len(dst)-1]
		}
	}
	i := 0
	for i < len(src) {
		// indexQPSpecial, inlined by hand: it runs once per escape.
		j := i
		for j+8 <= len(src) {
			x := binary.LittleEndian.Uint64(src[j:])
			a, c, d := x^(qpLo*'='), x^(qpLo*'\r'), x^(qpLo*'\n')
			if m := ((a-qpLo)&^a | (c-qpLo)&^c | (d-qpLo)&^d) & qpHi; m != 0 {
				j += bits.TrailingZeros64(m) / 8
				goto found
			}
			j += 8
		}
		for j < len(src) && !qpSpecial[src[j]] {
			j++
		}
	found:
		dst = append(dst, src[i:j]...)
		if j == len(src) {
			break
		}
		switch src[j] {
		case '=':
			k := j + 1
			for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
				k++
			}
			switch {
			case k == len(src) && final:
				i = k
				trim()
				keep = len(dst)
				continue
			case src[k] == '\n':
				i = k + 1
				keep = len(dst)
				continue
			case src[k] == '\r' && (k+1 == len(src) || src[k+1] == '\n'):
				i = min(k+2, len(src))
				keep = len(dst)
				continue
			}
			if j+2 < len(src) {
				hi, ok1 := unhex(src[j+1])
				lo, ok2 := unhex(src[j+2])
				if ok1 && ok2 {
					dst = append(dst, hi<<4|lo)
					keep = len(dst)
					i = j + 3
					continue
				}
			}
			bad = true
			dst = append(dst, '=')
			keep = len(dst)
			i = j + 1
		case '\r':
			if j+1 < len(src) && src[j+1] == '\n' {
				trim()
				dst = append(dst, '\r', '\n')
				i = j + 2
			} else {
				dst = append(dst, '\r')
				i = j + 1
			}
			keep = len(dst)
		case '\n':
			trim()
			dst = append(dst, '\n')
			keep = len(dst)
			i = j + 1
		}
	}
	if final {
		trim()
	}
	return dst, bad
}
