package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/message"
)

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// headerOf builds the parsed header Check wants from raw bytes, without
// depending on the message parser.
func headerOf(raw []byte) message.Header {
	fields, _ := splitMessage(raw)
	var h message.Header
	for _, f := range fields {
		v := strings.TrimSpace(strings.ReplaceAll(fieldValue(f), "\r\n", ""))
		h.Fields = append(h.Fields, message.Field{Name: f.name, Value: v, Raw: v})
	}
	return h
}

// ed25519Record returns the key record for a base64 RFC 8032 seed.
func ed25519Record(t *testing.T, seedFile string) string {
	t.Helper()
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(readFile(t, seedFile)))
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
}

// TestDKIMVectors verifies the RFC 6376 / RFC 8463 messages of the dkimpy
// vectors (testdata/dkim, zlib licence) through Checker, with the key
// records served over DNS.
func TestDKIMVectors(t *testing.T) {
	tests := []struct {
		msg     string
		records map[string]string
		want    []DKIMResult
	}{
		{
			// RFC 8463 §A: one ed25519-sha256 and one rsa-sha256 signature.
			msg: "testdata/dkim/rfc6376.signed.msg",
			records: map[string]string{
				"brisbane._domainkey.football.example.com": ed25519Record(t, "testdata/dkim/rfc8032_7_1.key"),
				"test._domainkey.football.example.com":     readFile(t, "testdata/dkim/test.txt"),
			},
			want: []DKIMResult{
				{Domain: "football.example.com", Selector: "brisbane", Result: Pass},
				{Domain: "football.example.com", Selector: "test", Result: Pass},
			},
		},
		{
			// Exim's ed25519 interoperability message.
			msg:     "testdata/dkim/ed25519test2.msg",
			records: map[string]string{"sed._domainkey.test.ex": readFile(t, "testdata/dkim/eximtest.dns")},
			want:    []DKIMResult{{Domain: "test.ex", Selector: "sed", Result: Pass}},
		},
		{
			// A truncated RSA key (test_bad.txt): the RSA signature cannot
			// be checked, ed25519 still passes.
			msg: "testdata/dkim/rfc6376.signed.msg",
			records: map[string]string{
				"brisbane._domainkey.football.example.com": ed25519Record(t, "testdata/dkim/rfc8032_7_1.key"),
				"test._domainkey.football.example.com":     readFile(t, "testdata/dkim/test_bad.txt"),
			},
			want: []DKIMResult{
				{Domain: "football.example.com", Selector: "brisbane", Result: Pass},
				{Domain: "football.example.com", Selector: "test", Result: PermError},
			},
		},
		{
			// No key at all: permerror (RFC 6376 §6.1.2).
			msg: "testdata/dkim/rfc6376.signed.msg",
			want: []DKIMResult{
				{Domain: "football.example.com", Selector: "brisbane", Result: PermError},
				{Domain: "football.example.com", Selector: "test", Result: PermError},
			},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.msg), func(t *testing.T) {
			srv := dnstest.Start(t, "")
			for name, rec := range tt.records {
				srv.AddRR(dnstest.TXT(name, 300, strings.TrimSpace(rec)))
			}
			raw := []byte(readFile(t, tt.msg))
			c := &Checker{Resolver: srv.Resolver()}
			got := c.Check(context.Background(), raw, headerOf(raw), "football.example.com", Conn{})
			assertDKIM(t, got.DKIM, tt.want)
		})
	}
}

