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

// Record describes one piece of evidence attached to an incident, with
// its chain of custody: who collected it, from where and when (Source,
// CollectedBy, CollectedAt), who entered it into Vigie and when (AddedBy,
// AddedAt); exports add who handed it on.
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
	// Source is where it was collected: a host and path, a mailbox, a URL.
	Source      string    `json:"source,omitempty"`
	CollectedBy string    `json:"collected_by,omitempty"`
	CollectedAt time.Time `json:"collected_at,omitzero"`
	// Subject is a reported message's Subject (for the user warning).
	Subject string `json:"subject,omitempty"`
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

// ErrTooLarge is returned for content over the size limit.
var ErrTooLarge = errors.New("evidence: too large")

// Put copies r into the store and returns its SHA-256 and size. Storing the
// same bytes twice keeps one read-only copy. Content longer than max bytes
// (max > 0) is refused and nothing is kept.
func (s *Store) Put(r io.Reader, max int64) (sum string, size int64, err error) {
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
	if max > 0 {
		r = io.LimitReader(r, max+1)
	}
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("evidence: store: %w", err)
	}
	if max > 0 && size > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
		return "", 0, err
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

// OpenFile opens a file given as evidence without following a symbolic
// link (a link to /etc/shadow planted where the responder looks is refused,
// not copied as root) and only if it is a regular file (a device such as
// /dev/zero, a FIFO or a directory is refused). The file is checked to be
// the one inspected, so it cannot be swapped between the check and the
// open.
func OpenFile(path string) (*os.File, os.FileInfo, error) {
	lst, err := os.Lstat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: %w", err)
	}
	if lst.Mode()&os.ModeSymlink != 0 {
		return nil, nil, &FileError{Path: path, Reason: "symlink"}
	}
	if !lst.Mode().IsRegular() {
		return nil, nil, &FileError{Path: path, Reason: "not-regular"}
	}
	f, err := openNoFollow(path)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: %w", err)
	}
	st, err := f.Stat()
	if err != nil || !os.SameFile(lst, st) || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &FileError{Path: path, Reason: "swapped"}
	}
	return f, st, nil
}

// FileError is a file refused as evidence.
type FileError struct {
	Path   string
	Reason string // symlink, not-regular, swapped
}

func (e *FileError) Error() string {
	switch e.Reason {
	case "symlink":
		return "evidence: " + e.Path + " is a symbolic link: give the file it points to, after checking it"
	case "not-regular":
		return "evidence: " + e.Path + " is not a regular file"
	}
	return "evidence: " + e.Path + " changed while it was opened"
}

// FR is the message in French.
func (e *FileError) FR() string {
	switch e.Reason {
	case "symlink":
		return e.Path + " est un lien symbolique : il n'est pas suivi ; donnez le fichier visé après l'avoir vérifié"
	case "not-regular":
		return e.Path + " n'est pas un fichier ordinaire (périphérique, tube ou répertoire refusé)"
	}
	return e.Path + " a changé pendant son ouverture"
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
