package web_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ir/incident"
)

// TestIncidentVerifyPublicKeyInChromium checks, in headless Chromium, the
// main courante's seals with an ed25519 public key given to the console,
// as `vigie incident verify --key FILE` does with the key a CERT was
// handed: pasted, then sent as a file, the right key says every entry is
// sealed; another key, a private key or junk are told apart, and the
// check is audited with the key's fingerprint.
func TestIncidentVerifyPublicKeyInChromium(t *testing.T) {
	requireBrowser(t)
	dir := t.TempDir()
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	newKey := func() (ed25519.PrivateKey, string) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return priv, pemOf("PUBLIC KEY", der)
	}
	priv, pub := newKey()
	_, otherPub := newKey()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, pubFile := filepath.Join(dir, "journal.key"), filepath.Join(dir, "journal.pub.pem")
	if err := os.WriteFile(keyFile, []byte(pemOf("PRIVATE KEY", der)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubFile, []byte(pub), 0o644); err != nil {
		t.Fatal(err)
	}
	d, base, acc := consoleDaemonWith(t, map[string]account.Role{"claire": account.Analyst},
		func(c *config.Config) { c.Incidents.JournalKey = keyFile })
	ctx := context.Background()
	svc, err := d.App.Incidents(nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.MailboxCompromise, Title: "Compte compta compromis", By: "claire"})
	if err != nil {
		t.Fatal(err)
	}
	incURL := base + "/incidents/" + strconv.FormatInt(inc.ID, 10)
	bs := newBrowserSession(t, base, 2*time.Minute)
	bs.login("claire")

	// submit fills the form, checks, waits for wait (only on the page the
	// check leads to) and returns the text of sel: the verification's
	// result, or the error page's message.
	submit := func(what, wait, sel string, fill chromedp.Action) string {
		var text string
		bs.run(what, chromedp.Navigate(incURL), chromedp.WaitVisible("#verify-pubkey", chromedp.ByID), fill,
			chromedp.Click("#verify-run", chromedp.ByID), chromedp.WaitVisible(wait, chromedp.ByQuery),
			chromedp.Text(sel, &text, chromedp.ByQuery))
		return text
	}
	verify := func(what string, fill chromedp.Action) string { return submit(what, "#flash", "#verify-result", fill) }
	refused := func(what string, fill chromedp.Action) string { return submit(what, "#error", "#error", fill) }
	if r := verify("pasted public key", chromedp.SetValue("#verify-pubkey", pub, chromedp.ByID)); !strings.Contains(r, "Main courante intègre") ||
		!strings.Contains(r, "scellée (ed25519)") || !strings.Contains(r, "clé publique fournie sha256:") {
		t.Errorf("verify with the sealing key's public half: %q", r)
	}
	if r := verify("public key file", chromedp.SetUploadFiles("#verify-pubkey-file", []string{pubFile}, chromedp.ByID)); !strings.Contains(r, "Main courante intègre") ||
		!strings.Contains(r, "clé publique fournie") {
		t.Errorf("verify with the public key file: %q", r)
	}
	if r := verify("another public key", chromedp.SetValue("#verify-pubkey", otherPub, chromedp.ByID)); !strings.Contains(r, "Main courante NON intègre") {
		t.Errorf("verify with another key: %q", r)
	}
	if m := refused("private key", chromedp.SetValue("#verify-pubkey", pemOf("PRIVATE KEY", der), chromedp.ByID)); !strings.Contains(m, "clé publique refusée") {
		t.Errorf("a private key pasted: %q", m)
	}
	if m := refused("junk", chromedp.SetValue("#verify-pubkey", "ceci n'est pas une clé", chromedp.ByID)); !strings.Contains(m, "clé publique refusée") {
		t.Errorf("junk pasted: %q", m)
	}

	audit, err := acc.AuditLog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var intact, broken bool
	for _, a := range audit {
		if a.Actor == "claire" && a.Action == "incident.verify" && strings.Contains(a.Detail, "public key sha256:") {
			intact = intact || strings.HasPrefix(a.Detail, "intact")
			broken = broken || strings.HasPrefix(a.Detail, "NOT intact")
		}
	}
	if !intact || !broken {
		t.Errorf("audit of the checks with a public key: intact %v, not intact %v (%+v)", intact, broken, audit)
	}
}
