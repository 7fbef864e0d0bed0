package message

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strings"
	"testing"
)

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		in     string
		mt     string
		params map[string]string
	}{
		{`text/plain`, "text/plain", nil},
		{`Text/HTML; Charset="UTF-8"`, "text/html", map[string]string{"charset": "UTF-8"}},
		{`multipart/mixed; boundary="----=_Part_1"`, "multipart/mixed", map[string]string{"boundary": "----=_Part_1"}},
		{`multipart/mixed; boundary=----=_NextPart_000_0001`, "multipart/mixed", map[string]string{"boundary": "----=_NextPart_000_0001"}},
		{"multipart/related;\r\n\ttype=\"text/html\";\r\n boundary=\"b1\"", "multipart/related", map[string]string{"type": "text/html", "boundary": "b1"}},
		{`text / plain (comment); charset = utf-8 ;`, "text/plain", map[string]string{"charset": "utf-8"}},
		{`text/plain; charset=a; charset=b`, "text/plain", map[string]string{"charset": "a"}},
		{`text/plain; format; charset=utf-8`, "text/plain", map[string]string{"charset": "utf-8"}},
		{`attachment; filename="a \"quoted\" name.pdf"`, "attachment", map[string]string{"filename": `a "quoted" name.pdf`}},
		{`attachment; filename="unterminated.pdf`, "attachment", map[string]string{"filename": "unterminated.pdf"}},
		// RFC 2231 §4: charset and language, percent-encoding.
		{`attachment; filename*=UTF-8''Re%C3%A7u%20n%C2%B01.pdf`, "attachment", map[string]string{"filename": "Reçu n°1.pdf"}},
		{`attachment; filename*=iso-8859-1'fr'r%E9sum%E9.doc`, "attachment", map[string]string{"filename": "résumé.doc"}},
		// RFC 2231 §3 continuations, mixed encoded and plain, out of order.
		{"attachment; filename*1=\"part2.exe\"; filename*0*=UTF-8''%C3%A9t%C3%A9_", "attachment", map[string]string{"filename": "été_part2.exe"}},
		// The RFC 2231 value wins over the legacy one.
		{`attachment; filename="legacy.pdf"; filename*=UTF-8''new.pdf`, "attachment", map[string]string{"filename": "new.pdf"}},
		// RFC 2047 in a parameter value (not allowed, common).
		{`application/pdf; name="=?UTF-8?B?UmVsZXbDqS5wZGY=?="`, "application/pdf", map[string]string{"name": "Relevé.pdf"}},
		{``, "", nil},
		{`;;;`, "", map[string]string{}},
	}
	for _, tt := range tests {
		mt, params := parseMediaType(tt.in)
		if mt != tt.mt || !maps.Equal(params, tt.params) {
			t.Errorf("parseMediaType(%q) = %q %q; want %q %q", tt.in, mt, params, tt.mt, tt.params)
		}
	}
}

func TestSplitMultipart(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		boundary      string
		parts         []string
		found, closed bool
	}{
		{"crlf", "preamble\r\n--b\r\nA\r\n--b\r\nB\r\n--b--\r\nepilogue", "b", []string{"A", "B"}, true, true},
		{"lf", "--b\nA\n--b\nB\n--b--\n", "b", []string{"A", "B"}, true, true},
		{"transport padding", "--b  \r\nA\r\n--b--\t\r\n", "b", []string{"A"}, true, true},
		{"longer boundary is not ours", "--b\r\n--bc\r\nA\r\n--b--", "b", []string{"--bc\r\nA"}, true, true},
		{"not at line start", "--b\r\nA --b\r\n--b--", "b", []string{"A --b"}, true, true},
		{"no close", "--b\r\nA\r\n--b\r\nB truncated", "b", []string{"A", "B truncated"}, true, false},
		{"empty parts", "--b\r\n--b\r\n--b--", "b", []string{"", ""}, true, true},
		{"absent", "just text", "b", nil, false, false},
		{"empty boundary", "--\r\nA", "", nil, false, false},
	}
	for _, tt := range tests {
		parts, found, closed, more := splitMultipart([]byte(tt.body), tt.boundary, 10)
		var got []string
		for _, p := range parts {
			got = append(got, string(p))
		}
		if strings.Join(got, "|") != strings.Join(tt.parts, "|") || len(got) != len(tt.parts) || found != tt.found || closed != tt.closed || more {
			t.Errorf("%s: got %q found=%v closed=%v more=%v; want %q %v %v", tt.name, got, found, closed, more, tt.parts, tt.found, tt.closed)
		}
	}
	parts, _, _, more := splitMultipart([]byte(strings.Repeat("--b\r\nx\r\n", 20)), "b", 5)
	if len(parts) != 5 || !more {
		t.Errorf("max: %d parts, more=%v", len(parts), more)
	}
}

