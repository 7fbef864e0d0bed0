package message

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// charsetAliases maps labels seen in mail that neither the WHATWG nor the
// IANA index knows to a label they do.
var charsetAliases = map[string]string{
	"cp1250":         "windows-1250",
	"cp1251":         "windows-1251",
	"cp1252":         "windows-1252",
	"cp1253":         "windows-1253",
	"cp1254":         "windows-1254",
	"cp1255":         "windows-1255",
	"cp1256":         "windows-1256",
	"cp1257":         "windows-1257",
	"cp1258":         "windows-1258",
	"cp-1252":        "windows-1252",
	"win-1252":       "windows-1252",
	"ansi":           "windows-1252",
	"latin-1":        "windows-1252",
	"iso8859_1":      "windows-1252",
	"iso-8859-8-i":   "iso-8859-8",
	"x-gbk":          "gbk",
	"cp936":          "gbk",
	"ms936":          "gbk",
	"cp949":          "euc-kr",
	"ks_c_5601":      "euc-kr",
	"cp932":          "shift_jis",
	"sjis":           "shift_jis",
	"x-sjis":         "shift_jis",
	"shift-jis":      "shift_jis",
	"cp950":          "big5",
	"big5hkscs":      "big5-hkscs",
	"utf8mb4":        "utf-8",
	"x-user-defined": "windows-1252",
}

// lookupCharset returns the decoder for a MIME charset label, or nil.
func lookupCharset(label string) encoding.Encoding {
	if e, err := htmlindex.Get(label); err == nil {
		return e
	}
	if e, err := ianaindex.IANA.Encoding(label); err == nil && e != nil {
		return e
	}
	if alias, ok := charsetAliases[label]; ok {
		if e, err := htmlindex.Get(alias); err == nil {
			return e
		}
	}
	return nil
}

// normCharset lower-cases a charset label and strips quotes, blanks and an
// RFC 2231 §5 language suffix ("utf-8*fr").
func normCharset(cs string) string {
	cs = strings.Trim(cs, " \t\"'")
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i]
	}
	return strings.ToLower(cs)
}

func isUTF8Label(cs string) bool {
	switch cs {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8":
		return true
	}
	return false
}

func isASCIILabel(cs string) bool {
	switch cs {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646", "iso-ir-6", "ibm367", "cp367":
		return true
	}
	return false
}

// asciiTransparent reports whether the charset reads 7-bit bytes as ASCII,
// so that pure-ASCII input needs no decoding.
func asciiTransparent(cs string) bool {
	return !strings.HasPrefix(cs, "utf-16") && !strings.HasPrefix(cs, "utf-32") &&
		!strings.HasPrefix(cs, "unicode") && !strings.HasPrefix(cs, "ucs-") &&
		cs != "utf-7" && cs != "hz-gb-2312" && !strings.HasPrefix(cs, "ibm0") &&
		!strings.Contains(cs, "2022") && // ISO-2022 switches sets with ESC sequences
		!strings.HasPrefix(cs, "ebcdic") && !strings.HasPrefix(cs, "cp0") &&
		cs != "ibm037" && cs != "ibm1047" && cs != "ibm1140" && cs != "cp037"
}

// decodeCharset converts b from the named MIME charset to valid UTF-8.
// known is false when the label is not recognised; b is then read as
// Windows-1252, which never fails and is the usual truth of unlabelled
// 8-bit mail.
func decodeCharset(b []byte, charset string) (s string, known bool) {
	return toUTF8(b, charset, false)
}

// toUTF8 is decodeCharset for a buffer the caller may hand over: when owned
// and b is already valid UTF-8, the string shares b's memory instead of
// copying it, so b must not be written afterwards.
func toUTF8(b []byte, charset string, owned bool) (s string, known bool) {
	cs := normCharset(charset)
	same := func() string {
		if owned {
			return handOver(b)
		}
		return string(b)
	}
	switch {
	case isUTF8Label(cs):
		if utf8.Valid(b) {
			return same(), true
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	case isASCIILabel(cs):
		// Unlabelled or "us-ascii" 8-bit text: UTF-8 if it is valid
		// UTF-8, else the Windows-1252 of old mailers.
		if utf8.Valid(b) {
			return same(), true
		}
		return decodeSingleByte(b, charmap.Windows1252), true
	}
	if asciiTransparent(cs) && isASCIIBytes(b) {
		return same(), lookupCharset(cs) != nil
	}
	enc := lookupCharset(cs)
	known = enc != nil
	if enc == nil {
		enc = charmap.Windows1252
	}
	if cm, ok := enc.(*charmap.Charmap); ok {
		return decodeSingleByte(b, cm), known
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil && len(out) == 0 {
		return decodeSingleByte(b, charmap.Windows1252), false
	}
	if !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD"), known
	}
	return string(out), known
}

// handOver returns b as a string without copying it: b must not be
// written afterwards (a buffer of the parser's own, at the end of its use).
func handOver(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// decodeSingleByte decodes a single-byte charset, copying ASCII runs as they
// are: much faster than a transform.Reader for mostly-ASCII mail.
func decodeSingleByte(b []byte, cm *charmap.Charmap) string {
	asciiSafe := cm.DecodeByte('A') == 'A' && cm.DecodeByte('z') == 'z' && cm.DecodeByte(' ') == ' '
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	run := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 && asciiSafe {
			continue
		}
		sb.Write(b[run:i])
		sb.WriteRune(cm.DecodeByte(c))
		run = i + 1
	}
	sb.Write(b[run:])
	return sb.String()
}

func isASCIIBytes(b []byte) bool {
	for len(b) >= 8 {
		if (uint64(b[0])|uint64(b[1])|uint64(b[2])|uint64(b[3])|
			uint64(b[4])|uint64(b[5])|uint64(b[6])|uint64(b[7]))&0x80 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
