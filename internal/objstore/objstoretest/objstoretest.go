// Package objstoretest runs a real S3 server for the tests of the object
// store: Versity S3 Gateway (Apache-2.0) over a temporary directory, one
// process per test, on a port of its own. scripts/install-s3-server.sh
// builds it and scripts/test.sh passes its path in $VIGIE_TEST_S3_SERVER;
// without it the tests are skipped, or fail under CI=true (testenv).
package objstoretest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/testenv"
)

// Env names the variable holding the server's binary.
const Env = "VIGIE_TEST_S3_SERVER"

// Server is a running S3 server.
type Server struct {
	Endpoint             string // http://127.0.0.1:port, https:// with StartTLS
	Addr                 string
	AccessKey, SecretKey string
	CAFile               string // StartTLS: the server's self-signed certificate (PEM)
	bin, dir, keyFile    string
	cmd                  *exec.Cmd
	done                 chan struct{}
}

// Start starts a server over an empty directory; it is stopped when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartTLS starts a server that answers https with a self-signed
// certificate for 127.0.0.1 (an on-premises store with its own CA),
// written to CAFile.
func StartTLS(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withTLS bool) *Server {
	t.Helper()
	bin := os.Getenv(Env)
	if bin == "" {
		testenv.Unavailable(t, "the object store tests need a real S3 server: run scripts/install-s3-server.sh and export "+Env+"=its output")
	}
	testenv.RequireFiles(t, "the object store tests", "", bin)
	s := &Server{bin: bin, dir: t.TempDir(), AccessKey: "vigietestaccess", SecretKey: "vigie-test-secret-key-0123456789"}
	s.Addr = fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t))
	s.Endpoint = "http://" + s.Addr
	if withTLS {
		s.writeCert(t)
		s.Endpoint = "https://" + s.Addr
	}
	s.Restart(t)
	t.Cleanup(s.Stop)
	return s
}

// Restart starts the server again on the same port and directory, after
// Stop (an outage of the object store).
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	args := []string{"--access", s.AccessKey, "--secret", s.SecretKey, "--port", s.Addr}
	if s.CAFile != "" {
		args = append(args, "--cert", s.CAFile, "--key", s.keyFile)
	}
	s.cmd = exec.Command(s.bin, append(args, "posix", s.dir)...)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", s.bin, err)
	}
	s.done = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(s.cmd, s.done)
	postfixtest.WaitListening(t, s.Addr)
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key
// outside the served directory.
func (s *Server) writeCert(t testing.TB) {
	t.Helper()
	c := gatewaytest.ServerTLS(t).Certificates[0]
	kb, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s.CAFile, s.keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(s.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Client is a MinIO client of the server, as another tool than Vigie
// would look at the bucket.
func (s *Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	o := &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")}
	if s.CAFile != "" {
		pool := x509.NewCertPool()
		b, err := os.ReadFile(s.CAFile)
		if err != nil || !pool.AppendCertsFromPEM(b) {
			t.Fatalf("the test server's certificate: %v", err)
		}
		o.Secure, o.Transport = true, &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	c, err := minio.New(s.Addr, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Bucket creates a bucket, waiting (with a generous deadline) for the
// server to answer S3 requests.
func (s *Server) Bucket(t testing.TB, name string) {
	t.Helper()
	c := s.Client(t)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{})
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("make bucket %s: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Keys lists the keys of a bucket under prefix.
func (s *Server) Keys(t testing.TB, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	for o := range s.Client(t).ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("list %s: %v", bucket, o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}