func assertDKIM(t *testing.T, got, want []DKIMResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Domain != want[i].Domain || got[i].Selector != want[i].Selector || got[i].Result != want[i].Result {
			t.Errorf("signature %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestDKIMSignedHere signs the dkimpy test messages with their private keys
// and checks the verdict for each published key record variant.
func TestDKIMSignedHere(t *testing.T) {
	block, _ := pem.Decode([]byte(readFile(t, "testdata/dkim/test.private")))
	rsaKey, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(readFile(t, "testdata/dkim/ed25519test.key")))
	edKey := ed25519.NewKeyFromSeed(seed)

	sign := func(t *testing.T, msgFile, selector string, ed bool) []byte {
		t.Helper()
		opts := &dkim.SignOptions{Domain: "example.com", Selector: selector, Signer: rsaKey,
			HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
			HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}
		if ed {
			opts.Signer = edKey
		}
		var out bytes.Buffer
		if err := dkim.Sign(&out, bufio.NewReader(strings.NewReader(readFile(t, msgFile))), opts); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	tests := []struct {
		name   string
		msg    string
		ed     bool
		record string // file in testdata/dkim, "" for none
		fail   string // "servfail", "timeout", "tamper"
		want   Result
	}{
		{"body-modified", "test.message", false, "test.txt", "tamper", Fail},
		{"rsa", "test.message", false, "test.txt", "", Pass},
		{"rsa-no-k", "test.message", false, "test2.txt", "", Pass},
		{"rsa-extra-received", "test_extra.message", false, "test.txt", "", Pass},
		{"ed25519", "ed25519test.msg", true, "ed25519test.dns", "", Pass},
		{"truncated-key", "test.message", false, "test_bad.txt", "", PermError},
		{"other-key", "test.message", true, "test.txt", "", PermError}, // ed25519 signature, RSA key
		{"bad-version", "test.message", false, "badversion.txt", "", PermError},
		{"bad-k", "test.message", false, "badk.txt", "", PermError},
		{"service-tlsrpt", "test.message", false, "test_tlsrpt.txt", "", PermError},
		{"no-record", "test.message", false, "", "", PermError},
		{"servfail", "test.message", false, "test.txt", "servfail", TempError},
		{"timeout", "test.message", false, "test.txt", "timeout", TempError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := dnstest.Start(t, "")
			name := "sel._domainkey.example.com"
			if tt.record != "" {
				srv.AddRR(dnstest.TXT(name, 300, strings.TrimSpace(readFile(t, "testdata/dkim/"+tt.record))))
			}
			switch tt.fail {
			case "servfail":
				srv.ServFail(name)
			case "timeout":
				srv.Timeout(name)
			}
			raw := sign(t, "testdata/dkim/"+tt.msg, "sel", tt.ed)
			if tt.fail == "tamper" {
				raw = bytes.Replace(raw, []byte("test message"), []byte("test massage"), 1)
			}
			c := &Checker{Resolver: srv.ResolverTimeout(200 * time.Millisecond)}
			got := c.Check(context.Background(), raw, headerOf(raw), "example.com", Conn{})
			if len(got.DKIM) != 1 || got.DKIM[0].Result != tt.want || got.DKIM[0].Domain != "example.com" || got.DKIM[0].Selector != "sel" {
				t.Fatalf("DKIM = %+v, want one %s for example.com/sel", got.DKIM, tt.want)
			}
			// A temporary key failure never makes DMARC fail.
			if tt.want == TempError && got.DMARC == Fail {
				t.Errorf("DMARC = fail after a DNS temporary failure")
			}
		})
	}
}

// TestDKIMMailAuthCorpus verifies real signed messages from the stalwart
// mail-auth test corpus (testdata/mail-auth, Apache-2.0 or MIT): each file
// holds "name record" lines, a blank line, then the message.
func TestDKIMMailAuthCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/mail-auth/dkim/*.txt")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			srv, raw := loadMailAuthCase(t, f)
			got := DKIM(context.Background(), srv.Resolver(), raw, 0)
			if len(got) == 0 {
				t.Fatal("no DKIM result")
			}
			for _, d := range got {
				want, reason := Pass, ""
				if w, ok := mailAuthDKIMExpect[filepath.Base(f)+"/"+d.Selector]; ok {
					want, reason = w.result, w.reason
				}
				if d.Result != want {
					t.Errorf("%s/%s: %s (%s), want %s %s", d.Domain, d.Selector, d.Result, d.Reason, want, reason)
				}
			}
		})
	}
}

// mailAuthDKIMExpect lists the corpus signatures that are not expected to
// pass, by file/selector.
var mailAuthDKIMExpect = map[string]struct {
	result Result
	reason string
}{
	"005.txt/sysmsg-1": {PermError, "x= expiry passed long ago (RFC 6376 §3.5)"},
}

func loadMailAuthCase(t *testing.T, path string) (*dnstest.Server, []byte) {
	t.Helper()
	data := readFile(t, path)
	recs, msg, ok := strings.Cut(data, "\n\n")
	if !ok {
		t.Fatalf("%s: no blank line", path)
	}
	srv := dnstest.Start(t, "")
	for _, line := range strings.Split(recs, "\n") {
		name, rec, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok {
			srv.AddRR(dnstest.TXT(name, 300, rec))
		}
	}
	return srv, []byte(msg)
}
