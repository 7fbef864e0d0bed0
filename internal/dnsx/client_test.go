package dnsx_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/dnsx/dnstest"
)

func startFixture(t *testing.T) *dnstest.Server {
	t.Helper()
	zone, err := os.ReadFile("testdata/example.zone")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, string(zone))
}

func TestLookupTXT(t *testing.T) {
	srv := startFixture(t)
	r := srv.Resolver()
	ctx := context.Background()
	tests := []struct {
		name     string
		want     []string
		notFound bool
	}{
		{"example.org", []string{"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all", "google-site-verification=abc123"}, false},
		{"_dmarc.example.org.", []string{"v=DMARC1; p=reject; rua=mailto:dmarc@example.org"}, false}, // strings joined without space
		{"EXAMPLE.ORG", []string{"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all", "google-site-verification=abc123"}, false},
		{"x.wild.example.org", []string{"wildcard"}, false},
		{"mx0.example.org", nil, true},                // exists, no TXT
		{"deep.example.org", nil, true},               // empty non-terminal
		{"nonexistent.example.org", nil, true},        // NXDOMAIN
		{"a..example.org", nil, true},                 // cannot exist
		{strings.Repeat("a", 64) + ".org", nil, true}, // label too long
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.LookupTXT(ctx, tt.name)
			if tt.notFound {
				if !dnsx.IsNotFound(err) || dnsx.IsTemporary(err) {
					t.Fatalf("LookupTXT(%q) = %q, %v; want not found", tt.name, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LookupTXT(%q): %v", tt.name, err)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("LookupTXT(%q) = %q, want %q", tt.name, got, want)
			}
		})
	}
}

func TestLookupKinds(t *testing.T) {
	srv := startFixture(t)
	r := srv.Resolver()
	ctx := context.Background()

	mx, err := r.LookupMX(ctx, "example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(mx) != 2 || mx[0].Host != "mx0.example.org" || mx[0].Pref != 5 || mx[1].Host != "mx1.example.org" {
		t.Errorf("LookupMX = %v %v", mx[0], mx[1])
	}

	ips := []struct {
		host string
		want []string
	}{
		{"mx1.example.org", []string{"192.0.2.11", "2001:db8::11"}},
		{"www.example.org", []string{"192.0.2.11", "2001:db8::11"}}, // two CNAMEs in the zone
		{"out.example.org", []string{"198.51.100.7"}},               // CNAME to another zone
		{"a.b.deep.example.org", []string{"192.0.2.99"}},
	}
	for _, tt := range ips {
		got, err := r.LookupIP(ctx, tt.host)
		if err != nil {
			t.Errorf("LookupIP(%q): %v", tt.host, err)
			continue
		}
		var s []string
		for _, a := range got {
			s = append(s, a.String())
		}
		slices.Sort(s)
		if !slices.Equal(s, tt.want) {
			t.Errorf("LookupIP(%q) = %v, want %v", tt.host, s, tt.want)
		}
	}

	names, err := r.LookupAddr(ctx, netip.MustParseAddr("192.0.2.11"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"liar.example.com", "mx1.example.org"}) {
		t.Errorf("LookupAddr = %v", names)
	}
	names, err = r.LookupAddr(ctx, netip.MustParseAddr("2001:db8::11"))
	if err != nil || len(names) != 1 || names[0] != "mx1.example.org" {
		t.Errorf("LookupAddr(v6) = %v, %v", names, err)
	}
	if _, err := r.LookupAddr(ctx, netip.MustParseAddr("192.0.2.200")); !dnsx.IsNotFound(err) {
		t.Errorf("LookupAddr(no PTR) err = %v, want not found", err)
	}
}

