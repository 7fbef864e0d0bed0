package posture_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/posture"
)

// testNet stands in for the internet: audited names and documentation
// addresses (RFC 5737) map to servers on loopback; anything else is
// refused, so a test never reaches outside the machine.
type testNet struct {
	mu     sync.Mutex
	routes map[string]string // "192.0.2.10:25" or "mta-sts.good.test:443" -> "127.0.0.1:port"
}

func (n *testNet) route(from, to string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.routes[from] = to
}

func (n *testNet) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	to, ok := n.routes[addr]
	n.mu.Unlock()
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused (test network)")}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

func (n *testNet) HTTP(roots *x509.CertPool) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext:     n.Dial,
		TLSClientConfig: &tls.Config{RootCAs: roots},
	}}
}

// world is the whole test setup: DNS, a CA, three Postfix MXs (well
// configured, badly configured, bad TLS), web servers and an IMAP greeter.
type world struct {
	dns     *dnstest.Server
	net     *testNet
	ca      *testCA
	goodKey []byte // SPKI of the good MX certificate, for TLSA
}

func TestPosture(t *testing.T) {
	postfixtest.Require(t)
	w := newWorld(t)

	opt := func(samples ...string) posture.Options {
		o := posture.Options{Resolver: w.dns.Resolver(), Dial: w.net.Dial, HTTP: w.net.HTTP(w.ca.pool),
			Roots: w.ca.pool, HELO: "probe.vigie.test", Services: true, Timeout: 5 * time.Second}
		for _, s := range samples {
			o.Samples = append(o.Samples, []byte(s))
		}
		return o
	}
	ctx := context.Background()

	t.Run("good setup: no finding", func(t *testing.T) {
		r := posture.Audit(ctx, "good.test", opt(goodSample))
		for _, f := range r.Findings {
			t.Errorf("finding in the good setup: %s %s %s", f.ID, f.Target, f.Detail)
		}
		for _, want := range []string{"SPF", "DMARC", "MTA-STS policy", "TLS", "TLSA", "DNSSEC", "certificate"} {
			if !slices.ContainsFunc(r.Facts, func(f posture.Fact) bool { return f.Name == want }) {
				t.Errorf("no %s fact: %+v", want, r.Facts)
			}
		}
	})

	cases := []struct {
		domain  string
		samples []string
		want    []string
	}{
		{"bad.test", []string{badSample}, []string{
			"MX_SINGLE", "MX_PRIVATE_ADDRESS", "SMTP_OPEN_RELAY", "SMTP_UNKNOWN_RECIPIENT_ACCEPTED",
			"SMTP_NO_STARTTLS", "SMTP_NO_SIZE_LIMIT", "BANNER_VERSION", "BANNER_INTERNAL",
			"SPF_TOO_MANY_LOOKUPS", "SPF_NEUTRAL_ALL", "SPF_PTR", "SPF_VOID_LOOKUPS",
			"DKIM_WEAK_KEY", "DKIM_TESTING",
			"DMARC_PCT_PARTIAL", "DMARC_SP_WEAK", "DMARC_EXTERNAL_UNAUTHORISED",
			"MTASTS_TESTING", "MTASTS_MX_NOT_COVERED", "TLSRPT_NONE", "DNSSEC_UNSIGNED", "BIMI_WITHOUT_ENFORCEMENT",
			"HEADER_PRIVATE_ADDRESS", "HEADER_INTERNAL_HOST", "HEADER_ORIGINATING_IP", "HEADER_SOFTWARE_VERSION",
			"IMAP_EXPOSED", "IMAP_CLEARTEXT", "SUBMISSION_EXPOSED", "WEBMAIL_EXPOSED", "WEBMAIL_CLEARTEXT",
		}},
		{"badtls.test", nil, []string{
			"SMTP_CERT_EXPIRED", "SMTP_CERT_NAME_MISMATCH", "SMTP_CERT_UNTRUSTED", "DANE_MISMATCH", "SMTP_SIZE_LARGE",
			"SPF_SOFTFAIL", "DMARC_POLICY_NONE", "DMARC_NO_RUA", "MTASTS_POLICY_UNREACHABLE", "DKIM_NONE", "BIMI_NONE", "MX_UNREACHABLE",
		}},
		{"plusall.test", nil, []string{"MX_NONE", "SPF_PLUS_ALL", "DMARC_NONE", "MTASTS_NONE"}},
		{"multispf.test", nil, []string{"SPF_MULTIPLE", "DMARC_INVALID", "MTASTS_INVALID"}},
		{"badsyntax.test", nil, []string{"SPF_SYNTAX"}},
		{"nospf.test", nil, []string{"SPF_NONE"}},
		{"nxmx.test", nil, []string{"MX_UNRESOLVED"}},
	}
	for _, c := range cases {
		t.Run(c.domain, func(t *testing.T) {
			r := posture.Audit(ctx, c.domain, opt(c.samples...))
			if testing.Verbose() {
				var b strings.Builder
				posture.WriteText(&b, r, "fr")
				t.Log("\n" + b.String())
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.ID)
				if f.ID == "CHECK_FAILED" {
					t.Errorf("check failed: %s %s", f.Target, f.Detail)
				}
				if f.Title == "" || f.Fix == "" || (f.ID != "CHECK_FAILED" && f.Rule == "") {
					t.Errorf("finding %s without text or rule", f.ID)
				}
			}
			for _, id := range c.want {
				if !slices.Contains(got, id) {
					t.Errorf("planted weakness %s not found; got %v", id, got)
				}
			}
		})
	}
}

