package urlx

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestRandomLabel(t *testing.T) {
	for d, want := range map[string]bool{
		"zmau42cdk83iftmucnoavnqel28t.com": true, "campanhasbradesco361269.com": true, "crngbuhc.net": true,
		"62nwxj8mam.com": true, "hd8g42jmuq33.top": true,
		"example-hopital.fr": false, "ecole2024.fr": false, "club93.org": false, "intel.com": false,
		"microsoftonline.com": false, "rs6.net": false, "1drv.ms": false, "schnellstrasse.de": false, "24x7serversupport.com": false, "office365.com": false,
		"sncf-connect.com": false, "bnp-paribas.fr": false, "crngbuhc-secure.com": true,
		"qzxwvbt-rnmpkls.com": true, "qzxw-vbtr-nmpk.com": true, "sncf-bnp-paribas.fr": false, "cgt-fo-sante.fr": false,
		"1800flowers.com": false, "1-800-flowers.com": false, "1800contacts.com": false, "800jrcigar.com": false,
		"1800x7k2q9p.com": true, "1800qzxwvbtrnm.com": true, "888casino.com": true,
		"xkcd-qzvbtrn.com": true, "qzvb-trnm.com": true, "dr-schmidt.de": false, "rtl-tvi.be": false, "cnrs-lpnhe.fr": false,
	} {
		if got := RandomLabel(d); got != want {
			t.Errorf("RandomLabel(%s) = %v, want %v", d, got, want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	for in, want := range map[string]string{
		"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2Fa&data=1":                    "https://evil.example/a",
		"https://usg02.safelinks.protection.office365.us/?url=https%3A%2F%2Fgithub.com%2Fa&data=05":                    "https://github.com/a",
		"https://safelinks.protection.office365.us.evil.example/?url=https%3A%2F%2Fgithub.com%2F":                      "https://safelinks.protection.office365.us.evil.example/?url=https%3A%2F%2Fgithub.com%2F",
		"https://urldefense.proofpoint.com/v2/url?u=http-3A__evil.example_path&d=x":                                    "http://evil.example/path",
		"https://urldefense.com/v3/__https://evil.example/p__;!!abc":                                                   "https://evil.example/p",
		"https://www.google.com/url?q=https://evil.example/&sa=D":                                                      "https://evil.example/",
		"https://www.google.com/amp/s/evil.example/owa/login":                                                          "https://evil.example/owa/login",
		"https://google.com/amp/evil.example/p?e=a":                                                                    "http://evil.example/p?e=a",
		"https://www.google.com/amp/":                                                                                  "https://www.google.com/amp/",
		"https://www.google.fr/amp/s/evil.example/owa/login":                                                           "https://evil.example/owa/login",
		"https://www.google.fr./amp/s/evil.example/owa/login":                                                          "https://evil.example/owa/login",
		"https://WWW.GOOGLE.COM./url?q=https://evil.example/x":                                                         "https://evil.example/x",
		"https://google.co.uk/amp/evil.example/p?e=a":                                                                  "http://evil.example/p?e=a",
		"https://www.google.com.br/amp/s/evil.example/":                                                                "https://evil.example/",
		"https://www.google.cat/url?q=https://evil.example/":                                                           "https://evil.example/",
		"https://www.google.de/url?q=https://www.google.co.jp/amp/s/evil.example/x":                                    "https://evil.example/x",
		"https://google.evil.example/amp/s/evil.example/":                                                              "https://google.evil.example/amp/s/evil.example/",
		"https://www.google.com.evil.example/amp/s/evil.example/":                                                      "https://www.google.com.evil.example/amp/s/evil.example/",
		"https://mail.google.fr/amp/s/evil.example/":                                                                   "https://mail.google.fr/amp/s/evil.example/",
		"https://www.bing.com/ck/a?!&&p=4f2c&ptn=3&u=a1aHR0cHM6Ly9ldmlsLmV4YW1wbGUvcGF5&ntb=1":                         "https://evil.example/pay",
		"https://www.bing.com/ck/a?!&&p=4f2c&u=a1bm90LWEtdXJs&ntb=1":                                                   "https://www.bing.com/ck/a?!&&p=4f2c&u=a1bm90LWEtdXJs&ntb=1",
		"https://example.org/page":                                                                                     "https://example.org/page",
		"https://urldefense.com/v3/__https://evil.example/owa*2Findex.html?a=1*b__;JSM!!Fjc1!x$":                       "https://evil.example/owa%2Findex.html?a=1#b",
		"https://urldefense.com/v3/__https://evil.example/a**Bb__;JSUl!!Fjc1!x$":                                       "https://evil.example/a%%%b",
		"https://urldefense.com/v3/__https://evil.example/a*b__;!!Fjc1!x$":                                             "https://evil.example/a*b",
		"https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fevil.example%2flogin&c=E,1,Ab&typo=1":                     "https://evil.example/login",
		"https://linkprotect.cudasvc.com.evil.example/url?a=https%3a%2f%2fgithub.com":                                  "https://linkprotect.cudasvc.com.evil.example/url?a=https%3a%2f%2fgithub.com",
		"https://eu-central-1.protection.sophos.com?d=evil.example&u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvcA==&i=1":             "https://evil.example/p",
		"https://us-west-2.protection.sophos.com?d=evil.example&u=%25%25&i=1":                                          "https://us-west-2.protection.sophos.com?d=evil.example&u=%25%25&i=1",
		"https://eu-west-1.protection.sophos.com?d=www.service-public.fr&u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvP2E9Pj4+&i=1":   "https://evil.example/?a=>>>",
		"https://eu-west-1.protection.sophos.com?d=www.service-public.fr&u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvP2E9Pj4%2B&i=1": "https://evil.example/?a=>>>",
		"https://imsva91-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=https%3a%2f%2fevil.example%2fp&umid=1":      "https://evil.example/p",
		"https://secure-web.cisco.com/1AbCdEf-gh/https%3A%2F%2Fevil.example%2Fp%3Fx%3D1":                               "https://secure-web.cisco.com/1AbCdEf-gh/https%3A%2F%2Fevil.example%2Fp%3Fx%3D1",
		"https://secure-web.cisco.com/1AbCdEf-gh":                                                                      "https://secure-web.cisco.com/1AbCdEf-gh",
	} {
		if got, _ := Unwrap(in); got != want {
			t.Errorf("Unwrap(%s) = %s, want %s", in, got, want)
		}
	}
	if Registrable("a.b.example.co.uk") != "example.co.uk" || !InDomain("mail.impots.gouv.fr", "gouv.fr") || InDomain("evilgouv.fr", "gouv.fr") {
		t.Error("registrable/InDomain")
	}
}

// Phishers wrap their pages through gateways and edit what the wrapper
// shows: spoofed vendor hosts are no wrappers, wrappers nest (read to the
// end, four deep; deeper is judged as written), and Cisco's shown address
// is never the destination (CiscoShown).
func TestUnwrapWhatASenderControls(t *testing.T) {
	for _, c := range []struct{ in, want, rw string }{
		{"https://cudasvc.com.evil.tld/url?a=https%3a%2f%2fgithub.com", "https://cudasvc.com.evil.tld/url?a=https%3a%2f%2fgithub.com", ""},
		{"https://linkprotect-cudasvc.com/url?a=https%3a%2f%2fgithub.com", "https://linkprotect-cudasvc.com/url?a=https%3a%2f%2fgithub.com", ""},
		{"https://eu.protection-sophos.com?d=github.com&u=aHR0cHM6Ly9naXRodWIuY29tLw", "https://eu.protection-sophos.com?d=github.com&u=aHR0cHM6Ly9naXRodWIuY29tLw", ""},
		{"https://imsva91-ctp.trendmicro.com.evil.tld/wis/clicktime/v1/query?url=https%3a%2f%2fgithub.com", "https://imsva91-ctp.trendmicro.com.evil.tld/wis/clicktime/v1/query?url=https%3a%2f%2fgithub.com", ""},
		{"https://ctp.trendmicro-ess.com/wis/clicktime/v1/query?url=https%3a%2f%2fgithub.com", "https://ctp.trendmicro-ess.com/wis/clicktime/v1/query?url=https%3a%2f%2fgithub.com", ""},
		{"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Furldefense.proofpoint.com%2Fv2%2Furl%3Fu%3Dhttps-3A__bit.ly_3xYzAbc%26d%3Dx&data=1", "https://bit.ly/3xYzAbc", "proofpoint"},
		{"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Feur01.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Feur01.safelinks.protection.outlook.com%252F%253Furl%253Dhttps%25253A%25252F%25252Feur01.safelinks.protection.outlook.com%25252F%25253Furl%25253Dhttps%2525253A%2525252F%2525252Fevil.example%2525252Fp%252526data%25253D1%2526data%253D1%26data%3D1&data=1", "https://evil.example/p", "safelinks"},
		{"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Feur01.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Feur01.safelinks.protection.outlook.com%252F%253Furl%253Dhttps%25253A%25252F%25252Feur01.safelinks.protection.outlook.com%25252F%25253Furl%25253Dhttps%2525253A%2525252F%2525252Feur01.safelinks.protection.outlook.com%2525252F%2525253Furl%2525253Dhttps%252525253A%252525252F%252525252Fevil.example%252525252Fp%25252526data%2525253D1%252526data%25253D1%2526data%253D1%26data%3D1&data=1", "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Feur01.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Feur01.safelinks.protection.outlook.com%252F%253Furl%253Dhttps%25253A%25252F%25252Feur01.safelinks.protection.outlook.com%25252F%25253Furl%25253Dhttps%2525253A%2525252F%2525252Feur01.safelinks.protection.outlook.com%2525252F%2525253Furl%2525253Dhttps%252525253A%252525252F%252525252Fevil.example%252525252Fp%25252526data%2525253D1%252526data%25253D1%2526data%253D1%26data%3D1&data=1", ""},
		{"https://secure-web.cisco.com/1Ab/https%3A%2F%2Fwww.service-public.fr%2F", "https://secure-web.cisco.com/1Ab/https%3A%2F%2Fwww.service-public.fr%2F", ""},
		{"https://eu.protection.sophos.com?d=www.service-public.fr&u=%%%", "https://eu.protection.sophos.com?d=www.service-public.fr&u=%%%", ""},
		{"https://eu.protection.sophos.com?d=www.service-public.fr&u=bm90IGEgbGluaw", "https://eu.protection.sophos.com?d=www.service-public.fr&u=bm90IGEgbGluaw", ""},
	} {
		if got, rw := Unwrap(c.in); got != c.want || rw != c.rw {
			t.Errorf("Unwrap(%s) = %s, %q; want %s, %q", c.in, got, rw, c.want, c.rw)
		}
	}
	for in, want := range map[string]string{
		"https://secure-web.cisco.com/1Ab/https%3A%2F%2Fevil.example%2Fp":   "https://evil.example/p",
		"https://SECURE-WEB.CISCO.COM./1Ab/https%3A%2F%2Fevil.example%2F":   "https://evil.example/",
		"https://secure-web.cisco.com/1Ab":                                  "",
		"https://secure-web.cisco.com/1Ab/%zz":                              "",
		"https://secure-web.cisco.com.evil.tld/1Ab/https%3A%2F%2Fx.example": "",
	} {
		if got := CiscoShown(in); got != want {
			t.Errorf("CiscoShown(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestICANNDomain(t *testing.T) {
	for host, want := range map[string]bool{
		"ssa.gov": true, "bezorging-van.nl": true, "www.impots.gouv.fr": true, "easy-canvas.com": true,
		"mr.smith": false, "v1.2": false, "gov": false, "co.uk": false, "192.0.2.1": false, "a..com": false, "": false,
	} {
		if got := ICANNDomain(host); got != want {
			t.Errorf("ICANNDomain(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestPublicName(t *testing.T) {
	for host, want := range map[string]bool{
		"impots.gouv.fr": true, "paypal-secure.com": true, "victim.github.io": true, "x.blogspot.com": true,
		"mediboard.chu-exemple.local": false, "dc01.hopital.lan": false, "intranet.corp": false,
		"app.example.internal": false, "192.0.2.1": false, "": false,
	} {
		if got := PublicName(host); got != want {
			t.Errorf("PublicName(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestMatchName(t *testing.T) {
	for _, c := range []struct {
		patterns []string
		name     string
		want     bool
	}{
		{[]string{"*.outlook.com"}, "HE1EUR04FT028.mail.protection.OUTLOOK.COM", true},
		{[]string{"*.outlook.com"}, "outlook.com", false},
		{[]string{"*.outlook.com"}, "evil-outlook.com", false},
		{[]string{"mail.example.de"}, "MAIL.example.de.", true},
		{[]string{"mail.example.de"}, "x.mail.example.de", false},
		{nil, "a", false},
		{[]string{"*.a"}, "", false},
		{[]string{"*"}, "any.example", true},
		{[]string{" lists.example.org "}, "lists.example.org", true},
	} {
		if got := MatchName(c.patterns, c.name); got != c.want {
			t.Errorf("MatchName(%q, %q) = %v", c.patterns, c.name, got)
		}
	}
}

// Registrable is the organizational domain of DMARC (RFC 7489 §3.2) as
// well: the Public Suffix List's registrable domain, private section
// included; a name the list cannot place is its own.
func TestRegistrableIsTheOrganizationalDomain(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":         "example.com",
		"Mail.Example.COM.":   "example.com",
		"a.b.example.co.uk":   "example.co.uk",
		"co.uk":               "co.uk",
		"foo.blogspot.com":    "foo.blogspot.com", // private section of the PSL
		"":                    "",
		"localhost":           "localhost",
		"bad..example.com":    "bad..example.com",
		"xn--caf-dma.example": "xn--caf-dma.example",
		"mail.xn--caf-dma.fr": "xn--caf-dma.fr",
	} {
		if got := Registrable(in); got != want {
			t.Errorf("Registrable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSameName(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"lastminute.com", "lastminute.fr", true},
		{"1-800-flowers.com", "1800flowers.com", true},
		{"expedia.com", "expediamail.com", true},
		{"monde.fr", "lemonde.fr", true},
		{"noble.com", "barnesandnoble.com", true},
		{"lemonde.fr", "lemonde.fr", true},
		// Short names are found inside too many others.
		{"ssa.gov", "ssa-gov.com", false},
		{"news.com", "newsletter.online.com", false},
		{"download.com", "cnet.com", false},
		{"expedia.com", "fares-mailer.net", false},
		{"", "expedia.com", false},
		// The name label is before the public suffix, however many
		// labels that has; a host under the domain has none.
		{"expedia.co.uk", "expedia.com", true},
		{"www.expedia.co.uk", "expedia.com", false},
		{"mail.expedia.com", "expedia.fr", false},
	} {
		if got := SameName(c.a, c.b); got != c.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := SameName(c.b, c.a); got != c.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}

// SameName and tollFreeWord run on every link and sender domain: the
// domains that cannot match are turned down without a copy or a
// public-suffix lookup.
func TestNameTestsAllocateNothingOnOtherNames(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"SameName of two other names", func() { SameName("boulangeriemartin.fr", "news.example-shop.com") }},
		{"tollFreeWord of a hyphenated name", func() { tollFreeWord("boulangerie-martin") }},
	} {
		if n := testing.AllocsPerRun(100, c.f); n != 0 {
			t.Errorf("%s: %.0f allocations, want 0", c.name, n)
		}
	}
	// The hyphenated number is still read as one.
	if w, ok := tollFreeWord("1-800-flowers"); !ok || w != "flowers" {
		t.Errorf("tollFreeWord(1-800-flowers) = %q, %v, want flowers, true", w, ok)
	}
	if w, ok := tollFreeWord("-800-petmeds"); !ok || w != "petmeds" {
		t.Errorf("tollFreeWord(-800-petmeds) = %q, %v, want petmeds, true", w, ok)
	}
}

// TestGoogleDomainsAreTheWarningList: google_domains.txt is the
// "google.*" entries of MISP's "google" warning list but google.net and
// google.org (not among the search's domains): a refreshed list that
// adds or drops a country domain shows here.
func TestGoogleDomainsAreTheWarningList(t *testing.T) {
	raw, err := os.ReadFile("../warninglist/data/google/list.json")
	if err != nil {
		t.Fatal(err)
	}
	var wl struct{ List []string }
	if err := json.Unmarshal(raw, &wl); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, e := range wl.List {
		if d := strings.TrimPrefix(e, "."); strings.HasPrefix(d, "google.") && d != "google.net" && d != "google.org" {
			want[d] = true
		}
	}
	if len(want) < 150 || !want["google.com"] || !want["google.fr"] || !want["google.co.uk"] {
		t.Fatalf("the warning list's google.* entries: %d, want google.com and its country domains", len(want))
	}
	if !maps.Equal(want, googleDomains) {
		for d := range want {
			if !googleDomains[d] {
				t.Errorf("%s: in the warning list, not in google_domains.txt", d)
			}
		}
		for d := range googleDomains {
			if !want[d] {
				t.Errorf("%s: in google_domains.txt, not in the warning list", d)
			}
		}
	}
	for host, want := range map[string]bool{
		"www.google.com": true, "google.fr": true, "www.google.co.uk": true, "www.google.com.br": true,
		"google.evil.example": false, "mail.google.fr": false, "www.google.com.evil.example": false, "google": false, "": false,
	} {
		if got := googleHost(host); got != want {
			t.Errorf("googleHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestParents(t *testing.T) {
	for _, tc := range []struct {
		host string
		want []string
	}{
		{"a.b.example.fr", []string{"a.b.example.fr", "b.example.fr", "example.fr", "fr"}},
		{"localhost", []string{"localhost"}},
		{"", nil},
	} {
		var got []string
		for h := range Parents(tc.host) {
			got = append(got, h)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Parents(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
	// A caller that stops early stops the walk.
	n := 0
	for range Parents("a.b.c") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break after the first: %d yielded", n)
	}
}

// A browser's host and URL, whatever way the sender wrote the link: the
// forms of evasion_links_test.go in internal/engine.
func TestBrowserHostAndCanonical(t *testing.T) {
	tests := []struct{ raw, host, canonical string }{
		{"https://evil.example/login", "evil.example", "https://evil.example/login"},
		{"https://EVIL.Example./login", "evil.example", "https://evil.example/login"},
		{"https://login.microsoftonline.com@evil.example/x", "evil.example", "https://login.microsoftonline.com@evil.example/x"},
		{"https://ev%69l.ex%61mple/x?q=%41", "evil.example", "https://evil.example/x?q=%41"},
		{"http://3325256727/p", "198.51.100.23", "http://198.51.100.23/p"},
		{"http://0xC6336417/p", "198.51.100.23", "http://198.51.100.23/p"},
		{"http://0306.063.0144.027/p", "198.51.100.23", "http://198.51.100.23/p"},
		{"https://evil\u3002example\uFF0Ecom\uFF61/p", "evil.example.com", "https://evil.example.com/p"},
		{"https://ev\u200bil.exa\ufeffmple/p", "evil.example", "https://evil.example/p"},
		{`https:\\evil.example\login\page?a=b\c`, "evil.example", `https://evil.example/login/page?a=b\c`},
		{`HTTPS:/\evil.example:8443\x`, "evil.example", "https://evil.example:8443/x"},
		{"https://[2001:db8::1]:8443/x", "[2001:db8::1]", "https://[2001:db8::1]:8443/x"},
		{"mailto:a@evil.example", "", "mailto:a@evil.example"},
		{"https:///nohost", "nohost", "https://nohost"},
		{"www.example.fr/promo", "www.example.fr", "www.example.fr/promo"},
		// UTS 46 as the URL Standard applies it (no STD3 rules, hyphens
		// unchecked): a non-ASCII label with an underscore or an edge
		// hyphen is followed at its A-label, the form feeds list
		// (Node's WHATWG URL gives the same hosts).
		{"https://p\u0430ypal_login.example/x", "xn--pypal_login-yij.example", "https://xn--pypal_login-yij.example/x"},
		{"https://-p\u0430ypal.example/x", "xn---pypal-4nf.example", "https://xn---pypal-4nf.example/x"},
		// A host UTS 46 maps to a forbidden code point is no host.
		{"https://evil.example\uFF0Fbank.com/x", "", "https://evil.example\uFF0Fbank.com/x"},
		{"http:\u30000", "", "http:\u30000"},
		// Nor one that percent-decodes to a delimiter or a '%'.
		{"https://evil.example%2fbank.com/x", "", "https://evil.example%2fbank.com/x"},
		{"https://bank.com%40evil.example/x", "", "https://bank.com%40evil.example/x"},
		{"http:%2500", "", "http:%2500"},
	}
	for _, tt := range tests {
		if got := Host(tt.raw); got != tt.host {
			t.Errorf("Host(%q) = %q, want %q", tt.raw, got, tt.host)
		}
		if got := Canonical(tt.raw); got != tt.canonical {
			t.Errorf("Canonical(%q) = %q, want %q", tt.raw, got, tt.canonical)
		}
	}
}

// A wrapper written as a browser still reads it is unwrapped.
func TestUnwrapReadsWrapperAsBrowser(t *testing.T) {
	for _, raw := range []string{
		"https://www.google.com./url?q=https://evil.example/",
		"https://WWW.GOOGLE.COM/url?q=https://evil.example/",
		"https://www.g%6Fogle.com/url?q=https://evil.example/",
		`https:\\www.google.com\url?q=https://evil.example/`,
		"https://www\u3002google\u3002com/url?q=https://evil.example/",
	} {
		if got, rw := Unwrap(raw); got != "https://evil.example/" || rw != "google" {
			t.Errorf("Unwrap(%q) = %q, %q", raw, got, rw)
		}
	}
}
