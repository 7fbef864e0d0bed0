package ioc

import (
	"fmt"
	"net/netip"
	"testing"
)

// typicalMessage is what the scanner sees in an ordinary message: one
// client IP, six names, three addresses, twenty URLs, two attachments.
// Variant v changes the values so that nothing is cached between runs.
func typicalMessage(v int) Observables {
	o := Observables{IPs: []netip.Addr{netip.AddrFrom4([4]byte{203, 0, byte(v >> 8), byte(v)})}}
	o.Hosts = []string{"mail.sender-corp.example", "sender-corp.example", "news.sender-corp.example",
		"cdn.tracking.example", "www.partner.example", fmt.Sprintf("h%d.lists.example", v)}
	o.Emails = []string{"newsletter@sender-corp.example", "bounce+123@sender-corp.example", "alice@recipient.example"}
	for i := range 20 {
		o.URLs = append(o.URLs, fmt.Sprintf("https://news.sender-corp.example/c/%d/track?u=%d&id=ab%d", i, v, i))
	}
	o.SHA256 = []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"}
	return o
}

// millionIndicators builds n indicators shaped like the shared phishing
// feeds scaled up: domains, URLs, IPv4 and IPv6 addresses and networks,
// addresses and hashes.
func millionIndicators(n int) []Indicator {
	list := make([]Indicator, 0, n)
	for i := 0; len(list) < n; i++ {
		id := int64(len(list) + 1)
		var k Kind
		var v string
		switch i % 10 {
		case 0, 1, 2, 3:
			k, v = KindDomain, fmt.Sprintf("phish-%d.example", i)
		case 4, 5:
			k, v = KindURL, fmt.Sprintf("https://site%d.example/login/%d.html", i%50000, i)
		case 6:
			k, v = KindIP, netip.AddrFrom4([4]byte{byte(1 + i>>24), byte(i >> 16), byte(i >> 8), byte(i)}).String()
		case 7:
			k, v = KindIP, fmt.Sprintf("%d.%d.%d.0/24", 100+i%100, (i>>8)&255, i&255)
		case 8:
			k, v = KindEmail, fmt.Sprintf("user%d@phish-%d.example", i, i%1000)
		case 9:
			if i%20 == 9 {
				k, v = KindIP, fmt.Sprintf("2001:db8:%x:%x::/64", (i>>16)&0xffff, i&0xffff)
			} else {
				k, v = KindSHA256, fmt.Sprintf("%064x", i)
			}
		}
		list = append(list, Indicator{ID: id, Kind: k, Value: v, Mode: Block, Source: "feed:bench", Reason: "bench"})
	}
	return list
}

func BenchmarkMatch1M(b *testing.B) {
	m := NewMatcher(MatcherOptions{})
	m.Replace(millionIndicators(1_000_000))
	msgs := make([]Observables, 64)
	for i := range msgs {
		msgs[i] = typicalMessage(i)
	}
	msgs[3].URLs[5] = "https://site3.example/login/4.html" // one hit now and then
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Match(&msgs[i%len(msgs)])
	}
}

func BenchmarkLookupDomain1M(b *testing.B) {
	m := NewMatcher(MatcherOptions{})
	m.Replace(millionIndicators(1_000_000))
	b.ReportAllocs()
	for b.Loop() {
		m.LookupDomain("www.login.phish-40.example")
	}
}

func BenchmarkBuildIndex1M(b *testing.B) {
	list := millionIndicators(1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		NewMatcher(MatcherOptions{}).Replace(list)
	}
}
