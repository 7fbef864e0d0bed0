package attach

import (
	"encoding/binary"

	"vigie.dev/vigie/internal/scan"
)

// The RAR and CAB archives Vigie cannot unpack still name their files in
// clear: a RAR 4 or RAR 5 file header (RARLAB's "RAR 5.0 archive format"
// technical note and the RAR 4 technote), a cabinet's CFFILE entries
// (Microsoft's Cabinet File Format, [MS-CAB] §2.4). The purchase-order and
// shipping-advice lures of Agent Tesla, FormBook and GuLoader mail their
// program as "PO_….r00" or "Arrival_Notice.cab" (abuse.ch MalwareBazaar's
// samples of these families): its name is judged as a zip member's, the
// archive staying ATTACH_ARCHIVE_OPAQUE since its content is not read. A
// RAR whose headers are encrypted names nothing.

// maxListedNames bounds the names read from one archive.
const maxListedNames = maxArchiveEntries

// rarNames lists the file names of a RAR 4 or RAR 5 archive's headers, as
// far as they can be read.
func rarNames(data []byte) []string {
	switch {
	case len(data) >= 8 && string(data[:8]) == "Rar!\x1a\x07\x01\x00":
		return rar5Names(data[8:])
	case len(data) >= 7 && string(data[:7]) == "Rar!\x1a\x07\x00":
		return rar4Names(data[7:])
	}
	return nil
}

// vint reads a RAR 5 variable-length integer: seven bits a byte, the high
// bit set on every byte but the last.
func vint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

func rar5Names(b []byte) []string {
	var names []string
	for len(names) < maxListedNames && len(b) > 4 {
		b = b[4:] // header CRC32
		size, n := vint(b)
		if n == 0 || size == 0 || uint64(len(b)-n) < size {
			return names
		}
		h := b[n : n+int(size)]
		rest := b[n+int(size):]
		typ, k := vint(h)
		if k == 0 {
			return names
		}
		h = h[k:]
		flags, k := vint(h)
		if k == 0 {
			return names
		}
		h = h[k:]
		if flags&1 != 0 { // extra area size
			if _, k = vint(h); k == 0 {
				return names
			}
			h = h[k:]
		}
		var dataSize uint64
		if flags&2 != 0 {
			if dataSize, k = vint(h); k == 0 {
				return names
			}
			h = h[k:]
		}
		switch typ {
		case 4, 5: // headers encrypted from here, or the end of the archive
			return names
		case 2: // file header
			if name, ok := rar5FileName(h); ok {
				names = append(names, name)
			}
		}
		if dataSize > uint64(len(rest)) {
			return names
		}
		b = rest[dataSize:]
	}
	return names
}

// rar5FileName reads a RAR 5 file header's fields after the common ones:
// file flags, unpacked size, attributes, modification time and CRC32 when
// flagged, compression information, host OS, name length, name.
func rar5FileName(h []byte) (string, bool) {
	fileFlags, k := vint(h)
	if k == 0 {
		return "", false
	}
	h = h[k:]
	for range 2 { // unpacked size, attributes
		if _, k = vint(h); k == 0 {
			return "", false
		}
		h = h[k:]
	}
	skip := 0
	if fileFlags&2 != 0 {
		skip += 4
	}
	if fileFlags&4 != 0 {
		skip += 4
	}
	if len(h) < skip {
		return "", false
	}
	h = h[skip:]
	for range 2 { // compression information, host OS
		if _, k = vint(h); k == 0 {
			return "", false
		}
		h = h[k:]
	}
	n, k := vint(h)
	if k == 0 || uint64(len(h)-k) < n {
		return "", false
	}
	return string(h[k : k+int(n)]), true
}

