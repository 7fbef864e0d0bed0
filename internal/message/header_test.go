package message

import (
	"slices"
	"strings"
	"testing"
)

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"plain ascii", "plain ascii", false},
		// RFC 2047 §8 examples.
		{"=?ISO-8859-1?Q?a?=", "a", false},
		{"=?ISO-8859-1?Q?a?= b", "a b", false},
		{"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab", false},
		{"=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=", "ab", false},
		{"=?ISO-8859-1?Q?a_b?=", "a b", false},
		{"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b", false},
		{"=?iso-8859-1?q?caf=E9?=", "café", false},
		{"=?iso-8859-15?Q?=A4uro?=", "€uro", false},
		{"=?windows-1252?Q?=93quoted=94?=", "\u201cquoted\u201d", false},
		{"=?UTF-8?B?w6l0w6k=?=", "été", false},
		{"=?utf-8?b?w6l0w6k?=", "été", false}, // missing padding
		{"=?UTF-8*fr?Q?d=C3=A9j=C3=A0?=", "déjà", false},
		{"=?KOI8-R?B?8NLJ18XU?=", "Привет", false},
		{"=?GB2312?B?xOO6ww==?=", "你好", false},
		{"=?gbk?B?xOO6ww==?=", "你好", false},
		{"=?Big5?B?p0Gmbg==?=", "你好", false},
		{"=?Shift_JIS?B?grGC8YLJgr+CzQ==?=", "こんにちは", false},
		{"=?EUC-KR?B?vsiz58fPvLy/5A==?=", "안녕하세요", false},
		{"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは", false},
		// A two-byte character split across two words.
		{"=?UTF-8?B?w6k=?= =?UTF-8?B?qQ==?=", "é\uFFFD", false},
		{"=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=", "été", false},
		// Leniencies: glued to text, inside quotes, spaces in Q text.
		{"Re:=?UTF-8?Q?caf=C3=A9?=", "Re:café", false},
		{`"=?UTF-8?Q?Jos=C3=A9?=" <j@x.es>`, `"José" <j@x.es>`, false},
		{"=?UTF-8?Q?two words?=", "two words", false},
		// Bad input: kept, flagged.
		{"=?x-unknown?Q?caf=E9?=", "café", true},
		{"=?UTF-8?Q?bad=ZZhex?=", "bad=ZZhex", true},
		{"=?UTF-8?X?nope?=", "=?UTF-8?X?nope?=", false},
		{"=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated", false},
		{"=??Q?empty-charset?=", "=??Q?empty-charset?=", false},
		{"=?=?=?", "=?=?=?", false},
		// Raw 8-bit Latin-1 outside encoded-words.
		{"Caf\xe9 =?UTF-8?Q?cr=C3=A8me?=", "Café crème", false},
	}
	for _, tt := range tests {
		got, bad := decodeHeader(tt.in)
		if got != tt.want || bad != tt.bad {
			t.Errorf("decodeHeader(%q) = %q, %v; want %q, %v", tt.in, got, bad, tt.want, tt.bad)
		}
	}
}

