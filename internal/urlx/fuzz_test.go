package urlx

import (
	"net/netip"
	"strings"
	"testing"
)

// Links in mail are the sender's to write: unwrapping a rewriter's URL and
// reading a domain's labels must neither panic nor loop, and a URL that is
// not a rewritten one comes back as it was.
func FuzzUnwrap(f *testing.F) {
	for _, s := range []string{
		"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F&data=x",
		"https://urldefense.proofpoint.com/v2/url?u=http-3A__evil.example_path&d=x",
		"https://urldefense.com/v3/__https://evil.example/p__;!!abc",
		"https://URLDEFENSE.COM/v3/__https://evil.example/p__;!!abc",
		"https://urldefense%2Ecom/v3/__https://evil.example/p__;!!abc",
		"https://www.google.com/url?q=https://evil.example/",
		"https://protect-eu.mimecast.com/s/abc?domain=evil.example",
		"https://www.google.com/amp/s/evil.example/owa/login?x=1",
		"https://google.com/amp/s/www.google.com/amp/s/www.bing.com/ck/a?u=a1aHR0cHM6Ly9ldmlsLmV4YW1wbGUv",
		"https://www.google.fr/amp/s/evil.example/owa/login",
		"https://google.co.uk/amp/s/www.google.com.br/amp/evil.example/p",
		"https://www.google.de/url?q=https://www.google.co.jp/amp/s/evil.example/",
		"https://google.evil.example/amp/s/evil.example/",
		"https://www.google.com.evil.example/amp/evil.example/",
		"https://www.google./amp/s/evil.example/",
		"https://www.bing.com/ck/a?!&&p=4f2c&u=a1aHR0cHM6Ly9ldmlsLmV4YW1wbGUvcGF5&ntb=1",
		"https://bing.com/ck/a?u=a1aHR0cHM6Ly93d3cuYmluZy5jb20vY2svYT91PWExYUhSMGNITTZMeTlsZG1sc0xtVjRZVzF3YkdVdg",
		"https://www.bing.com/ck/a?u=a1%%%",
		"https://urldefense.com/v3/__https://evil.example/a**Cb*c__;JSUlIw!!Fjc1!x$",
		"https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fevil.example%2f&c=E,1",
		"https://eu-central-1.protection.sophos.com?d=evil.example&u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUv",
		"https://imsva91-ctp.trendmicro.com/wis/clicktime/v1/query?url=https%3a%2f%2fevil.example",
		"https://secure-web.cisco.com/1Ab/https%3A%2F%2Fevil.example%2F",
		"https://secure-web.cisco.com/1AbCdEf-gh/https%3A%2F%2Fevil.example%2F%" + strings.Repeat("41", 1<<16),
		"https://example.org/plain",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		target, rewriter := Unwrap(raw)
		if s := CiscoShown(raw); len(s) > len(raw) {
			t.Fatalf("CiscoShown(%q) grew to %d bytes", raw, len(s))
		}
		if rewriter == "" && target != raw {
			t.Fatalf("Unwrap(%q) = %q without a rewriter", raw, target)
		}
		if rewriter != "" && len(target) > 4*len(raw)+64 {
			t.Fatalf("Unwrap(%q) grew to %d bytes", raw, len(target))
		}
		host := Host(raw)
		if host != strings.ToLower(host) {
			t.Fatalf("Host(%q) = %q, not lower-cased", raw, host)
		}
		reg := Registrable(host)
		RandomLabel(reg)
		MaybeWrapped(host)
		if reg != "" && !strings.Contains("."+strings.TrimSuffix(host, ".")+".", "..") && !InDomain(host, reg) { // a well-formed host
			t.Fatalf("Host(%q) = %q is not in its registrable domain %q", raw, host, reg)
		}
	})
}

// FuzzIsIP: IsIP answers as netip.ParseAddr does, its shortcut for names
// included.
func FuzzIsIP(f *testing.F) {
	for _, s := range []string{"", "192.0.2.1", "[2001:db8::1]", "fe80::1%eth0", "::ffff:192.0.2.1",
		"cdn.example.fr", "deadbeef", "1.2.3", "%", "[::1", "ABCD::EF01", "mx.example-hopital.fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
		if got := IsIP(s); got != (err == nil) {
			t.Errorf("IsIP(%q) = %v, netip.ParseAddr says %v", s, got, err == nil)
		}
	})
}

// FuzzReadList: every line of a list is read, whatever its length or
// line ends: each entry found is a line of the list, lower-cased and
// trimmed, and a last line after one over 64 KiB is not lost.
func FuzzReadList(f *testing.F) {
	f.Add("gmail.com\r\n# freemail\nYAHOO.fr  # comment\n\n  laposte.net\n", 0)
	f.Add("a.example\n", 70<<10)
	f.Fuzz(func(t *testing.T, list string, pad int) {
		pad = min(max(pad, 0), 1<<17)
		b := []byte(list + "\n" + strings.Repeat("x", pad) + "\nlast.example\n")
		got := ReadList(b)
		if !got["last.example"] {
			t.Fatalf("the last line was lost (%d entries)", len(got))
		}
		lines := map[string]bool{}
		for line := range strings.Lines(string(b)) {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			lines[strings.ToLower(strings.TrimSpace(line))] = true
		}
		for v := range got {
			if !lines[v] || v == "" {
				t.Fatalf("entry %q is no line of the list", v)
			}
		}
	})
}

// Canonical and Host read the sender's links: they must not panic, and
// the URL Canonical writes has the host Host reads in the link itself,
// and is written so already.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"https://EVIL.Example./login", "https://a@b@evil.example:8443/x", "https://ev%69l.example/",
		"http://3325256727/", "http://0xC6.0x33.100.23/", "http://0306.063.0144.027/",
		"https://evil\u3002example\uFF0Ecom\uFF61/p", "https://ev\u200bil.example/", `https:\\evil.example\a\b?c\d`,
		"https://[2001:db8::1]:8443/x", "https://%zz/", "https://%", "ftp:///x", "www.example.fr", "https://xn--80ak6aa92e.com/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := Canonical(raw)
		h := Host(raw)
		if c == raw {
			return
		}
		if got := Host(c); got != h {
			t.Fatalf("Host(Canonical(%q)) = %q, Host = %q", raw, got, h)
		}
		if again := Canonical(c); again != c {
			t.Fatalf("Canonical(%q) = %q, then %q", raw, c, again)
		}
	})
}
