package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/dnsx/dnstest"
)

const senderZone = `
sender.example.                IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.sender.example.         IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@sender.example"
mx.sender.example.             IN A   192.0.2.5
mx.sender.example.             IN TXT "v=spf1 a -all"
relay.example.                 IN TXT "v=spf1 ip4:198.51.100.0/24 ~all"
`

const senderMessage = "From: Alice <alice@sender.example>\r\n" +
	"To: bob@rcpt.example\r\n" +
	"Subject: quarterly figures\r\n" +
	"Date: Tue, 03 Mar 2026 10:00:00 +0100\r\n" +
	"Message-ID: <q1@sender.example>\r\n" +
	"\r\n" +
	"Figures attached.\r\n"

func startSender(t testing.TB) (*dnstest.Server, []byte) {
	t.Helper()
	srv := dnstest.Start(t, senderZone)
	srv.AddRR(dnstest.TXT("sel._domainkey.sender.example", 300, strings.TrimSpace(readFile(t, "testdata/dkim/test.txt"))))
	block, _ := pem.Decode([]byte(readFile(t, "testdata/dkim/test.private")))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	err = dkim.Sign(&signed, bufio.NewReader(strings.NewReader(senderMessage)), &dkim.SignOptions{
		Domain: "sender.example", Selector: "sel", Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, signed.Bytes()
}

func TestCheck(t *testing.T) {
	srv, signed := startSender(t)
	unsigned := []byte(senderMessage)
	tests := []struct {
		name string
		raw  []byte
		conn Conn
		want Results
		ar   string // FormatAuthResults("mx.vigie.example", got), "" to skip
	}{
		{
			name: "direct and signed",
			raw:  signed,
			conn: Conn{IP: netip.MustParseAddr("192.0.2.5"), HELO: "mx.sender.example", MailFrom: "bounce@sender.example"},
			want: Results{SPF: Pass, SPFDomain: "sender.example", HELOSPF: Pass, HELODomain: "mx.sender.example",
				DKIM:  []DKIMResult{{Domain: "sender.example", Selector: "sel", Result: Pass}},
				DMARC: Pass, DMARCPolicy: "reject", DMARCDomain: "sender.example", ARC: None},
			ar: "mx.vigie.example; spf=pass smtp.mailfrom=sender.example; spf=pass smtp.helo=mx.sender.example; " +
				"dkim=pass header.d=sender.example header.s=sel; dmarc=pass (p=reject) header.from=sender.example; arc=none",
		},
		{
			name: "spoofed from elsewhere",
			raw:  unsigned,
			conn: Conn{IP: netip.MustParseAddr("203.0.113.9"), HELO: "203.0.113.9", MailFrom: "alice@sender.example"},
			want: Results{SPF: Fail, SPFDomain: "sender.example",
				DMARC: Fail, DMARCPolicy: "reject", DMARCDomain: "sender.example", ARC: None},
			ar: "mx.vigie.example; spf=fail smtp.mailfrom=sender.example; dmarc=fail (p=reject) header.from=sender.example; arc=none",
		},
		{
			name: "forwarded: SPF passes for the forwarder only, DKIM carries DMARC",
			raw:  signed,
			conn: Conn{IP: netip.MustParseAddr("198.51.100.7"), HELO: "fwd.relay.example", MailFrom: "srs=x@relay.example"},
			want: Results{SPF: Pass, SPFDomain: "relay.example", HELOSPF: None, HELODomain: "fwd.relay.example",
				DKIM:  []DKIMResult{{Domain: "sender.example", Selector: "sel", Result: Pass}},
				DMARC: Pass, DMARCPolicy: "reject", DMARCDomain: "sender.example", ARC: None},
		},
		{
			name: "null sender uses HELO",
			raw:  unsigned,
			conn: Conn{IP: netip.MustParseAddr("192.0.2.5"), HELO: "mx.sender.example"},
			want: Results{SPF: Pass, SPFDomain: "mx.sender.example", HELOSPF: Pass, HELODomain: "mx.sender.example",
				DMARC: Pass, DMARCPolicy: "reject", DMARCDomain: "sender.example", ARC: None},
		},
		{
			name: "no client IP",
			raw:  signed,
			conn: Conn{},
			want: Results{DKIM: []DKIMResult{{Domain: "sender.example", Selector: "sel", Result: Pass}},
				DMARC: Pass, DMARCPolicy: "reject", DMARCDomain: "sender.example", ARC: None},
		},
	}
	c := &Checker{Resolver: dnsx.NewCache(srv.Resolver(), 100)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Check(context.Background(), tt.raw, headerOf(tt.raw), "sender.example", tt.conn)
			tt.want.Source = "dns"
			assertResults(t, got, tt.want)
			if tt.ar != "" {
				if ar := FormatAuthResults("mx.vigie.example", got); ar != tt.ar {
					t.Errorf("Authentication-Results:\n got %s\nwant %s", ar, tt.ar)
				}
			}
		})
	}
}

