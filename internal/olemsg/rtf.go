package olemsg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strconv"
)

// Compressed RTF ([MS-OXRTFCP]): Outlook keeps a message's body as RTF,
// compressed, and for a message that arrived as HTML the RTF encapsulates
// the HTML ([MS-OXRTFEX]). Many .msg files carry the HTML only there
// (no PR_HTML), the plain text beside it.

// rtfDictionary is the dictionary's initial content ([MS-OXRTFCP]
// 2.1.2.1); its length, 207, is where writing starts.
const rtfDictionary = `{\rtf1\ansi\mac\deff0\deftab720{\fonttbl;}{\f0\fnil \froman \fswiss \fmodern \fscript \fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\colortbl\red0\green0\blue0` +
	"\r\n" + `\par \pard\plain\f0\fs20\b\i\u\tab\tx`

const (
	rtfCompressed   = 0x75465A4C // "LZFu"
	rtfUncompressed = 0x414C454D // "MELA"
)

var errRTF = errors.New("olemsg: unreadable compressed RTF")

// decompressRTF decompresses PR_RTF_COMPRESSED, refusing more than max
// bytes of output.
func decompressRTF(b []byte, max int) ([]byte, error) {
	if len(b) < 16 {
		return nil, errRTF
	}
	compSize, rawSize := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	kind, crc := binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:])
	if int64(rawSize) > int64(max) || int64(compSize) < 12 || int64(compSize) > int64(len(b))-4 {
		return nil, errRTF
	}
	data := b[16 : 4+compSize]
	switch kind {
	case rtfUncompressed:
		return data[:min(len(data), int(rawSize))], nil
	case rtfCompressed:
	default:
		return nil, errRTF
	}
	// The CRC is CRC-32's table without its inversions ([MS-OXRTFCP] 2.1.3.2).
	if ^crc32.Update(^uint32(0), crc32.IEEETable, data) != crc {
		return nil, errRTF
	}
	var dict [4096]byte
	copy(dict[:], rtfDictionary)
	w := len(rtfDictionary)
	out := make([]byte, 0, rawSize)
	put := func(c byte) {
		out = append(out, c)
		dict[w] = c
		w = (w + 1) % len(dict)
	}
	for i := 0; i < len(data); {
		control := data[i]
		i++
		for bit := 0; bit < 8 && i < len(data); bit++ {
			if control&(1<<bit) == 0 {
				put(data[i])
				i++
			} else {
				if i+2 > len(data) {
					return nil, errRTF
				}
				ref := int(data[i])<<8 | int(data[i+1])
				i += 2
				off, n := ref>>4, ref&0xF+2
				if off == w {
					return out, nil // the end marker
				}
				for k := 0; k < n; k++ {
					put(dict[(off+k)%len(dict)])
				}
			}
			if len(out) > int(rawSize) {
				return nil, errRTF
			}
		}
	}
	return out, nil
}

// rtfBody reads the body an RTF document shows: the HTML it encapsulates
// (\fromhtml1: the content of its \*\htmltag groups and its text outside
// \htmlrtf runs), else its text. The bytes are in the document's code
// page (\ansicpgN, returned; 0 when it says none).
func rtfBody(rtf []byte) (body []byte, html bool, codepage int) {
	html = bytes.Contains(rtf[:min(len(rtf), 1024)], []byte(`\fromhtml1`))
	var out bytes.Buffer
	stack := []rtfState{{}}
	top := func() *rtfState { return &stack[len(stack)-1] }
	fallback := 0 // characters left of a \u's fallback (\uc1: one)
	// deeper counts the groups opened past maxRTFDepth: they share the
	// state of the deepest group kept, and the text in them is still read
	// (a file that opened 257 groups first would otherwise hide its whole
	// body from the scanner).
	deeper := 0
	emit := func(b ...byte) {
		if s := top(); !s.skip && (!s.htmlrtf || s.tag) {
			out.Write(b)
		}
	}
	char := func(c byte) {
		if fallback > 0 {
			fallback--
			return
		}
		emit(c)
	}
	for i := 0; i < len(rtf); i++ {
		c := rtf[i]
		switch c {
		case '{':
			if len(stack) > maxRTFDepth {
				deeper++
				break
			}
			stack = append(stack, *top())
			stack[len(stack)-1].tag = false
		case '}':
			if deeper > 0 {
				deeper--
			} else if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case '\r', '\n':
		case '\\':
			if i+1 >= len(rtf) {
				break
			}
			n := rtf[i+1]
			switch {
			case n == '\\' || n == '{' || n == '}':
				char(n)
				i++
			case n == '\'':
				if i+3 < len(rtf) {
					if v, err := strconv.ParseUint(string(rtf[i+2:i+4]), 16, 8); err == nil {
						char(byte(v))
					}
				}
				i += 3
			case n == '*':
				top().skip = !top().tag // an ignorable destination, \*\htmltag aside (below)
				i++
			case n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z':
				j := i + 1
				for j < len(rtf) && (rtf[j] >= 'a' && rtf[j] <= 'z' || rtf[j] >= 'A' && rtf[j] <= 'Z') {
					j++
				}
				word := string(rtf[i+1 : j])
				k := j
				if k < len(rtf) && rtf[k] == '-' {
					k++
				}
				for k < len(rtf) && rtf[k] >= '0' && rtf[k] <= '9' && k-j < 10 {
					k++
				}
				param, hasParam := 0, k > j
				if hasParam {
					param, _ = strconv.Atoi(string(rtf[j:k]))
				}
				if k < len(rtf) && rtf[k] == ' ' {
					k++
				}
				i = k - 1
				if word == "u" {
					fallback = 1
				}
				rtfWord(word, param, hasParam, top(), emit, &codepage)
			default:
				i++ // another control symbol (\~, \-, \_)
			}
		default:
			char(c)
		}
	}
	return out.Bytes(), html, codepage
}

// maxRTFDepth bounds the group states rtfBody keeps.
const maxRTFDepth = 256

// rtfState is a group's: whether its text is skipped (a destination other
// than the body), whether it is in an \htmlrtf run (RTF-only formatting
// of encapsulated HTML) and whether it is an \htmltag group, whose text
// is HTML to keep.
type rtfState struct{ skip, tag, htmlrtf bool }

// rtfWord applies a control word.
func rtfWord(word string, param int, hasParam bool, s *rtfState, emit func(...byte), codepage *int) {
	switch word {
	case "htmltag":
		s.tag, s.skip = true, false
	case "htmlrtf":
		s.htmlrtf = !hasParam || param != 0
	case "ansicpg":
		*codepage = param
	case "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "mhtmltag":
		s.skip = true
	case "par", "line":
		emit('\r', '\n')
	case "tab":
		emit('\t')
	case "u":
		// A Unicode character, in UTF-8 whatever the code page (rare in
		// the body Outlook writes); its fallback character is skipped.
		var r [4]byte
		n := copy(r[:], string(rune(uint16(param))))
		emit(r[:n]...)
	}
}
