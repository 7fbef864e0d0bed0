package olemsg

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// compressRTFLiterals writes raw as compressed RTF made of literals only
// (a valid LZFu stream, without the dictionary's gain): enough for the
// fixtures.
func compressRTFLiterals(raw []byte) []byte {
	var data []byte
	for i := 0; i < len(raw); i += 8 {
		data = append(data, 0)
		data = append(data, raw[i:min(i+8, len(raw))]...)
	}
	end := (len(rtfDictionary) + len(raw)) % 4096
	if len(raw)%8 == 0 {
		data = append(data, 1)
	} else {
		data[len(data)-1-len(raw)%8] |= 1 << (len(raw) % 8)
	}
	data = append(data, byte(end>>4), byte(end<<4))
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, uint32(len(data)+12))
	binary.LittleEndian.PutUint32(h[4:], uint32(len(raw)))
	binary.LittleEndian.PutUint32(h[8:], rtfCompressed)
	binary.LittleEndian.PutUint32(h[12:], ^crc32.Update(^uint32(0), crc32.IEEETable, data))
	return append(h, data...)
}

func TestDecompressRTF(t *testing.T) {
	// [MS-OXRTFCP] 3.1.1, "Simple Compressed RTF": the example's bytes.
	spec := []byte{0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0}
	literal := `{\rtf1\ansi\ansicpg1252\fromhtml1 {\*\htmltag64 <p>}bonjour{\*\htmltag72 </p>}}`
	for _, c := range []struct {
		name string
		in   []byte
		max  int
		want string
		ok   bool
	}{
		{"the specification's example", spec, 1 << 20, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n", true},
		{"literals", compressRTFLiterals([]byte(literal)), 1 << 20, literal, true},
		{"eight literals", compressRTFLiterals([]byte("{\\rtf1 }")), 1 << 20, "{\\rtf1 }", true},
		{"uncompressed", append([]byte{12 + 4, 0, 0, 0, 4, 0, 0, 0, 'M', 'E', 'L', 'A', 0, 0, 0, 0}, "{\\rt"...), 1 << 20, "{\\rt", true},
		{"over the limit", spec, 16, "", false},
		{"bad CRC", append(bytes.Clone(spec[:12]), append([]byte{0, 0, 0, 0}, spec[16:]...)...), 1 << 20, "", false},
		{"cut", spec[:30], 1 << 20, "", false},
		{"unknown kind", append(bytes.Clone(spec[:8]), append([]byte("ABCD"), spec[12:]...)...), 1 << 20, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := decompressRTF(c.in, c.max)
			if (err == nil) != c.ok || string(got) != c.want {
				t.Errorf("decompressRTF = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestRTFBody(t *testing.T) {
	for _, c := range []struct {
		name, rtf, want string
		html            bool
		cp              int
	}{
		{"encapsulated HTML",
			`{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl {\f0\fswiss Arial;}}{\*\htmltag19 <html>}{\*\htmltag34 <body>}` +
				`\htmlrtf {\htmlrtf0 {\*\htmltag84 <a href="https://exemple.web.app/x">}\htmlrtf {\field{\*\fldinst HYPERLINK "https://exemple.web.app/x"}{\fldrslt\cf1\ul \htmlrtf0 Ouvrir\htmlrtf }\htmlrtf0 \htmlrtf }\htmlrtf0 {\*\htmltag92 </a>}` +
				` r\'e9f\'e9rence\par{\*\htmltag64 </body>}}`,
			`<html><body><a href="https://exemple.web.app/x">Ouvrir</a> r` + "\xe9f\xe9rence\r\n</body>", true, 1252},
		{"plain RTF", `{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}\pard Bonjour\par \'e0 demain \u8364?\tab fin}`,
			"Bonjour\r\n\xe0 demain \u20ac\tfin", false, 1252},
		{"escapes", `{\rtf1 a\{b\}c\\d\~e}`, `a{b}c\de`, false, 0},
		// Groups past the depth kept are still read: 257 braces opened
		// first do not hide the body from the scanner.
		{"deep groups", strings.Repeat("{", 10000) + "x", "x", false, 0},
		{"deep groups closed", strings.Repeat("{", 300) + "a" + strings.Repeat("}", 300) + "b", "ab", false, 0},
		{"deep groups in a skipped one", `{\rtf1{\*\skipped` + strings.Repeat("{", 300) + "a" + strings.Repeat("}", 301) + "b}", "b", false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, html, cp := rtfBody([]byte(c.rtf))
			if string(got) != c.want || html != c.html || cp != c.cp {
				t.Errorf("rtfBody = %q, %v, %d; want %q, %v, %d", got, html, cp, c.want, c.html, c.cp)
			}
		})
	}
}

// FuzzRTF: whatever the bytes, decompression stays within its limit and
// the RTF reader ends. The CRC is set right before decompressing, so that
// the fuzzer reaches the decompression loop.
func FuzzRTF(f *testing.F) {
	f.Add(compressRTFLiterals([]byte(`{\rtf1\ansi\fromhtml1 {\*\htmltag64 <p>}x\par}`)))
	f.Add([]byte{0x2d, 0, 0, 0, 0x2b, 0, 0, 0, 0x4c, 0x5a, 0x46, 0x75, 0, 0, 0, 0, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= 16 {
			if n := int64(binary.LittleEndian.Uint32(b)); n >= 12 && n <= int64(len(b))-4 {
				binary.LittleEndian.PutUint32(b[12:], ^crc32.Update(^uint32(0), crc32.IEEETable, b[16:4+n]))
			}
		}
		out, err := decompressRTF(b, 1<<16)
		if err == nil && len(out) > 1<<16 {
			t.Fatalf("%d bytes out", len(out))
		}
		rtfBody(b)
		rtfBody(out)
	})
}
