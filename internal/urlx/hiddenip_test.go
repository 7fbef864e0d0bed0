package urlx

import "testing"

// A browser reads every numeric form of an IPv4 host as one address
// (WHATWG URL Standard §3.5); HiddenIPv4 tells the forms no honest
// sender's software writes from the four dotted decimal numbers a
// printer's or a NAS's page is linked with.
func TestHiddenIPv4(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://3325256727/login":                true,
		"http://0xC6336417/":                     true,
		"https://0xc6.0x33.100.23/a":             true,
		"http://0306.063.0144.027/":              true,
		"http://198.51.100.023/":                 true,
		"http://198.51.25623/":                   true,
		"http://198.0x33.100.23:8080/":           true,
		"https://user@3325256727/":               true,
		`https:\\3325256727\x`:                   true,
		"http://%33325256727/":                   true,
		"http://[::ffff:c633:6417]/":             true,
		"https://[::ffff:198.51.100.23]/portail": true,
		"http://198.51.100.23/":                  false,
		"http://198.51.100.23./":                 false,
		"http://192.0.2.45:8080/hp/device/":      false,
		"https://[2001:db8::45]/":                false,
		"https://198-51-100-23.example/":         false,
		"https://cafe.example/":                  false,
		"https://0xcafe.example/":                false,
		"https://1234.example/":                  false,
		"mailto:3325256727@example.org":          false,
		"":                                       false,
		"http://4294967296/":                     false, // too large: no address, no host a browser follows
		"https://www.impots.gouv.fr/":            false,
		"www.3325256727.example.fr":              false,
		"http://0/":                              true,
	} {
		if got := HiddenIPv4(raw); got != want {
			t.Errorf("HiddenIPv4(%q) = %v, want %v", raw, got, want)
		}
	}
}

// FuzzHiddenIPv4: a hidden address is an address Host reads, never a
// name, and HiddenIPv4 does not panic on what senders write.
func FuzzHiddenIPv4(f *testing.F) {
	for _, s := range []string{
		"http://3325256727/", "http://0xC6.0x33.100.23/", "http://0306.063.0144.027/", "http://198.51.100.23/",
		"http://[::ffff:c633:6417]/", "https://[2001:db8::1]:8443/x", "http://198.51.25623/", "https://%30x1/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if HiddenIPv4(raw) && !IsIP(Host(raw)) {
			t.Fatalf("HiddenIPv4(%q) but Host = %q is no address", raw, Host(raw))
		}
	})
}