func TestTemporaryFailures(t *testing.T) {
	srv := startFixture(t)
	srv.ServFail("broken.example.org")
	srv.Timeout("slow.example.org")
	srv.Timeout("half.example.org", dns.TypeAAAA)
	srv.Add("half.example.org. 300 IN A 192.0.2.40")
	r := srv.ResolverTimeout(200 * time.Millisecond)
	ctx := context.Background()

	for _, name := range []string{"broken.example.org", "slow.example.org", "loop1.example.org"} {
		_, err := r.LookupTXT(ctx, name)
		if !dnsx.IsTemporary(err) || dnsx.IsNotFound(err) {
			t.Errorf("LookupTXT(%q) err = %v, want temporary", name, err)
		}
		var nerr net.Error
		if !errors.As(err, &nerr) || !nerr.Temporary() {
			t.Errorf("LookupTXT(%q) err is not a temporary net.Error", name)
		}
		if ne := dnsx.ToNetError(err).(*net.DNSError); !ne.Temporary() || ne.IsNotFound {
			t.Errorf("ToNetError(%v) = %+v", err, ne)
		}
	}
	// One family failing does not hide the other.
	ips, err := r.LookupIP(ctx, "half.example.org")
	if err != nil || len(ips) != 1 {
		t.Errorf("LookupIP(half) = %v, %v", ips, err)
	}
	// A cancelled context is temporary.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.LookupTXT(cctx, "example.org"); !dnsx.IsTemporary(err) {
		t.Errorf("cancelled: err = %v", err)
	}
	// Nobody listening: temporary.
	dead := dnsx.NewClient([]string{"127.0.0.1:1"}, 300*time.Millisecond)
	if _, err := dead.LookupMX(ctx, "example.org"); !dnsx.IsTemporary(err) {
		t.Errorf("dead server: err = %v", err)
	}
}

func TestTruncationFallsBackToTCP(t *testing.T) {
	srv := dnstest.Start(t, "")
	var want []string
	for i := range 30 {
		s := strings.Repeat(string(rune('a'+i%26)), 200)
		srv.AddRR(dnstest.TXT("big.example.org", 300, s))
		want = append(want, s)
	}
	// One record longer than 255 bytes, with bytes that need escaping.
	raw := "v=spf1 " + strings.Repeat("x", 300) + " \"quoted\" back\\slash \x80\xff"
	srv.AddRR(dnstest.TXT("raw.example.org", 300, raw))

	r := srv.Resolver()
	got, err := r.LookupTXT(context.Background(), "big.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records over TCP fallback, want %d", len(got), len(want))
	}
	got, err = r.LookupTXT(context.Background(), "raw.example.org")
	if err != nil || len(got) != 1 || got[0] != raw {
		t.Errorf("raw TXT = %q, %v", got, err)
	}
}

func TestIDN(t *testing.T) {
	srv := dnstest.Start(t, "xn--caf-dma.example. 300 IN A 192.0.2.77\n")
	ips, err := srv.Resolver().LookupIP(context.Background(), "café.example")
	if err != nil || len(ips) != 1 || ips[0].String() != "192.0.2.77" {
		t.Errorf("LookupIP(café.example) = %v, %v", ips, err)
	}
}

func TestUnescapeTXT(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:     "plain",
		`a\"b`:      `a"b`,
		`a\\b`:      `a\b`,
		`\128\255x`: "\x80\xffx",
		`\999`:      "999",
		`trailing\`: `trailing\`,
		`\0651`:     "A1",
	} {
		if got := dnsx.UnescapeTXT(in); got != want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestForwardConfirmed(t *testing.T) {
	srv := startFixture(t)
	srv.ServFail("9.2.0.192.in-addr.arpa")
	r := srv.ResolverTimeout(300 * time.Millisecond)
	tests := []struct {
		ip    string
		name  string
		known bool
		temp  bool
	}{
		{"192.0.2.10", "mx0.example.org", true, false},
		{"192.0.2.11", "mx1.example.org", true, false}, // second PTR does not confirm
		{"::ffff:192.0.2.11", "mx1.example.org", true, false},
		{"2001:db8::11", "mx1.example.org", true, false},
		{"192.0.2.50", "", false, false},  // PTR points at a name without this IP
		{"192.0.2.200", "", false, false}, // no PTR
		{"192.0.2.9", "", false, true},    // SERVFAIL
	}
	for _, tt := range tests {
		name, known, err := dnsx.ForwardConfirmed(context.Background(), r, netip.MustParseAddr(tt.ip))
		if name != tt.name || known != tt.known || (err != nil) != tt.temp {
			t.Errorf("ForwardConfirmed(%s) = %q, %v, %v; want %q, %v, temp=%v", tt.ip, name, known, err, tt.name, tt.known, tt.temp)
		}
	}
}
