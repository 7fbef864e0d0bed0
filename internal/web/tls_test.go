package web_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
)

// writeCert writes a self-signed certificate for 127.0.0.1 and returns it.
func writeCert(t *testing.T, certPath, keyPath, name string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	c, _ := x509.ParseCertificate(der)
	return c
}

func clientTrusting(c *x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestConsoleOverHTTPS: the console serves HTTPS from a certificate pair,
// marks its cookie Secure, and a reload (SIGHUP) picks a renewed pair up.
func TestConsoleOverHTTPS(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := writeCert(t, certPath, keyPath, "vigie-1")
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Enabled, cfg.Serve.RBL.Enabled, cfg.Serve.Relay.Enabled = false, false, false
	cfg.Serve.HTTP.Listen, cfg.Serve.HTTP.TLSCert, cfg.Serve.HTTP.TLSKey = "127.0.0.1:0", certPath, keyPath
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	if err := account.New(d.DB.Users(), account.Options{BcryptCost: 4}).Add(context.Background(), "alice", account.Admin, "Brume-Tilleul-Quai-47"); err != nil {
		t.Fatal(err)
	}
	base := "https://" + d.HTTPAddr
	resp, err := clientTrusting(first).Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"user":"alice","password":"Brume-Tilleul-Quai-47"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var secure bool
	for _, c := range resp.Cookies() {
		secure = secure || (c.Name == "vigie_session" && c.Secure && c.HttpOnly)
	}
	if resp.StatusCode != 200 || !secure {
		t.Errorf("log-in over HTTPS: %d, Secure session cookie %v", resp.StatusCode, secure)
	}
	// Plain HTTP gets Go's TLS listener's 400, never the console.
	if r, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + d.HTTPAddr + "/login"); err == nil {
		r.Body.Close()
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP on the HTTPS listener: %d", r.StatusCode)
		}
	}
	// Renew the pair, reload: new connections get the new certificate.
	second := writeCert(t, certPath, keyPath, "vigie-2")
	if err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := clientTrusting(second).Get(base + "/login"); err != nil {
		t.Errorf("renewed certificate not served after reload: %v", err)
	}
	if _, err := clientTrusting(first).Get(base + "/login"); err == nil {
		t.Error("the old certificate is still served after reload")
	}
}
