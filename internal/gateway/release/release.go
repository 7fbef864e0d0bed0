// Package release lets a quarantined message out once, without the
// gateway scanning and holding it again on its way to the mailbox.
//
// A released copy is re-injected over SMTP (serve.quarantine.release_to:
// the Postfix that runs Vigie's milter, or the relay's next hop) with an
// X-Vigie-Release header field signed with a key every node of the
// database shares (table gateway_secrets):
//
//	X-Vigie-Release: sha256=<SHA-256 of the quarantined bytes>; t=<Unix time>; mac=<HMAC-SHA256>
//
// The MAC covers the quarantined message's digest, the time and a digest
// of the body as re-injected, so the field cannot be moved to another
// message nor forged without the key. The milter and the relay accept a
// message whose field verifies (signed less than MaxAge ago) without
// scanning it, mark it X-Vigie-Verdict: released, and remove the field
// like every other X-Vigie-* field; one whose field does not verify is
// scanned like any other, and if it is quarantined again the new entry
// records the digest it claimed, which the releasing side looks for after
// the next hop's 250: a release that looped is reported as such, never as
// delivered.
//
// In the milter's hold mode Postfix keeps its own copy in its hold queue.
// Deliverer releases that copy with postsuper -H when it can, refuses to
// deliver a second copy when Postfix's has already left the hold queue
// (released with postsuper -H, or deleted), and otherwise re-injects
// Vigie's copy and says that Postfix still holds one.
package release

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header is the name of the signed field.
const Header = "X-Vigie-Release"

// MaxAge bounds the age of a signature the gateway honours: a release
// reaches the milter or the relay within seconds of being signed.
const MaxAge = time.Hour

// Key signs and verifies releases.
type Key []byte

// Secrets keeps the secrets every node shares (package store).
type Secrets interface {
	// Secret returns the secret called name, storing the one generate
	// makes when there is none yet.
	Secret(ctx context.Context, name string, generate func() (string, error)) (string, error)
}

// LoadKey returns the shared release key, creating it on first use.
func LoadKey(ctx context.Context, secrets Secrets) (Key, error) {
	v, err := secrets.Secret(ctx, "release-hmac", func() (string, error) {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("release: key: %w", err)
		}
		return hex.EncodeToString(b[:]), nil
	})
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 16 {
		return nil, errors.New("release: stored key is not usable")
	}
	return k, nil
}

// Sum returns the hex SHA-256 of a quarantined message, as the quarantine
// records it.
func Sum(raw []byte) string {
	s := sha256.Sum256(raw)
	return hex.EncodeToString(s[:])
}

// Sign returns the X-Vigie-Release value for the quarantined bytes raw,
// re-injected as they are below the field.
func (k Key) Sign(raw []byte, now time.Time) string { return k.signAs(Sum(raw), raw, now) }

// signAs signs raw, re-injected as it is below the field, as the release
// of the quarantined message whose digest is sum (raw carries a warning
// the quarantined bytes did not).
func (k Key) signAs(sum string, raw []byte, now time.Time) string {
	t := now.Unix()
	return fmt.Sprintf("sha256=%s; t=%d; mac=%s", sum, t, k.mac(sum, t, bodyOf(raw)))
}

func (k Key) mac(sum string, t int64, body []byte) string {
	h := hmac.New(sha256.New, k)
	fmt.Fprintf(h, "vigie-release-v1\n%s\n%d\n", sum, t)
	h.Write(bodyDigest(body))
	return base64.RawStdEncoding.EncodeToString(h.Sum(nil))
}

// Errors of Verify.
var (
	ErrMalformed = errors.New("release: malformed " + Header + " field")
	ErrBadMAC    = errors.New("release: " + Header + " does not verify")
	ErrExpired   = errors.New("release: " + Header + " signed too long ago")
)

// Verify checks a field value against the body of the message that
// carries it and returns the digest it names. The digest is returned even
// when err is not nil, if the value named one: a quarantine entry records
// it, so that a release that came back is recognised.
func (k Key) Verify(value string, body []byte, now time.Time) (sum string, err error) {
	var (
		t   int64
		mac string
	)
	for _, kv := range strings.Split(value, ";") {
		name, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			continue
		}
		switch strings.ToLower(name) {
		case "sha256":
			if len(v) == 64 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "" {
				sum = strings.ToLower(v)
			}
		case "t":
			t, _ = strconv.ParseInt(v, 10, 64)
		case "mac":
			mac = strings.TrimSpace(v)
		}
	}
	if sum == "" || t == 0 || mac == "" {
		return sum, ErrMalformed
	}
	if len(k) == 0 || !hmac.Equal([]byte(k.mac(sum, t, body)), []byte(mac)) {
		return sum, ErrBadMAC
	}
	if at := time.Unix(t, 0); now.Sub(at) > MaxAge || at.Sub(now) > 5*time.Minute {
		return sum, ErrExpired
	}
	return sum, nil
}

// bodyOf returns what follows the header block of raw.
func bodyOf(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[i+4:]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[i+2:]
	}
	return nil
}

// BodyOf is bodyOf for the front ends, which verify what they received.
func BodyOf(raw []byte) []byte { return bodyOf(raw) }

// bodyDigest hashes the body with every line ending as CRLF and the
// trailing empty lines removed (RFC 6376 §3.4.3's simple canonicalization,
// plus line endings): an MTA on the way may change neither more.
func bodyDigest(body []byte) []byte {
	h := sha256.New()
	lines := bytes.Split(body, []byte("\n"))
	for len(lines) > 0 && len(bytes.TrimRight(lines[len(lines)-1], "\r")) == 0 {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		h.Write(bytes.TrimSuffix(l, []byte("\r")))
		h.Write([]byte("\r\n"))
	}
	return h.Sum(nil)
}
