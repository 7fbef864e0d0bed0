package message

import (
	"bytes"
	"compress/zlib"
	"io"
	"unicode/utf16"
)

// Bounds on the PDF streams inflated in search of links: a PDF is an
// attachment, a deflate bomb must not become the gateway's problem.
const (
	pdfMaxStreams      = 256
	pdfMaxStreamOutput = 1 << 20
	pdfMaxTotalOutput  = 8 << 20
)

// pdfURIs calls fn for the target of each URI action (ISO 32000-1 §12.6.4.7,
// "/URI (…)" or "/URI <hex>") in a PDF, in the file as written and in its
// FlateDecode streams, where object streams keep link annotations.
func pdfURIs(data []byte, fn func(string)) {
	scanPDFURIs(data, fn)
	total := 0
	streams := 0
	for i := 0; i < len(data) && streams < pdfMaxStreams && total < pdfMaxTotalOutput; {
		k := bytes.Index(data[i:], []byte("stream"))
		if k < 0 {
			return
		}
		at := i + k
		i = at + len("stream")
		if at >= 3 && string(data[at-3:at]) == "end" {
			continue
		}
		// The stream dictionary precedes the keyword.
		dict := data[max(0, at-512):at]
		if d := bytes.LastIndex(dict, []byte("<<")); d >= 0 {
			dict = dict[d:]
		}
		if !bytes.Contains(dict, []byte("/FlateDecode")) && !bytes.Contains(dict, []byte("/Fl ")) && !bytes.Contains(dict, []byte("/Fl/")) {
			continue
		}
		start := i
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		streams++
		zr, err := zlib.NewReader(bytes.NewReader(data[start:end]))
		if err != nil {
			continue
		}
		out, _ := io.ReadAll(io.LimitReader(zr, int64(min(pdfMaxStreamOutput, pdfMaxTotalOutput-total))))
		total += len(out)
		scanPDFURIs(out, fn)
		i = end
	}
}

// scanPDFURIs finds "/URI" entries in uncompressed PDF syntax.
func scanPDFURIs(data []byte, fn func(string)) {
	for i := 0; i < len(data); {
		k := bytes.Index(data[i:], []byte("/URI"))
		if k < 0 {
			return
		}
		i += k + len("/URI")
		rest := bytes.TrimLeft(data[i:], " \t\r\n\f\x00")
		if len(rest) == 0 {
			return
		}
		var s []byte
		switch rest[0] {
		case '(':
			s = pdfLiteral(rest[1:])
		case '<':
			if len(rest) > 1 && rest[1] != '<' {
				s = pdfHex(rest[1:])
			}
		}
		if len(s) == 0 {
			continue
		}
		fn(pdfText(s))
	}
}

// pdfLiteral decodes a literal string (ISO 32000-1 §7.3.4.2) whose opening
// parenthesis has been consumed: balanced parentheses, backslash escapes.
func pdfLiteral(b []byte) []byte {
	var out []byte
	depth := 0
	for i := 0; i < len(b) && i < 4*maxURLLen && len(out) < maxURLLen; i++ {
		c := b[i]
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return out
			}
			depth--
		case '\\':
			i++
			if i >= len(b) {
				return out
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
			case '\r', '\n':
				if e == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
				continue
			default:
				if '0' <= e && e <= '7' {
					v := 0
					j := 0
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
	return out
}

// pdfHex decodes a hexadecimal string (ISO 32000-1 §7.3.4.3) whose "<" has
// been consumed.
func pdfHex(b []byte) []byte {
	var out []byte
	var hi byte
	half := false
	for _, c := range b[:min(len(b), 4*maxURLLen)] {
		if c == '>' || len(out) >= maxURLLen {
			break
		}
		v, ok := unhex(c)
		if !ok {
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

// pdfText reads a PDF string as text: UTF-16BE with a byte-order mark, else
// bytes (URIs are 7-bit ASCII by the specification, §12.6.4.7).
func pdfText(s []byte) string {
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	}
	t, _ := decodeCharset(s, "")
	return t
}