func newWorld(t *testing.T) *world {
	w := &world{net: &testNet{routes: map[string]string{}}, ca: newCA(t)}
	ctx := context.Background()
	_ = ctx

	// Good MX: TLS with a CA-signed certificate for both MX names, relay
	// refused (loopback is not in mynetworks), known recipients only.
	good := postfixtest.Start(t, w.goodMain(t))
	w.net.route("192.0.2.10:25", good.Addr())
	w.net.route("192.0.2.11:25", good.Addr())

	bad := postfixtest.Start(t, map[string]string{
		"myhostname":    "mx.bad.test",
		"smtpd_banner":  "$myhostname ESMTP $mail_name $mail_version srv-mail01.bad.local",
		"mynetworks":    "0.0.0.0/0",
		"relay_domains": "bad.test",
		// The classic mistake: every client counts as internal.
		"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
		"message_size_limit":       "0",
		"mailbox_size_limit":       "0",
	})
	w.net.route("192.0.2.20:25", bad.Addr())

	badTLS := postfixtest.Start(t, w.badTLSMain(t))
	w.net.route("192.0.2.30:25", badTLS.Addr())

	w.startWeb(t)
	w.startIMAP(t, "192.0.2.21:143")
	w.startGreeter(t, "192.0.2.21:587", "220 smtp.bad.test ESMTP\r\n")

	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	weak, _ := x509.MarshalPKIXPublicKey(&rsa1024.PublicKey)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	spki := sha256.Sum256(w.goodKey)

	var spfIncludes []string
	for i := range 11 {
		spfIncludes = append(spfIncludes, fmt.Sprintf("include:i%d.bad.test", i))
	}
	zone := `
good.test.              SOA  ns.good.test. hostmaster.good.test. 1 3600 600 86400 300
good.test.              MX   10 mx1.good.test.
good.test.              MX   20 mx2.good.test.
mx1.good.test.          A    192.0.2.10
mx2.good.test.          A    192.0.2.11
_spf.good.test.         TXT  "v=spf1 ip4:198.51.100.0/24 -all"
_dmarc.good.test.       TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@reports.example.net; ruf=mailto:dmarc-ruf@good.test"
good.test._report._dmarc.reports.example.net. TXT "v=DMARC1"
_mta-sts.good.test.     TXT  "v=STSv1; id=20261205"
mta-sts.good.test.      A    192.0.2.12
_smtp._tls.good.test.   TXT  "v=TLSRPTv1; rua=mailto:tlsrpt@good.test"
default._bimi.good.test. TXT "v=BIMI1; l=https://good.test/logo.svg"
_25._tcp.mx1.good.test. TLSA 3 1 1 ` + hex.EncodeToString(spki[:]) + `
_25._tcp.mx2.good.test. TLSA 3 1 1 ` + hex.EncodeToString(spki[:]) + `

bad.test.               MX   10 mx.bad.test.
bad.test.               MX   20 mx-int.bad.test.
mx.bad.test.            A    192.0.2.20
mx-int.bad.test.        A    10.1.2.3
imap.bad.test.          A    192.0.2.21
webmail.bad.test.       A    192.0.2.22
_dmarc.bad.test.        TXT  "v=DMARC1; p=quarantine; sp=none; pct=50; rua=mailto:d@reports.example.net"
_mta-sts.bad.test.      TXT  "v=STSv1; id=7"
mta-sts.bad.test.       A    192.0.2.23
default._bimi.bad.test. TXT  "v=BIMI1; l=https://bad.test/logo.svg"
gone1.bad.test.         TXT  "unrelated"

badtls.test.            MX   10 mx.badtls.test.
badtls.test.            MX   20 mx2.badtls.test.
mx.badtls.test.         A    192.0.2.30
mx2.badtls.test.        A    192.0.2.31
badtls.test.            TXT  "v=spf1 mx ~all"
_dmarc.badtls.test.     TXT  "v=DMARC1; p=none"
_mta-sts.badtls.test.   TXT  "v=STSv1; id=1"
_25._tcp.mx.badtls.test. TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000

plusall.test.           TXT  "v=spf1 +all"
multispf.test.          TXT  "v=spf1 -all"
multispf.test.          TXT  "v=spf1 ip4:192.0.2.1 -all"
_dmarc.multispf.test.   TXT  "v=DMARC1; p=reject"
_dmarc.multispf.test.   TXT  "v=DMARC1; p=none"
_mta-sts.multispf.test. TXT  "v=STSv1; id=not-valid!"
badsyntax.test.         TXT  "v=spf1 ip4:300.1.1.1 -all"
nospf.test.             TXT  "google-site-verification=abc"
nxmx.test.              MX   10 gone.nxmx.test.
nxmx.test.              TXT  "v=spf1 -all"
`
	w.dns = dnstest.Start(t, zone)
	w.dns.Add(`good.test. TXT "v=spf1 mx include:_spf.good.test -all"`)
	w.dns.AddRR(dnstest.TXT("selector1._domainkey.good.test", 300, "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(edPub)))
	w.dns.AddRR(dnstest.TXT("default._domainkey.bad.test", 300, "v=DKIM1; k=rsa; t=y; p="+base64.StdEncoding.EncodeToString(weak)))
	w.dns.Add(fmt.Sprintf(`bad.test. TXT "v=spf1 ptr a:gone1.bad.test a:gone2.bad.test mx:gone3.bad.test %s ?all"`, strings.Join(spfIncludes, " ")))
	for i := range 11 {
		w.dns.Add(fmt.Sprintf(`i%d.bad.test. TXT "v=spf1 ip4:198.51.100.%d -all"`, i, i))
	}
	w.dns.Secure("good.test")
	return w
}

// goodMain is the configuration mx_sec_conf asks for (rules/mta.md).
func (w *world) goodMain(t *testing.T) map[string]string {
	dir := postfixtest.WorldDir(t, "vigie-good-tls-")
	cert, key, spki := w.ca.issue(t, dir, []string{"mx1.good.test", "mx2.good.test"}, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), true)
	w.goodKey = spki
	return map[string]string{
		"myhostname":                    "mx1.good.test",
		"smtpd_banner":                  "$myhostname ESMTP",
		"mynetworks":                    "192.0.2.250/32",
		"relay_domains":                 "good.test",
		"relay_recipient_maps":          "inline:{ postmaster@good.test=ok }",
		"smtpd_relay_restrictions":      "permit_mynetworks, reject_unauth_destination",
		"smtpd_recipient_restrictions":  "permit_mynetworks, reject_unauth_destination",
		"smtpd_tls_security_level":      "may",
		"smtpd_tls_chain_files":         key + ", " + cert,
		"smtpd_tls_protocols":           ">=TLSv1.2",
		"smtpd_tls_mandatory_protocols": ">=TLSv1.2",
		"tls_random_source":             "dev:/dev/urandom",
	}
}

// badTLSMain serves an expired self-signed certificate for another name.
func (w *world) badTLSMain(t *testing.T) map[string]string {
	dir := postfixtest.WorldDir(t, "vigie-bad-tls-")
	cert, key, _ := w.ca.issue(t, dir, []string{"localhost.localdomain"}, time.Now().Add(-400*24*time.Hour), time.Now().Add(-30*24*time.Hour), false)
	return map[string]string{
		"myhostname":               "mx.badtls.test",
		"smtpd_banner":             "$myhostname ESMTP",
		"mynetworks":               "192.0.2.250/32",
		"relay_domains":            "badtls.test",
		"relay_recipient_maps":     "inline:{ postmaster@badtls.test=ok }",
		"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
		"smtpd_tls_security_level": "may",
		"smtpd_tls_chain_files":    key + ", " + cert,
		"message_size_limit":       "52428800",
		"mailbox_size_limit":       "0",
		"tls_random_source":        "dev:/dev/urandom",
	}
}

// startWeb serves the MTA-STS policies and a webmail login page over
// HTTPS, and the same page over plain HTTP.
func (w *world) startWeb(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/mta-sts.txt", func(rw http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ":")
		switch host {
		case "mta-sts.good.test":
			fmt.Fprint(rw, "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.good.test\r\nmax_age: 604800\r\n")
		case "mta-sts.bad.test":
			fmt.Fprint(rw, "version: STSv1\nmode: testing\nmx: mx.other.test\nmax_age: 86400\n")
		default:
			http.NotFound(rw, r)
		}
	})
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Host, "webmail.bad.test") || r.URL.Path != "/" {
			http.NotFound(rw, r)
			return
		}
		fmt.Fprint(rw, `<html><title>Roundcube Webmail :: Bienvenue</title><form><input name="_user" id="rcmloginuser"><input type="password" name="_pass"></form></html>`)
	})
	dir := t.TempDir()
	certFile, keyFile, _ := w.ca.issue(t, dir, []string{"mta-sts.good.test", "mta-sts.bad.test", "webmail.bad.test"}, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), true)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv := httptest.NewUnstartedServer(mux)
	tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(mux)
	t.Cleanup(plain.Close)
	tlsAddr := strings.TrimPrefix(tlsSrv.URL, "https://")
	plainAddr := strings.TrimPrefix(plain.URL, "http://")
	w.net.route("mta-sts.good.test:443", tlsAddr)
	w.net.route("mta-sts.bad.test:443", tlsAddr)
	w.net.route("webmail.bad.test:443", tlsAddr)
	w.net.route("webmail.bad.test:80", plainAddr)
}

