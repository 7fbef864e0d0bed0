package secrets

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"vigie.dev/vigie/internal/message"
)

func qrPNG(t testing.TB, text string) []byte {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 200, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mime(t testing.TB, parts ...[3]string) []byte {
	var b strings.Builder
	b.WriteString("From: a@chu.test\r\nTo: b@chu.test\r\nSubject: accès\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n")
	for _, p := range parts {
		b.WriteString("--XX\r\nContent-Type: " + p[0] + "\r\n")
		if p[1] != "" {
			b.WriteString("Content-Disposition: attachment; filename=\"" + p[1] + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
			b.WriteString(base64.StdEncoding.EncodeToString([]byte(p[2])) + "\r\n")
		} else {
			b.WriteString("\r\n" + p[2] + "\r\n")
		}
	}
	b.WriteString("--XX--\r\n")
	return []byte(b.String())
}

func TestScan(t *testing.T) {
	// AKIAIOSFODNN7EXAMPLE is the example key of AWS's documentation.
	body := "Bonjour,\r\nvoici l'accès au serveur : mot de passe : Hopital2026!\r\nclé AWS AKIAIOSFODNN7EXAMPLE\r\n" +
		"-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAA\r\n-----END OPENSSH PRIVATE KEY-----\r\n"
	raw := mime(t,
		[3]string{"text/plain; charset=utf-8", "", body},
		[3]string{"image/png", "mfa.png", string(qrPNG(t, "otpauth://totp/CHU:alice?secret=JBSWY3DPEHPK3PXP&issuer=CHU"))},
		[3]string{"image/png", "flyer.png", string(qrPNG(t, "https://evil.example/login"))},
		[3]string{"application/octet-stream", "Coffre.kdbx", "\x03\xd9\xa2\x9a binary"},
		[3]string{"application/octet-stream", "id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n"},
	)
	got := Scan(message.Parse(raw, message.DefaultLimits()))
	want := map[string]int{PrivateKey: 2, Token: 1, Password: 1, OTPSeed: 1, QRCode: 1, SensitiveFile: 2}
	counts := map[string]int{}
	for _, f := range got {
		counts[f.Kind]++
		if strings.Contains(f.Excerpt, "Hopital2026") || strings.Contains(f.Excerpt, "JBSWY3DPEHPK3PXP") {
			t.Errorf("secret not masked: %+v", f)
		}
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d found, want %d (%+v)", k, counts[k], n, got)
		}
	}
	for _, f := range got {
		if f.Kind == QRCode && f.Excerpt != "https://evil.example/login" {
			t.Errorf("QR code excerpt %q", f.Excerpt)
		}
	}
}

// A token inside a zero-size span is left out of the visible text, yet the
// mailbox holds it; a secret in both the text and the HTML edition is
// reported once.
func TestHiddenHTMLAndDuplicates(t *testing.T) {
	raw := mime(t,
		[3]string{"text/plain; charset=utf-8", "", "clé AWS AKIAIOSFODNN7EXAMPLE\r\n"},
		[3]string{"text/html; charset=utf-8", "", `<p>clé AWS AKIAIOSFODNN7EXAMPLE</p><p>Bonjour<span style="font-size:0">ghp_abcdefghijklmnopqrstuvwxyz0123456789</span></p>`},
	)
	got := Scan(message.Parse(raw, message.DefaultLimits()))
	whats := map[string]int{}
	for _, f := range got {
		whats[f.What]++
	}
	if whats["clé d'accès AWS"] != 1 || whats["jeton GitHub"] != 1 {
		t.Errorf("found %+v", got)
	}
}

func TestNothingInOrdinaryMail(t *testing.T) {
	raw := mime(t, [3]string{"text/plain", "", "Le mot de passe du wifi invité est affiché à l'accueil.\r\nAsk for the password at the desk."})
	if got := Scan(message.Parse(raw, message.DefaultLimits())); len(got) != 0 {
		t.Errorf("found %+v", got)
	}
}

func FuzzScan(f *testing.F) {
	f.Add(mime(f, [3]string{"text/plain", "", "password=abcd1234 AKIAIOSFODNN7EXAMPLE otpauth://totp/x?secret=A"}))
	f.Add(mime(f, [3]string{"image/png", "x.png", string(qrPNG(f, "hello"))}))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := Scan(message.Parse(raw, message.DefaultLimits()))
		if len(out) > MaxFindings {
			t.Fatalf("%d findings", len(out))
		}
	})
}