func TestGuessBoundary(t *testing.T) {
	body := "\r\n------=_NextPart_000\r\nContent-Type: text/plain\r\n\r\nhi\r\n------=_NextPart_000--\r\n"
	budget := int64(1 << 20)
	if g := guessBoundary([]byte(body), &budget); g != "----=_NextPart_000" {
		t.Errorf("guessBoundary = %q", g)
	}
	if g := guessBoundary([]byte("-- \r\nsignature\r\n-----\r\n-----\r\n"), &budget); g != "" {
		t.Errorf("guessBoundary(signature) = %q", g)
	}
}

func decodeString(t *testing.T, src, cte string, limit int) (string, int64, bool) {
	t.Helper()
	s := newSink(decodedEstimate(len(src), cte), limit, nil)
	bad := decodeTransfer([]byte(src), cte, s)
	return string(s.buf), s.n, bad
}

func TestDecodeQuotedPrintable(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"caf=C3=A9", "café", false},
		{"caf=c3=a9", "café", false},
		{"soft=\r\nbreak", "softbreak", false},
		{"soft=  \r\nbreak with blanks", "softbreak with blanks", false},
		{"soft=\nLF", "softLF", false},
		{"trailing blanks   \r\nnext\t\r\n", "trailing blanks\r\nnext\r\n", false},
		{"kept=20\r\n", "kept \r\n", false},
		{"a=3D1&b=3D2", "a=1&b=2", false},
		{"bad =ZZ hex", "bad =ZZ hex", true},
		{"equals at end=", "equals at end", false},
		{"lonely = sign", "lonely = sign", true},
		{"short =4", "short =4", true},
		{"bare\rCR", "bare\rCR", false},
	}
	for _, tt := range tests {
		got, n, bad := decodeString(t, tt.in, "quoted-printable", 1<<20)
		if got != tt.want || bad != tt.bad || n != int64(len(got)) {
			t.Errorf("QP(%q) = %q (n=%d), %v; want %q, %v", tt.in, got, n, bad, tt.want, tt.bad)
		}
	}
}

func TestDecodeBase64(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"aGVsbG8gd29ybGQ=", "hello world", false},
		{"aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", "hello world", false},
		{"aGVsbG8gd29ybGQ", "hello world", false},     // no padding
		{"aGVs bG8g\td29ybGQ=", "hello world", false}, // blanks
		{"aGVsbG8=IHdvcmxk", "hello world", false},    // concatenated encodings
		{"aGVs!!bG8g*d29ybGQ=", "hello world", true},  // stray bytes
		{"aGVsbG8gd29ybGQ=a", "hello world", true},    // dangling sextet
		{"", "", false},
	}
	for _, tt := range tests {
		got, _, bad := decodeString(t, tt.in, "base64", 1<<20)
		if got != tt.want || bad != tt.bad {
			t.Errorf("base64(%q) = %q, %v; want %q, %v", tt.in, got, bad, tt.want, tt.bad)
		}
	}
}