// startIMAP answers like an IMAP server that allows LOGIN before STARTTLS
// and shows its version (an internet service of the audited domain).
func (w *world) startIMAP(t *testing.T, from string) {
	w.serve(t, from, func(c net.Conn) {
		fmt.Fprint(c, "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot 2.3.19 ready.\r\n")
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			tag, cmd, _ := strings.Cut(sc.Text(), " ")
			switch strings.ToUpper(cmd) {
			case "CAPABILITY":
				fmt.Fprintf(c, "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n%s OK done\r\n", tag)
			case "LOGOUT":
				fmt.Fprintf(c, "* BYE\r\n%s OK bye\r\n", tag)
				return
			}
		}
	})
}

func (w *world) startGreeter(t *testing.T, from, greeting string) {
	w.serve(t, from, func(c net.Conn) {
		fmt.Fprint(c, greeting)
		bufio.NewReader(c).ReadString('\n')
	})
}

func (w *world) serve(t *testing.T, from string, handle func(net.Conn)) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				handle(c)
			}()
		}
	}()
	w.net.route(from, ln.Addr().String())
}

const goodSample = "Received: from mx-out.good.test (mx-out.good.test [198.51.100.7])\r\n" +
	"\tby mx.partner.test with ESMTPS id 4Xy; Sat, 5 Dec 2026 10:00:00 +0100\r\n" +
	"From: Service RH <rh@good.test>\r\nTo: a@partner.test\r\nSubject: planning\r\n" +
	"Date: Sat, 5 Dec 2026 10:00:00 +0100\r\nMessage-ID: <a1@good.test>\r\n\r\nBonjour.\r\n"

const badSample = "Received: from mx.bad.test (mx.bad.test [203.0.113.9])\r\n" +
	"\tby mx.partner.test with ESMTPS id 5Zq; Sat, 5 Dec 2026 10:00:00 +0100\r\n" +
	"Received: from srv-exch01.bad.local (10.20.30.40) by mx.bad.test with ESMTP;\r\n" +
	"\tSat, 5 Dec 2026 09:59:58 +0100\r\n" +
	"X-Originating-IP: [10.20.30.41]\r\nX-Mailer: Microsoft Outlook 16.0\r\n" +
	"From: Accueil <accueil@bad.test>\r\nTo: a@partner.test\r\nSubject: rdv\r\n" +
	"Date: Sat, 5 Dec 2026 10:00:00 +0100\r\nMessage-ID: <b1@bad.test>\r\n\r\nBonjour.\r\n"
