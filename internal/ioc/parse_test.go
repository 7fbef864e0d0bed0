package ioc

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		kind  Kind
		in    string
		want  string
		fails bool
	}{
		{KindIP, "192.0.2.1", "192.0.2.1", false},
		{KindIP, " 192.0.2.1 ", "192.0.2.1", false},
		{KindIP, "192.0.2.77/24", "192.0.2.0/24", false}, // host bits masked
		{KindIP, "192.0.2.1/32", "192.0.2.1", false},
		{KindIP, "::ffff:192.0.2.1", "192.0.2.1", false},
		{KindIP, "::ffff:192.0.2.0/120", "192.0.2.0/24", false},
		{KindIP, "2001:DB8:0:0::1", "2001:db8::1", false},
		{KindIP, "2001:db8::/32", "2001:db8::/32", false},
		{KindIP, "192.0.2[.]1", "192.0.2.1", false},
		{KindIP, "fe80::1%eth0", "", true},
		{KindIP, "192.0.2.256", "", true},
		{KindIP, "10.0.0.0/33", "", true},
		{KindDomain, "Evil.Example.", "evil.example", false},
		{KindDomain, "*.evil.example", "evil.example", false},
		{KindDomain, ".evil.example", "evil.example", false},
		{KindDomain, "bücher.example", "xn--bcher-kva.example", false},
		{KindDomain, "_dmarc.example", "_dmarc.example", false},
		{KindDomain, "evil[.]example", "evil.example", false},
		{KindDomain, "192.0.2.1", "", true},
		{KindDomain, "a..example", "", true},
		{KindDomain, "a b.example", "", true},
		{KindDomain, strings.Repeat("a", 64) + ".example", "", true},
		{KindHost, "Mail.Evil.Example", "mail.evil.example", false},
		{KindHost, "*.evil.example", "", true},
		{KindEmail, "<Payroll@Evil.Example>", "payroll@evil.example", false},
		{KindEmail, "mailto:a.b+c@EXAMPLE.org", "a.b+c@example.org", false},
		{KindEmail, "user[@]evil[.]example", "user@evil.example", false},
		{KindEmail, "@evil.example", "", true},
		{KindEmail, "user@", "", true},
		{KindEmail, "no-at-sign", "", true},
		{KindSHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false},
		{KindSHA256, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false},
		{KindSHA256, "e3b0c442", "", true},
		{KindFuzzy, " 96:Ab3+/x:Cd4 ", "96:Ab3+/x:Cd4", false},
		{KindFuzzy, "has space", "", true},
		{KindURL, "HTTPS://Evil.Example:443/Login", "https://evil.example/Login", false},
		{Kind("other"), "x", "", true},
		{KindIP, "", "", true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.kind, tt.in)
		if tt.fails {
			if err == nil {
				t.Errorf("Parse(%s, %q) = %q, want error", tt.kind, tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%s, %q) = %q, %v; want %q", tt.kind, tt.in, got, err, tt.want)
		}
	}
}

