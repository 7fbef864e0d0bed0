package journal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Sealer seals a journal head with a key kept outside the database, so a
// chain rewritten from the database alone no longer carries valid seals.
type Sealer interface {
	// Seal returns the seal of an incident's entry.
	Seal(incidentID int64, h Head) (string, error)
	// Check verifies a seal made by Seal.
	Check(incidentID int64, h Head, seal string) error
	// Name says which key it is, for the messages.
	Name() string
}

// sealInput binds the incident, the entry number and the hash.
func sealInput(incidentID int64, h Head) []byte {
	return []byte("vigie journal seal v1\x00" + strconv.FormatInt(incidentID, 10) + "\x00" +
		strconv.FormatInt(h.Seq, 10) + "\x00" + h.Hash)
}

// HMAC seals with HMAC-SHA-256: the same secret seals and checks.
type HMAC struct{ key []byte }

// MinHMACKey is the shortest accepted HMAC key.
const MinHMACKey = 32

// NewHMAC returns a sealer keyed with key (at least MinHMACKey bytes).
func NewHMAC(key []byte) (*HMAC, error) {
	if len(key) < MinHMACKey {
		return nil, fmt.Errorf("journal: HMAC key of %d bytes, want at least %d", len(key), MinHMACKey)
	}
	return &HMAC{key: bytes.Clone(key)}, nil
}

func (s *HMAC) mac(id int64, h Head) string {
	m := hmac.New(sha256.New, s.key)
	m.Write(sealInput(id, h))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}

// Seal implements Sealer.
func (s *HMAC) Seal(id int64, h Head) (string, error) { return s.mac(id, h), nil }

// Check implements Sealer.
func (s *HMAC) Check(id int64, h Head, seal string) error {
	if seal == "" {
		return errors.New("missing")
	}
	if !hmac.Equal([]byte(seal), []byte(s.mac(id, h))) {
		return errors.New("does not match the key")
	}
	return nil
}

// Name implements Sealer.
func (s *HMAC) Name() string { return "HMAC-SHA-256" }

// Ed25519 seals with an ed25519 signature: the private key seals, the
// public key alone checks (what a CERT receives with an export).
type Ed25519 struct {
	priv ed25519.PrivateKey // nil: check only
	pub  ed25519.PublicKey
}

// Seal implements Sealer.
func (s *Ed25519) Seal(id int64, h Head) (string, error) {
	if s.priv == nil {
		return "", errors.New("journal: an ed25519 public key can check seals, not make them")
	}
	return "ed25519:" + base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, sealInput(id, h))), nil
}

// Check implements Sealer.
func (s *Ed25519) Check(id int64, h Head, seal string) error {
	if seal == "" {
		return errors.New("missing")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(seal, "ed25519:"))
	if !strings.HasPrefix(seal, "ed25519:") || err != nil || !ed25519.Verify(s.pub, sealInput(id, h), sig) {
		return errors.New("bad signature")
	}
	return nil
}

// Name implements Sealer.
func (s *Ed25519) Name() string { return "ed25519" }

// Public returns the public key in PEM, to hand to whoever checks exports.
func (s *Ed25519) Public() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(s.pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKey reads an ed25519 public key in PEM ("PUBLIC KEY", as
// Public writes it), which checks seals and cannot make them: what a CERT
// or the console is given; name says where it came from, for errors.
// Anything else, a secret or a private key included, is refused.
func ParsePublicKey(b []byte, name string) (*Ed25519, error) {
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("journal: key %s: larger than %d bytes", name, maxKeyFile)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("journal: key %s: not a PEM public key (-----BEGIN PUBLIC KEY-----)", name)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("journal: key %s: %w", name, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("journal: key %s: not an ed25519 key", name)
	}
	return &Ed25519{pub: pub}, nil
}

// Fingerprint names the public key: the first 16 hex digits of the
// SHA-256 of its raw bytes.
func (s *Ed25519) Fingerprint() string {
	sum := sha256.Sum256(s.pub)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// NewEd25519 returns a sealer from a private key.
func NewEd25519(priv ed25519.PrivateKey) *Ed25519 {
	return &Ed25519{priv: priv, pub: priv.Public().(ed25519.PublicKey)}
}

// maxKeyFile bounds a key file.
const maxKeyFile = 64 << 10

// LoadKey reads a sealing key: a PEM "PRIVATE KEY" (PKCS #8 ed25519) seals
// and checks, a PEM "PUBLIC KEY" (ed25519) only checks, anything else is an
// HMAC secret (surrounding white space removed, at least 32 bytes).
func LoadKey(path string) (Sealer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: key: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("journal: key %s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("journal: key %s: larger than %d bytes", path, maxKeyFile)
	}
	if blk, _ := pem.Decode(b); blk != nil {
		switch blk.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("journal: key %s: %w", path, err)
			}
			priv, ok := k.(ed25519.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("journal: key %s: not an ed25519 key", path)
			}
			return NewEd25519(priv), nil
		case "PUBLIC KEY":
			return ParsePublicKey(b, path)
		}
		return nil, fmt.Errorf("journal: key %s: PEM block %q (want PRIVATE KEY or PUBLIC KEY)", path, blk.Type)
	}
	s, err := NewHMAC(bytes.TrimSpace(b))
	if err != nil {
		return nil, fmt.Errorf("journal: key %s: %w", path, err)
	}
	return s, nil
}