// TestDecodeBeyondLimit checks that a part larger than the limit keeps the
// limit, and still gets its full size and hash.
func TestDecodeBeyondLimit(t *testing.T) {
	plain := strings.Repeat("0123456789abcdef", 20000) // 320 kB
	for _, tt := range []struct{ cte, enc string }{
		{"base64", wrap76(b64encode(plain))},
		{"quoted-printable", strings.ReplaceAll(plain, "f", "=66")},
		{"7bit", plain},
	} {
		h := sha256.New()
		s := newSink(decodedEstimate(len(tt.enc), tt.cte), 1000, h)
		if bad := decodeTransfer([]byte(tt.enc), tt.cte, s); bad {
			t.Errorf("%s: bad", tt.cte)
		}
		sum := sha256.Sum256([]byte(plain))
		if len(s.buf) != 1000 || s.n != int64(len(plain)) || !s.truncated() || hex.EncodeToString(h.Sum(nil)) != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: kept %d, n %d, hash mismatch %v", tt.cte, len(s.buf), s.n, hex.EncodeToString(h.Sum(nil)) != hex.EncodeToString(sum[:]))
		}
		if string(s.buf) != plain[:1000] {
			t.Errorf("%s: kept bytes differ", tt.cte)
		}
	}
}

func TestIndexQPSpecial(t *testing.T) {
	for _, s := range []string{"", "abc", "abcdefgh=", "abcdefghijklmnop\r", "=", "\n1234567", "12345678\n", "ab=cd\nef"} {
		want := strings.IndexAny(s, "=\r\n")
		if want < 0 {
			want = len(s)
		}
		if got := indexQPSpecial([]byte(s)); got != want {
			t.Errorf("indexQPSpecial(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		in      string
		charset string
		want    string
		known   bool
	}{
		{"caf\xc3\xa9", "utf-8", "café", true},
		{"caf\xc3\xa9", "UTF8", "café", true},
		{"caf\xe9", "utf-8", "caf\uFFFD", true},
		{"caf\xe9", "", "café", true},
		{"caf\xe9", "us-ascii", "café", true},
		{"caf\xe9 \x80", "iso-8859-1", "café €", true},
		{"\xa4", "iso-8859-15", "€", true},
		{"\x93q\x94", "windows-1252", "\u201cq\u201d", true},
		{"\x93q\x94", "cp1252", "\u201cq\u201d", true},
		{"\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r", "Привет", true},
		{"\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", "Привет", true},
		{"plain", "x-unknown", "plain", false},
		{"caf\xe9", "x-unknown", "café", false},
		{"plain", `"UTF-8"`, "plain", true},
	}
	for _, tt := range tests {
		got, known := decodeCharset([]byte(tt.in), tt.charset)
		if got != tt.want || known != tt.known {
			t.Errorf("decodeCharset(%q, %q) = %q, %v; want %q, %v", tt.in, tt.charset, got, known, tt.want, tt.known)
		}
	}
}

// Raw8Bit says whether a displayed text body sent as it is (no transfer
// encoding to undo) holds bytes above 127; encoded bodies leave it unset,
// whatever they decode to.
func TestRaw8Bit(t *testing.T) {
	for _, c := range []struct {
		cte, body string
		want      bool
	}{
		{"", "caf\xc3\xa9", true},
		{"7bit", "cafe", false},
		{"8bit", "caf\xe9", true},
		{"base64", b64encode("caf\xc3\xa9"), false},
		{"quoted-printable", "caf=C3=A9", false},
	} {
		raw := "From: a@a.example\r\nContent-Type: text/plain; charset=utf-8\r\n"
		if c.cte != "" {
			raw += "Content-Transfer-Encoding: " + c.cte + "\r\n"
		}
		m := Parse([]byte(raw+"\r\n"+c.body+"\r\n"), DefaultLimits())
		if len(m.Parts) != 1 || m.Parts[0].Raw8Bit != c.want {
			t.Errorf("%q %q: parts %+v, want Raw8Bit %v", c.cte, c.body, m.Parts, c.want)
		}
	}
}