func rar4Names(b []byte) []string {
	var names []string
	for len(names) < maxListedNames && len(b) >= 7 {
		typ := b[2]
		flags := binary.LittleEndian.Uint16(b[3:5])
		size := int(binary.LittleEndian.Uint16(b[5:7]))
		if size < 7 || size > len(b) {
			return names
		}
		add := 0
		if typ == 0x73 && flags&0x80 != 0 { // block headers encrypted
			return names
		}
		if typ == 0x74 && size >= 32 {
			pack := binary.LittleEndian.Uint32(b[7:11])
			nameLen := int(binary.LittleEndian.Uint16(b[26:28]))
			at := 32
			if flags&0x100 != 0 {
				at += 8
			}
			if at+nameLen <= size {
				name := b[at : at+nameLen]
				if i := indexByte(name, 0); i >= 0 { // ASCII name, then Unicode
					names = append(names, string(name[:i]))
					if flags&0x200 != 0 && len(names) < maxListedNames {
						names = append(names, rar4Unicode(name[:i], name[i+1:]))
					}
				} else {
					names = append(names, string(name))
				}
			}
			add = int(pack)
		} else if flags&0x8000 != 0 && size >= 11 {
			add = int(binary.LittleEndian.Uint32(b[7:11]))
		}
		if add < 0 || size+add > len(b) {
			return names
		}
		b = b[size+add:]
	}
	return names
}

// rar4Unicode decodes the Unicode name a RAR 4 file header carries after
// its NUL-terminated OEM name when the header's 0x200 flag is set (the
// RAR 4 technote's LHD_UNICODE; the encoding as unrar's EncodeFileName
// writes it: a high byte, then two bits of flags per character saying
// whether it is one byte, one byte under the high byte, two bytes, or a
// run copied from the OEM name). WinRAR and 7-Zip show and extract under
// this name: an OEM name "Invoice.pdf" may stand over "Invoice.exe".
func rar4Unicode(oem, enc []byte) string {
	if len(enc) == 0 {
		return ""
	}
	high := rune(enc[0])
	var out []rune
	var flags byte
	bits := 0
	for i := 1; i < len(enc) && len(out) < 256; {
		if bits == 0 {
			flags, bits = enc[i], 8
			i++
			if i >= len(enc) {
				break
			}
		}
		switch flags >> 6 {
		case 0:
			out = append(out, rune(enc[i]))
			i++
		case 1:
			out = append(out, rune(enc[i])+high<<8)
			i++
		case 2:
			if i+1 >= len(enc) {
				return string(out)
			}
			out = append(out, rune(enc[i])|rune(enc[i+1])<<8)
			i += 2
		case 3:
			n := int(enc[i])
			i++
			if n&0x80 != 0 {
				if i >= len(enc) {
					return string(out)
				}
				corr := enc[i]
				i++
				for n = n&0x7f + 2; n > 0 && len(out) < len(oem); n-- {
					out = append(out, rune(oem[len(out)]+corr)+high<<8)
				}
			} else {
				for n += 2; n > 0 && len(out) < len(oem); n-- {
					out = append(out, rune(oem[len(out)]))
				}
			}
		}
		flags <<= 2
		bits -= 2
	}
	return string(out)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// cabNames lists the file names of a cabinet's CFFILE entries ([MS-CAB]
// §2.1 CFHEADER: coffFiles at offset 16, cFiles at 28; §2.3 CFFILE: 16
// bytes, then the name, NUL-terminated).
func cabNames(data []byte) []string {
	if len(data) < 36 || string(data[:4]) != "MSCF" {
		return nil
	}
	off := int(binary.LittleEndian.Uint32(data[16:20]))
	count := int(binary.LittleEndian.Uint16(data[28:30]))
	var names []string
	for i := 0; i < count && i < maxListedNames; i++ {
		if off < 0 || off+16 > len(data) {
			break
		}
		start := off + 16
		end := start
		for end < len(data) && end-start < 256 && data[end] != 0 {
			end++
		}
		if end >= len(data) || data[end] != 0 {
			break
		}
		names = append(names, string(data[start:end]))
		off = end + 1
	}
	return names
}

// judgeListed judges the names an archive that is not unpacked lists.
func judgeListed(name string, members []string, out *scan.Emitter) {
	for _, m := range members {
		judgeMember(name+" → "+m, m, nil, out)
	}
}
