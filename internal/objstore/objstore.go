// Package objstore keeps the held messages' compressed bytes in a bucket
// of an S3-compatible object store (Amazon S3, MinIO, Ceph RGW, Garage,
// Versity…) through the MinIO Go client: the quarantine.Objects that
// package quarantine writes to before it records an entry, reads on show
// and release, and empties on delete and purge. Open checks that the
// bucket is there and that the credentials open it, so that a node
// misconfigured says so at startup rather than at its first held message.
//
// Errors that mean the store could not be reached (network, timeouts,
// 5xx answers) wrap dberr.ErrUnavailable, as a database outage does: the
// quarantine then keeps the copy in its local spool and replays it later.
// A missing object is dberr.ErrNotFound.
package objstore

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"vigie.dev/vigie/internal/dberr"
)

// Config says where the bucket is and how to open it.
type Config struct {
	Endpoint  string // http(s)://host[:port]
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
	CAFile    string        // PEM roots to trust for an https endpoint; empty: the system's
	Timeout   time.Duration // per request; 0: 30s
}

// Bucket is one bucket of an object store.
type Bucket struct {
	c        *minio.Client
	bucket   string
	endpoint string
	timeout  time.Duration
}

// Open connects to the store and checks that the bucket exists and that
// the credentials may read it.
func Open(ctx context.Context, cfg Config) (*Bucket, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &Error{EN: fmt.Sprintf("objstore: endpoint %q is not an http(s)://host[:port] address", cfg.Endpoint),
			FR: fmt.Sprintf("stockage objet : l'adresse %q n'est pas de la forme http(s)://hôte[:port]", cfg.Endpoint)}
	}
	tr, err := transport(cfg.CAFile)
	if err != nil {
		return nil, err
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https", Region: cfg.Region, Transport: tr,
		// A node holding an SMTP session waits on Put: a store that does
		// not answer is an outage (the copy is spooled), not a reason to
		// retry for minutes.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("objstore: %s: %w", cfg.Endpoint, err)
	}
	b := &Bucket{c: c, bucket: cfg.Bucket, endpoint: cfg.Endpoint, timeout: cfg.Timeout}
	if b.timeout <= 0 {
		b.timeout = 30 * time.Second
	}
	if err := b.Check(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

func transport(caFile string) (http.RoundTripper, error) {
	tr, err := minio.DefaultTransport(true)
	if err != nil {
		return nil, fmt.Errorf("objstore: %w", err)
	}
	if caFile == "" {
		return tr, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("objstore: ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("objstore: ca_file %s holds no PEM certificate", caFile)
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return tr, nil
}

// Check asks whether the bucket exists, saying plainly what is wrong
// (startup, and the daemon's /healthz), in English and in French (Error).
func (b *Bucket) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	ok, err := b.c.BucketExists(ctx, b.bucket)
	if err != nil {
		if refused(err) {
			return &Error{Err: err,
				EN: fmt.Sprintf("objstore: %s refuses these credentials for bucket %q (check access_key and the secret key, and that the key may read and write the bucket)", b.endpoint, b.bucket),
				FR: fmt.Sprintf("stockage objet : %s refuse ces identifiants pour le seau %q (vérifiez access_key et la clé secrète, et que la clé peut lire et écrire dans le seau)", b.endpoint, b.bucket)}
		}
		return &Error{Err: b.wrap(err),
			EN: fmt.Sprintf("objstore: bucket %q at %s", b.bucket, b.endpoint),
			FR: fmt.Sprintf("stockage objet : le seau %q sur %s ne répond pas (adresse, port, pare-feu, certificat ?)", b.bucket, b.endpoint)}
	}
	if !ok {
		return &Error{
			EN: fmt.Sprintf("objstore: bucket %q does not exist at %s: Vigie does not create it; create it with the store's tools (for instance `mc mb ALIAS/%s`, or `aws s3 mb s3://%s --endpoint-url %s`)",
				b.bucket, b.endpoint, b.bucket, b.bucket, b.endpoint),
			FR: fmt.Sprintf("stockage objet : le seau %q n'existe pas sur %s ; Vigie ne le crée pas : créez-le avec les outils du stockage (par exemple `mc mb ALIAS/%s`, ou `aws s3 mb s3://%s --endpoint-url %s`)",
				b.bucket, b.endpoint, b.bucket, b.bucket, b.endpoint)}
	}
	return nil
}

// Error is a problem with the store said in English (Error, for logs and
// wrapping) and in French (French, for the people who read why Vigie
// does not start); Err is its cause, if any.
type Error struct {
	EN, FR string
	Err    error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.EN
	}
	return e.EN + ": " + e.Err.Error()
}

// French is the error in French, its cause as the store said it.
func (e *Error) French() string {
	if e.Err == nil {
		return e.FR
	}
	return e.FR + " : " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// refused says whether the store refused the credentials: an unknown
// access key or a bad signature (Versity answers an unknown key with
// XAdminUserNotFound and 404).
func refused(err error) bool {
	r := minio.ToErrorResponse(err)
	switch r.Code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "XAdminUserNotFound":
		return true
	}
	return r.StatusCode == 401 || r.StatusCode == 403
}

// wrap marks the failures that mean the store is out of reach.
func (b *Bucket) wrap(err error) error {
	if err == nil || dberr.Unavailable(err) {
		return err
	}
	if r := minio.ToErrorResponse(err); r.StatusCode >= 500 || r.Code == "SlowDown" || r.Code == "RequestTimeout" {
		return fmt.Errorf("%w: %w", dberr.ErrUnavailable, err)
	}
	return err
}

// Put stores data under key, replacing what was there.
func (b *Bucket) Put(ctx context.Context, key string, data []byte) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	_, err := b.c.PutObject(ctx, b.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/gzip", DisableMultipart: true})
	if err != nil {
		return fmt.Errorf("objstore: put %s: %w", key, b.wrap(err))
	}
	return nil
}

// Get returns the object under key, dberr.ErrNotFound when there is none.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	o, err := b.c.GetObject(ctx, b.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		defer o.Close()
		var data []byte
		if data, err = io.ReadAll(o); err == nil {
			return data, nil
		}
	}
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return nil, fmt.Errorf("objstore: get %s: %w", key, dberr.ErrNotFound)
	}
	return nil, fmt.Errorf("objstore: get %s: %w", key, b.wrap(err))
}

// Delete removes the object under key; one already gone is no error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	err := b.c.RemoveObject(ctx, b.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return fmt.Errorf("objstore: delete %s: %w", key, b.wrap(err))
	}
	return nil
}

// List calls fn with the key and time of every object whose key begins
// with prefix, in key order; an error from fn stops the listing.
func (b *Bucket) List(ctx context.Context, prefix string, fn func(key string, modified time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the lister's goroutine when fn stops early
	for o := range b.c.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("objstore: list %s: %w", prefix, b.wrap(o.Err))
		}
		if err := fn(o.Key, o.LastModified); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("objstore: list %s: %w", prefix, err)
	}
	return nil
}
