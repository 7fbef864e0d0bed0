package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
)

// selfSigned writes a certificate and key for mx.vigie.test.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.vigie.test"}, DNSNames: []string{"mx.vigie.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// The relay offers STARTTLS with the configured certificate; a client that
// requires TLS (swaks --tls) gets its message relayed.
func TestRelaySTARTTLS(t *testing.T) {
	requireSwaksTLS(t)
	sinkPort := freePort(t)
	sk := startSink(t, sinkPort)
	cert, key := selfSigned(t, t.TempDir())
	v := startVigie(t, func(c *config.Config) {
		c.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort)
		c.Serve.Relay.TLSCert, c.Serve.Relay.TLSKey = cert, key
	}, nil)
	out, _ := exec.Command("swaks", "--server", fmt.Sprintf("127.0.0.1:%d", portOf(t, v.RelayAddr)), "--tls",
		"--from", "claire.martin@partner.test", "--to", "bob@example.test", "--data", "testdata/clean.eml", "--timeout", "30").CombinedOutput()
	if !strings.Contains(string(out), "TLS started") {
		t.Fatalf("no STARTTLS:\n%s", out)
	}
	// swaks marks the replies read over TLS with "<~".
	if !strings.Contains(string(out), "<~  250 ") || strings.Contains(string(out), "<~* ") {
		t.Fatalf("message not accepted over TLS:\n%s", out)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	if !strings.Contains(m, "with ESMTPS") {
		t.Errorf("Received field does not record TLS:\n%s", m[:min(len(m), 600)])
	}
}
