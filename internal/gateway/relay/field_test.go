package relay

import (
	"strings"
	"testing"
)

// FuzzReleaseField reads the X-Vigie-Release field of any message as the
// SMTP client sent it (bare LF or CRLF, folded, repeated, in the body, no
// body at all): the value comes out on one line without surrounding
// space, and a field written on one line reads back as written.
func FuzzReleaseField(f *testing.F) {
	f.Add([]byte("From: a@b.example\r\nX-Vigie-Release: v1.abc\r\n\tdef\r\nSubject: x\r\n\r\nbody\r\n"), "v1.token")
	f.Add([]byte("x-vigie-release : v1.a\nX-Vigie-Release: v1.b\n\nX-Vigie-Release: body\n"), "v1.a")
	f.Add([]byte("X-Vigie-Release: v1"), "")
	f.Fuzz(func(t *testing.T, raw []byte, value string) {
		got := releaseField(raw)
		if strings.ContainsAny(got, "\r\n\t") || strings.TrimSpace(got) != got {
			t.Fatalf("releaseField = %q", got)
		}
		value = strings.Join(strings.Fields(value), " ")
		if value == "" {
			return
		}
		msg := "X-Vigie-Release: " + value + "\r\n" + string(raw)
		if !strings.Contains(string(raw), "\r\n\r\n") && !strings.Contains(string(raw), "\n\n") {
			msg = "X-Vigie-Release: " + value + "\r\n\r\n" + string(raw)
		}
		if got := releaseField([]byte(msg)); got != value && !strings.HasPrefix(string(raw), " ") && !strings.HasPrefix(string(raw), "\t") {
			t.Fatalf("first field %q read as %q", value, got)
		}
	})
}

// FuzzAccepts: a recipient is accepted only in a domain the relay serves,
// never with a source route or a %-hack in its local part.
func FuzzAccepts(f *testing.F) {
	s := &Server{Domains: []string{"example-hopital.fr", "GHT.example"}}
	for _, r := range []string{"alice@example-hopital.fr", "bob@GHT.EXAMPLE", "x%y@example-hopital.fr", "@a,@b:c@example-hopital.fr", "a@evil.example", "", "@", "a@"} {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, rcpt string) {
		if !s.accepts(rcpt) {
			return
		}
		local, domain := rcpt[:strings.LastIndexByte(rcpt, '@')], rcpt[strings.LastIndexByte(rcpt, '@')+1:]
		if local == "" || strings.ContainsAny(local, "%!@") || !strings.EqualFold(domain, "example-hopital.fr") && !strings.EqualFold(domain, "ght.example") {
			t.Fatalf("accepted %q", rcpt)
		}
	})
}

func TestTraceNameKeepsTheClientOutOfTheField(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mail.example-fournisseur.fr", "mail.example-fournisseur.fr"},
		{"[192.0.2.7]", "[192.0.2.7]"},
		{"[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]"},
		{"pc_compta-02", "pc_compta-02"},
		{"x (mx.example-hopital.fr [10.0.0.1]) by mx.example-hopital.fr", "x??mx.example-hopital.fr?[10.0.0.1]??by?mx.example-hopital.fr"},
		{"a\rReceived: forged", "a?Received:?forged"},
		{"héllo;", "h??llo?"},
		{"", "unknown"},
		{strings.Repeat("a", 300), strings.Repeat("a", 255)},
	} {
		if got := traceName(c.in); got != c.want {
			t.Errorf("traceName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