func TestParseAddressList(t *testing.T) {
	type A = Address
	tests := []struct {
		in   string
		want []Address
	}{
		{`"Chorus Pro" <a@b.fr>`, []A{{"Chorus Pro", "a@b.fr"}}},
		{`a@b.fr`, []A{{"", "a@b.fr"}}},
		{`<a@b.fr>`, []A{{"", "a@b.fr"}}},
		{`Jean Dupont <jean@x.fr>, marie@y.fr`, []A{{"Jean Dupont", "jean@x.fr"}, {"", "marie@y.fr"}}},
		{`=?UTF-8?Q?Ren=C3=A9e?= <r@x.fr>`, []A{{"Renée", "r@x.fr"}}},
		{`"=?UTF-8?B?U8OpY3VyaXTDqQ==?=" <s@x.fr>`, []A{{"Sécurité", "s@x.fr"}}},
		// An encoded-word cannot smuggle an address in.
		{`=?UTF-8?Q?ceo=40corp.com_=3Cceo=40corp.com=3E?= <evil@x.ru>`, []A{{"ceo@corp.com <ceo@corp.com>", "evil@x.ru"}}},
		{`"Doe, John" <j@x.com>`, []A{{"Doe, John", "j@x.com"}}},
		{`Doe, John <j@x.com>`, []A{{"Doe, John", "j@x.com"}}},
		{`j@x.com (John Doe)`, []A{{"John Doe", "j@x.com"}}},
		{`John Doe j@x.com`, []A{{"John Doe", "j@x.com"}}},
		{`"paypal@paypal.com" <phish@evil.ru>`, []A{{"paypal@paypal.com", "phish@evil.ru"}}},
		{`Team: a@x.com, b@y.com;, c@z.com`, []A{{"", "a@x.com"}, {"", "b@y.com"}, {"", "c@z.com"}}},
		{`undisclosed-recipients:;`, nil},
		{`"Facebook" <>`, []A{{"Facebook", ""}}},
		{`MAILER-DAEMON`, []A{{"", "MAILER-DAEMON"}}},
		{`Kristalina Georgieva`, []A{{"Kristalina Georgieva", ""}}},
		{`Du bist geeignet!,(<noreply@dhl.de>)`, []A{{"Du bist geeignet!", "noreply@dhl.de"}}},
		{`<@route.example:a@b.fr>`, []A{{"", "a@b.fr"}}},
		{`< a@b.fr >`, []A{{"", "a@b.fr"}}},
		{`Name <a@b.fr`, []A{{"Name", "a@b.fr"}}},
		{"Caf\xe9 <c@x.fr>", []A{{"Café", "c@x.fr"}}},
		{`"Esc\"aped" <e@x.fr>`, []A{{`Esc"aped`, "e@x.fr"}}},
		{``, nil},
		{`,,,`, nil},
	}
	for _, tt := range tests {
		if got := parseAddressList(tt.in, 100); !slices.Equal(got, tt.want) {
			t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got := parseAddressList(strings.Repeat("a@b.c, ", 50), 10); len(got) != 10 {
		t.Errorf("max not applied: %d addresses", len(got))
	}
}

func TestAddressParts(t *testing.T) {
	a := Address{Addr: "Jean.Dupont@Example-Hopital.FR."}
	if a.Domain() != "example-hopital.fr" || a.Local() != "Jean.Dupont" {
		t.Errorf("Domain %q Local %q", a.Domain(), a.Local())
	}
}

func TestParseHeaderBlock(t *testing.T) {
	raw := "Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024 00:00:00 +0000\r\n" +
		"Subject : obsolete space before colon\r\n" +
		"X-Dup: one\r\nX-Dup: two\n" + // mixed line endings
		"broken line\r\n" +
		"Bad Name: x\r\n" +
		"X-Encoded: =?UTF-8?Q?=C3=A9t=C3=A9?=\r\n" +
		"X-Empty:\r\n" +
		"\r\nbody line\r\n"
	p := &parser{lim: DefaultLimits(), m: &Message{}}
	h, body := p.parseHeader([]byte(raw), "")
	if string(body) != "body line\r\n" {
		t.Errorf("body = %q", body)
	}
	want := []Field{
		{"Received", "from a\tby b; Mon, 1 Jan 2024 00:00:00 +0000", "from a\tby b; Mon, 1 Jan 2024 00:00:00 +0000"},
		{"Subject", "obsolete space before colon", "obsolete space before colon"},
		{"X-Dup", "one", "one"},
		{"X-Dup", "two", "two"},
		{"X-Encoded", "été", "=?UTF-8?Q?=C3=A9t=C3=A9?="},
		{"X-Empty", "", ""},
	}
	if !slices.Equal(h.Fields, want) {
		t.Errorf("fields:\n got %q\nwant %q", h.Fields, want)
	}
	if !slices.Equal(h.Values("x-dup"), []string{"one", "two"}) || h.Get("SUBJECT") == "" || !h.Has("x-empty") {
		t.Errorf("accessors: %+v", h)
	}
	if !p.m.HasDefect(DefectHeader) {
		t.Errorf("no defect for lines without a field name: %+v", p.m.Defects)
	}
}

func TestMboxFromLine(t *testing.T) {
	m := Parse([]byte("From sender@example.com Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nSubject: s\n\nhi\n"), DefaultLimits())
	if m.FromAddr().Addr != "a@b.c" || len(m.Defects) != 0 {
		t.Errorf("From %+v Defects %+v", m.From, m.Defects)
	}
}

func TestDuplicateFrom(t *testing.T) {
	m := Parse([]byte("From: first@a.com\r\nFrom: second@b.com\r\nSubject: x\r\n\r\nbody"), DefaultLimits())
	if m.FromAddr().Addr != "first@a.com" || !m.HasDefect(DefectHeader) {
		t.Errorf("From %+v Defects %+v", m.From, m.Defects)
	}
	if got := m.Header.RawValues("from"); len(got) != 2 {
		t.Errorf("RawValues = %q", got)
	}
}
