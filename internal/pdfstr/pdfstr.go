// Package pdfstr decodes the string objects of a PDF file (ISO 32000-1
// §7.3.4): literal strings with their escapes and balanced parentheses,
// hexadecimal strings, and text strings in UTF-16BE marked by a byte-order
// mark (§7.9.2.2). Package message reads the targets of a PDF's links with
// it, package invoice the text and file names of an invoice; each says how
// much it reads (max), since a PDF is an attachment and hostile input.
package pdfstr

import "unicode/utf16"

// Literal decodes a literal string whose opening parenthesis has been
// consumed (§7.3.4.2) and returns it with the number of bytes read, the
// closing parenthesis included. With max > 0 it stops once it has decoded
// max bytes or read 4×max, as a link target is bounded; max ≤ 0 reads to
// the closing parenthesis or the end of b.
func Literal(b []byte, max int) ([]byte, int) {
	var out []byte
	depth := 0
	i := 0
	for ; i < len(b) && (max <= 0 || i < 4*max && len(out) < max); i++ {
		c := b[i]
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return out, i + 1
			}
			depth--
		case '\\':
			i++
			if i >= len(b) {
				return out, i
			}
			switch e := b[i]; e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r', '\n': // a line continuation
				if e == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
				continue
			default:
				if '0' <= e && e <= '7' {
					v, j := 0, 0
					for ; j < 3 && i+j < len(b) && '0' <= b[i+j] && b[i+j] <= '7'; j++ {
						v = v*8 + int(b[i+j]-'0')
					}
					i += j - 1
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return out, i
}

// Hex decodes a hexadecimal string whose "<" has been consumed (§7.3.4.3),
// up to its ">" or the end of b; characters other than hexadecimal digits
// are skipped and an odd last digit counts as followed by 0. With max > 0
// it reads at most 4×max bytes and decodes at most max.
func Hex(b []byte, max int) []byte {
	if max > 0 {
		b = b[:min(len(b), 4*max)]
	}
	out := make([]byte, 0, len(b)/2)
	var hi byte
	half := false
	for _, c := range b {
		if c == '>' || max > 0 && len(out) >= max {
			break
		}
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return out
}

// UTF16 reads a text string written in UTF-16BE after a byte-order mark
// (§7.9.2.2); ok is false for a string without one, which the caller reads
// in its own encoding (PDFDocEncoding, or 7-bit ASCII for a link).
func UTF16(s []byte) (text string, ok bool) {
	if len(s) < 2 || s[0] != 0xfe || s[1] != 0xff {
		return "", false
	}
	u := make([]uint16, 0, len(s)/2)
	for i := 2; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u)), true
}