func TestGuess(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		want string
	}{
		{"192.0.2.1", KindIP, "192.0.2.1"},
		{"198.51.100.0/24", KindIP, "198.51.100.0/24"},
		{"2001:db8::1", KindIP, "2001:db8::1"},
		{"evil.example", KindDomain, "evil.example"},
		{"*.evil.example", KindDomain, "evil.example"},
		{"http://evil.example", KindURL, "http://evil.example/"},
		{"hxxp://evil[.]example/x", KindURL, "http://evil.example/x"},
		{"ceo@evil.example", KindEmail, "ceo@evil.example"},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KindSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"3:hMCEpFRx:hurs", KindFuzzy, "3:hMCEpFRx:hurs"},
		{"fuzzy:opaque-value", KindFuzzy, "opaque-value"},
		{"T1" + strings.Repeat("a", 70), KindFuzzy, "T1" + strings.Repeat("a", 70)},
	}
	for _, tt := range tests {
		k, got, err := Guess(tt.in)
		if err != nil || k != tt.kind || got != tt.want {
			t.Errorf("Guess(%q) = %s %q %v; want %s %q", tt.in, k, got, err, tt.kind, tt.want)
		}
	}
	for _, bad := range []string{"", "localhost", "hello world", "x:y"} {
		if k, v, err := Guess(bad); err == nil {
			t.Errorf("Guess(%q) = %s %q, want error", bad, k, v)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://example.com", "http://example.com/"},                                // empty path is "/"
		{"HTTP://EXAMPLE.COM/Path", "http://example.com/Path"},                       // path case kept
		{"http://example.com:80/", "http://example.com/"},                            // default port
		{"https://example.com:443/", "https://example.com/"},                         // default port
		{"https://example.com:8443/", "https://example.com:8443/"},                   // other port kept
		{"http://example.com:0080/", "http://example.com/"},                          // leading zeros
		{"http://example.com./a", "http://example.com/a"},                            // trailing dot
		{"http://example.com/a#frag", "http://example.com/a"},                        // fragment dropped
		{"http://example.com/a?", "http://example.com/a"},                            // empty query dropped
		{"http://example.com/a?b=1&c=%7e", "http://example.com/a?b=1&c=~"},           // unreserved decoded
		{"http://example.com/%7Euser/%2fx", "http://example.com/~user/%2Fx"},         // hex upper-cased
		{"http://example.com/a b", "http://example.com/a%20b"},                       // space escaped
		{"http://example.com/100%", "http://example.com/100%25"},                     // stray percent
		{"http://example.com/é", "http://example.com/%C3%A9"},                        // non-ASCII escaped
		{"http://example.com/a/./b/../c", "http://example.com/a/c"},                  // dot segments
		{"http://example.com/a/%2E%2E/c", "http://example.com/c"},                    // encoded dots
		{"http://example.com/../../x", "http://example.com/x"},                       // above root
		{"http://example.com/a/", "http://example.com/a/"},                           // trailing slash kept
		{"http://example.com?q=1", "http://example.com/?q=1"},                        // query without path
		{"http://user:pw@bank.example@evil.example/x", "http://evil.example/x"},      // userinfo dropped
		{"http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"},               // IPv6 literal
		{"http://[::ffff:192.0.2.1]/", "http://192.0.2.1/"},                          // mapped IPv4
		{"http://bücher.example/", "http://xn--bcher-kva.example/"},                  // IDN
		{"https://att-103056.weeblysite.com/", "https://att-103056.weeblysite.com/"}, // from a real feed
		{"  http://example.com/x  ", "http://example.com/x"},
	}
	for _, tt := range tests {
		got, err := NormalizeURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if again, err := NormalizeURL(got); err != nil || again != got {
			t.Errorf("NormalizeURL not idempotent on %q: %q, %v", got, again, err)
		}
	}
	for _, bad := range []string{"example.com/x", "://x", "http://", "http://exa mple.com/", "http://example.com:99999/",
		"http://example.com:x/", "http://[zz::1]/", "1http://x/", "http://[::1", "http://ex%41mple.com/"} {
		if got, err := NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) = %q, want error", bad, got)
		}
	}
}

func TestNormalizeURLAllocs(t *testing.T) {
	var buf [512]byte
	u := "https://login.evil.example/secure/Update.php?session=ab12&x=%7E"
	n := testing.AllocsPerRun(100, func() { appendURL(buf[:0], u) })
	if n != 0 {
		t.Errorf("appendURL allocates %v times", n)
	}
}

// One public-suffix test for the guard (either section) and ParseKind
// (the ICANN section only).
func TestIsPublicSuffix(t *testing.T) {
	tests := []struct {
		name          string
		either, icann bool
	}{
		{"com", true, true},
		{"fr", true, true},
		{"gouv.fr", true, true},
		{"co.uk", true, true},
		{"github.io", true, false},    // private section
		{"blogspot.com", true, false}, // private section
		{"localhost", true, false},    // unknown: its own suffix by the default rule
		{"example.com", false, false},
		{"user.github.io", false, false},
		{"ameli.fr", false, false},
	}
	for _, tt := range tests {
		if got := isPublicSuffix(tt.name, false); got != tt.either {
			t.Errorf("isPublicSuffix(%q, false) = %v, want %v", tt.name, got, tt.either)
		}
		if got := isPublicSuffix(tt.name, true); got != tt.icann {
			t.Errorf("isPublicSuffix(%q, true) = %v, want %v", tt.name, got, tt.icann)
		}
	}
}

// TestHasOpening puts every byte at every place of words and tails, among
// neighbours of each kind, and holds the word-at-a-time test to
// strings.ContainsAny.
func TestHasOpening(t *testing.T) {
	for _, fill := range []byte{'a', 'z', 0, 0xff, 'Z', '{' ^ 0x20 ^ 0x01} {
		for n := 0; n <= 19; n++ {
			for at := 0; at < n; at++ {
				for c := 0; c < 256; c++ {
					b := bytes.Repeat([]byte{fill}, n)
					b[at] = byte(c)
					if got, want := hasOpening(string(b)), strings.ContainsAny(string(b), "[({"); got != want {
						t.Fatalf("hasOpening(%q) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
}
