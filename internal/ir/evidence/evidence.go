// Package evidence keeps the original bytes an incident relies on — a
// reported message with all its headers, a log export, a screenshot — so
// that they can be handed to a CERT or the police unchanged. Files are
// stored once, content-addressed by SHA-256 under the data directory, and
// made read-only; Export copies an incident's evidence to a directory with a
// manifest of hashes, re-reading every copy to prove it matches.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Record describes one piece of evidence attached to an incident.
type Record struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	Name       string    `json:"name"`                 // original file name, base name only
	MediaType  string    `json:"media_type,omitempty"` // message/rfc822 for a reported message
	AddedAt    time.Time `json:"added_at"`
	AddedBy    string    `json:"added_by"`
	Note       string    `json:"note,omitempty"`
}

// ErrMismatch is returned when stored bytes no longer hash to their name.
var ErrMismatch = errors.New("evidence: content does not match its SHA-256")

// Store is a content-addressed directory of evidence files.
type Store struct {
	dir string
}

// Open returns the store rooted at dir (created when missing).
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o750); err != nil {
		return nil, fmt.Errorf("evidence: create store %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Path returns where the file with that hash is kept.
func (s *Store) Path(sum string) string {
	if len(sum) < 2 {
		return filepath.Join(s.dir, "sha256", "invalid")
	}
	return filepath.Join(s.dir, "sha256", sum[:2], sum)
}

// ValidSum reports whether s is a lower-case hex SHA-256.
func ValidSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Put copies r into the store and returns its SHA-256 and size. Storing the
// same bytes twice keeps one read-only copy.
func (s *Store) Put(r io.Reader) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "sha256"), ".incoming-*")
	if err != nil {
		return "", 0, fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dst := s.Path(sum)
	if _, statErr := os.Stat(dst); statErr == nil {
		os.Remove(tmp.Name())
		return sum, size, nil
	}
	if err = os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	if err = os.Chmod(tmp.Name(), 0o440); err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	return sum, size, nil
}

// Open returns the stored file with that hash.
func (s *Store) Open(sum string) (*os.File, error) {
	if !ValidSum(sum) {
		return nil, fmt.Errorf("evidence: %q is not a SHA-256", sum)
	}
	f, err := os.Open(s.Path(sum))
	if err != nil {
		return nil, fmt.Errorf("evidence: open %s: %w", sum, err)
	}
	return f, nil
}

// ReadAll returns the stored bytes with that hash, checking them.
func (s *Store) ReadAll(sum string) ([]byte, error) {
	f, err := s.Open(sum)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("evidence: read %s: %w", sum, err)
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("evidence: %s: %w", sum, ErrMismatch)
	}
	return b, nil
}

// Verify re-hashes the stored file with that hash.
func (s *Store) Verify(sum string) error {
	f, err := s.Open(sum)
	if err != nil {
		return err
	}
	defer f.Close()
	got, _, err := hashReader(f)
	if err != nil {
		return fmt.Errorf("evidence: verify %s: %w", sum, err)
	}
	if got != sum {
		return fmt.Errorf("evidence: %s: %w (now %s)", sum, ErrMismatch, got)
	}
	return nil
}

func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// SafeName reduces a file name to a portable base name for exports.
func SafeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "evidence"
	}
	if len(s) > 100 {
		s = s[len(s)-100:]
	}
	return s
}