func assertResults(t *testing.T, got, want Results) {
	t.Helper()
	if got.Source != want.Source || got.SPF != want.SPF || got.SPFDomain != want.SPFDomain ||
		got.HELOSPF != want.HELOSPF || got.HELODomain != want.HELODomain ||
		got.DMARC != want.DMARC || got.DMARCPolicy != want.DMARCPolicy || got.DMARCDomain != want.DMARCDomain ||
		got.ARC != want.ARC {
		t.Errorf("results:\n got %+v\nwant %+v", got, want)
	}
	assertDKIM(t, got.DKIM, want.DKIM)
}

// TestCheckDNSDown: with every lookup timing out, nothing may come out as a
// failure, and Check returns within its timeout.
func TestCheckDNSDown(t *testing.T) {
	srv, signed := startSender(t)
	for _, name := range []string{"sender.example", "_dmarc.sender.example", "sel._domainkey.sender.example", "mx.sender.example"} {
		srv.Timeout(name)
	}
	c := &Checker{Resolver: srv.ResolverTimeout(5 * time.Second), Timeout: 400 * time.Millisecond}
	start := time.Now()
	got := c.Check(context.Background(), signed, headerOf(signed), "sender.example",
		Conn{IP: netip.MustParseAddr("203.0.113.9"), HELO: "mx.sender.example", MailFrom: "alice@sender.example"})
	// Waiting for the resolver's own 5 s would take longer than this bound,
	// which leaves room for a loaded machine.
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("Check took %v with a 400ms timeout", took)
	}
	if got.SPF != TempError || got.HELOSPF != TempError || got.DMARC != TempError {
		t.Errorf("results = %+v, want temperror everywhere", got)
	}
	if len(got.DKIM) != 1 || got.DKIM[0].Result != TempError {
		t.Errorf("DKIM = %+v, want temperror", got.DKIM)
	}
}

func TestFormatAuthResults(t *testing.T) {
	tests := []struct {
		r    Results
		want string
	}{
		{Results{}, "mx.example; none"},
		{Results{SPF: SoftFail, SPFDomain: "example.org", ARC: Pass},
			"mx.example; spf=softfail smtp.mailfrom=example.org; arc=pass"},
		{Results{DKIM: []DKIMResult{{Domain: "example.org", Selector: "s1", Result: Fail, Reason: `body hash "bh" did not verify`}}},
			`mx.example; dkim=fail reason="body hash \"bh\" did not verify" header.d=example.org header.s=s1`},
		{Results{DMARC: None, DMARCDomain: "odd domain.example"},
			`mx.example; dmarc=none header.from="odd domain.example"`},
	}
	for _, tt := range tests {
		got := FormatAuthResults("mx.example", tt.r)
		if got != tt.want {
			t.Errorf("FormatAuthResults(%+v)\n got %s\nwant %s", tt.r, got, tt.want)
		}
		// What we write, a standard parser reads back.
		id, res, err := authres.Parse(got)
		if err != nil || id != "mx.example" || (tt.r.Known() && len(res) == 0) {
			t.Errorf("authres.Parse(%q) = %q, %v, %v", got, id, res, err)
		}
	}
}

// BenchmarkCheckWarmCache measures one full Check (SPF, HELO SPF, one RSA
// DKIM signature, DMARC) once the cache holds every answer.
func BenchmarkCheckWarmCache(b *testing.B) {
	srv, signed := startSender(b)
	c := &Checker{Resolver: dnsx.NewCache(srv.Resolver(), 100)}
	conn := Conn{IP: netip.MustParseAddr("192.0.2.5"), HELO: "mx.sender.example", MailFrom: "bounce@sender.example"}
	h := headerOf(signed)
	ctx := context.Background()
	if r := c.Check(ctx, signed, h, "sender.example", conn); r.DMARC != Pass {
		b.Fatalf("warm-up: %+v", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Check(ctx, signed, h, "sender.example", conn)
	}
}
