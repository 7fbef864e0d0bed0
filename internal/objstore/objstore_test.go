package objstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/objstore"
	"vigie.dev/vigie/internal/objstore/objstoretest"
	"vigie.dev/vigie/internal/postfixtest"
)

func config(s *objstoretest.Server, bucket string) objstore.Config {
	return objstore.Config{Endpoint: s.Endpoint, Bucket: bucket, AccessKey: s.AccessKey, SecretKey: s.SecretKey, Timeout: 10 * time.Second}
}

// Put, Get, List and Delete against a real S3 server; a missing object is
// dberr.ErrNotFound, deleting one twice is no error.
func TestBucket(t *testing.T) {
	s := objstoretest.Start(t)
	s.Bucket(t, "held")
	ctx := context.Background()
	b, err := objstore.Open(ctx, config(s, "held"))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("\x1f\x8b compressed bytes")
	for _, k := range []string{"q/a.eml.gz", "q/b.eml.gz", "other/c"} {
		if err := b.Put(ctx, k, data); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := b.Get(ctx, "q/a.eml.gz"); err != nil || string(got) != string(data) {
		t.Fatalf("Get: %q %v", got, err)
	}
	if _, err := b.Get(ctx, "q/none.eml.gz"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("Get of a missing key: %v, want ErrNotFound", err)
	}
	var keys []string
	err = b.List(ctx, "q/", func(key string, modified time.Time) error {
		if time.Since(modified) > time.Hour || time.Until(modified) > time.Hour {
			t.Errorf("%s modified at %v", key, modified)
		}
		keys = append(keys, key)
		return nil
	})
	if err != nil || !slices.Equal(keys, []string{"q/a.eml.gz", "q/b.eml.gz"}) {
		t.Errorf("List q/: %v %v", keys, err)
	}
	stop := errors.New("enough")
	if err := b.List(ctx, "", func(string, time.Time) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("List stopped by its callback: %v", err)
	}
	for range 2 {
		if err := b.Delete(ctx, "q/a.eml.gz"); err != nil {
			t.Errorf("Delete: %v", err)
		}
	}
	if _, err := b.Get(ctx, "q/a.eml.gz"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}

	// The store stops: a Put is an outage (the quarantine spools), not a
	// refusal.
	s.Stop()
	if err := b.Put(ctx, "q/d.eml.gz", data); !dberr.Unavailable(err) {
		t.Errorf("Put with the store down: %v, want an unavailable error", err)
	}
	s.Restart(t)
	if err := b.Put(ctx, "q/d.eml.gz", data); err != nil {
		t.Errorf("Put once the store is back: %v", err)
	}
}

// Open says plainly what is wrong, in English and in French: no bucket
// (and how to create it), bad credentials, nothing listening.
func TestOpenErrors(t *testing.T) {
	s := objstoretest.Start(t)
	s.Bucket(t, "held")
	ctx := context.Background()
	wrongKey := config(s, "held")
	wrongKey.SecretKey = "not-the-secret"
	wrongUser := config(s, "held")
	wrongUser.AccessKey = "nobody"
	down := config(s, "held")
	down.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", postfixtest.FreePort(t))
	for _, c := range []struct {
		name string
		cfg  objstore.Config
		want []string
		fr   string // what the French says
	}{
		{"missing bucket", config(s, "absent"), []string{`bucket "absent" does not exist`, "mc mb", "aws s3 mb"}, `le seau "absent" n'existe pas`},
		{"wrong secret", wrongKey, []string{"refuses these credentials"}, "refuse ces identifiants"},
		{"unknown access key", wrongUser, []string{"refuses these credentials"}, "refuse ces identifiants"},
		{"nothing listening", down, []string{`bucket "held" at ` + down.Endpoint, "connection refused"}, "ne répond pas"},
		{"bad endpoint", objstore.Config{Endpoint: "s3.example.test", Bucket: "held"}, []string{"not an http(s)://host[:port] address"}, "n'est pas de la forme"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := objstore.Open(ctx, c.cfg)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			var e *objstore.Error
			if !errors.As(err, &e) || !strings.Contains(e.French(), c.fr) {
				t.Errorf("error %q: no French saying %q", err, c.fr)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v to fail", d)
			}
		})
	}
	if _, err := objstore.Open(ctx, down); !dberr.Unavailable(err) {
		t.Errorf("nothing listening: %v, want an unavailable error", err)
	}
}

// An on-premises store with its own certificate authority: trusted through
// ca_file, refused without it.
func TestTLS(t *testing.T) {
	s := objstoretest.StartTLS(t)
	s.Bucket(t, "held")
	ctx := context.Background()
	cfg := config(s, "held")
	if _, err := objstore.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Open without the CA: %v, want a certificate error", err)
	}
	cfg.CAFile = s.CAFile
	b, err := objstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open with ca_file: %v", err)
	}
	if err := b.Put(ctx, "k", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "k"); err != nil || string(got) != "x" {
		t.Errorf("Get over TLS: %q %v", got, err)
	}
	cfg.CAFile = filepath.Join(t.TempDir(), "empty.pem")
	os.WriteFile(cfg.CAFile, []byte("not a certificate"), 0o600)
	if _, err := objstore.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("Open with a CA file holding nothing: %v", err)
	}
}
