// Package quarantine keeps the messages the gateway held back: the original
// bytes gzip-compressed, in a file under the data directory (written with
// fsync and rename, so a message acknowledged as quarantined survives a
// crash) or, when several nodes share a PostgreSQL store, in the database
// with their metadata (Bodies: any node reads, releases or deletes any
// held message; copies made while the database is down wait in a local
// spool, see spool.go) or in an S3-compatible bucket (Objects, see
// objects.go), their metadata in a Repository (package store
// implements it), with the end users' release requests. An operator lists, reads, releases
// (re-injects to the next hop, recording who) or deletes them; a purge job
// enforces retention and a size limit.
package quarantine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// ErrNotHeld is returned when releasing an entry that was already released
// or deleted, or does not exist.
var ErrNotHeld = errors.New("quarantine: no such held message")

// DeletedError is returned when reading a message whose bytes were
// deleted (by an operator or the retention purge); the row remains.
type DeletedError struct {
	ID, By string
	At     time.Time
}

func (e *DeletedError) Error() string {
	return fmt.Sprintf("quarantine: %s was deleted by %s at %s", e.ID, e.By, e.At.Format(time.RFC3339))
}

// BusyError is returned by Release when another release of the message
// is under way (another console or node); it is still held.
type BusyError struct {
	ID, By string
	Until  time.Time
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("quarantine: %s is being released by %s (until %s at the latest)", e.ID, e.By, e.Until.Format(time.RFC3339))
}

// claimFor is how long a release may take before another may try: past
// it, the node that claimed the message is taken for dead.
const claimFor = 10 * time.Minute

// DeliveryError is returned by Release when the next hop did not take
// the message: it is still held, and a later release may succeed.
type DeliveryError struct {
	ID  string
	Err error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("quarantine: release %s: next hop: %v (still held)", e.ID, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Deliverer re-injects a released message (an SMTP client to the next hop).
type Deliverer interface {
	Deliver(ctx context.Context, from string, to []string, raw []byte) error
}

// Store is the quarantine.
type Store struct {
	dir    string
	repo   Repository
	bodies Bodies
	// objects, when set, takes the bytes of new entries under objPrefix.
	objects   Objects
	objPrefix string
	orphanAge time.Duration
	mta       MTARepository
	log       *slog.Logger
	spool     *outageSpool
	// Learner, when set before use, learns the operators' decisions as
	// they are taken (see Decide); without one they wait for Replay.
	Learner Learner
}

// Open returns the quarantine kept in dir with metadata in repo. log may
// be nil.
func Open(dir string, repo Repository, log *slog.Logger) (*Store, error) {
	return OpenWith(dir, repo, Options{Log: log})
}

// Options tune OpenWith.
type Options struct {
	// Bodies, when set, keeps new messages' bytes in the database
	// (several nodes sharing one store); dir then holds only the files of
	// older entries and the copies spooled while the database is down.
	Bodies Bodies
	// Objects, when set, keeps new messages' bytes in an object store's
	// bucket, under keys beginning with ObjectPrefix; Bodies still reads
	// the entries recorded in the database before.
	Objects      Objects
	ObjectPrefix string
	// OrphanAge is how old an object without a live entry must be before
	// Purge removes it; 0: an hour (see orphanAge).
	OrphanAge time.Duration
	// SpoolDir, with Bodies or Objects, is where the copies the database
	// or the object store could not take wait (durably) until they can;
	// empty: such a message is refused with a temporary failure.
	SpoolDir string
	// MTA records what the MTA did with each held message (PutMTA).
	MTA MTARepository
	Log *slog.Logger
}

// OpenWith returns the quarantine kept in dir with metadata in repo.
func OpenWith(dir string, repo Repository, o Options) (*Store, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Objects != nil && (o.ObjectPrefix == "" || o.ObjectPrefix[0] == '/' || !strings.HasSuffix(o.ObjectPrefix, "/")) {
		// Keys at the bucket's root, or beside another use's: the purge of
		// stray objects would remove theirs (config.ObjectStoreCfg checks
		// the prefix, and says so in French too).
		return nil, fmt.Errorf("quarantine: object prefix %q: want a folder of the bucket, \"vigie/quarantine/\" for instance", o.ObjectPrefix)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	s := &Store{dir: dir, repo: repo, bodies: o.Bodies, objects: o.Objects, objPrefix: o.ObjectPrefix,
		orphanAge: o.OrphanAge, mta: o.MTA, log: log}
	if s.orphanAge <= 0 {
		s.orphanAge = orphanAge
	}
	if (o.Bodies != nil || o.Objects != nil) && o.SpoolDir != "" {
		sp, err := openOutageSpool(o.SpoolDir)
		if err != nil {
			return nil, err
		}
		s.spool = sp
		if n := sp.Len(); n > 0 {
			log.Warn("quarantine: copies spooled by an earlier run, replaying when the database answers", "messages", n)
		}
	}
	return s, nil
}

// Meta is what the front end knows of a message besides its verdict.
type Meta struct {
	Frontend string
	Envelope scan.Envelope
}

// NewID returns a fresh entry identifier: a sortable time prefix and
// randomness, safe in file names.
func NewID(now time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// Put stores raw durably and records its metadata; only once it returns nil
// may the front end acknowledge the message.
func (s *Store) Put(ctx context.Context, raw []byte, m Meta, v *scan.Verdict) (Entry, error) {
	now := time.Now().UTC()
	id := NewID(now)
	gz, err := compress(raw)
	if err != nil {
		return Entry{}, err
	}
	sum := sha256.Sum256(raw)
	e := Entry{
		ID: id, CreatedAt: now, Frontend: m.Frontend,
		MailFrom: strings.Trim(m.Envelope.MailFrom, "<>"), RcptTo: m.Envelope.RcptTo,
		Size: int64(len(raw)), StoredSize: int64(len(gz)), SHA256: hex.EncodeToString(sum[:]),
	}
	if m.Envelope.ClientIP.IsValid() {
		e.ClientIP = m.Envelope.ClientIP.String()
	}
	e.FromName = displayName(raw)
	if v != nil {
		e.From, e.Subject, e.MessageID, e.Score = v.Indicators.FromAddress, v.Indicators.Subject, v.Indicators.MessageID, v.Score
		for _, sg := range v.Signals {
			e.Signals = append(e.Signals, sg.Name)
		}
	}
	if s.bodies != nil || s.objects != nil {
		kept, err := s.keep(ctx, e, gz)
		if err == nil {
			return kept, nil
		}
		if s.spool == nil || !dberr.Unavailable(err) {
			return Entry{}, fmt.Errorf("quarantine: %w", err)
		}
		return s.putSpooled(e, gz, err)
	}
	e.Path = s.fileOf(e)
	if err := writeFileSync(filepath.Join(s.dir, e.Path), gz); err != nil {
		return Entry{}, fmt.Errorf("quarantine: store %s: %w", id, err)
	}
	if err := s.repo.Insert(ctx, e); err != nil {
		os.Remove(filepath.Join(s.dir, e.Path))
		return Entry{}, fmt.Errorf("quarantine: %w", err)
	}
	return e, nil
}

// keep stores e and its bytes in the object store or the database, as
// configured: only once it returns nil is the message held.
func (s *Store) keep(ctx context.Context, e Entry, gz []byte) (Entry, error) {
	if s.objects != nil {
		return s.putObject(ctx, e, gz)
	}
	return e, s.bodies.InsertWithBody(ctx, e, gz)
}

// fileOf is where e's bytes go when kept in a file, relative to the
// quarantine's directory.
func (s *Store) fileOf(e Entry) string {
	return filepath.Join(e.CreatedAt.Format("2006-01-02"), e.ID+".eml.gz")
}

func compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("quarantine: compress: %w", err)
	}
	return buf.Bytes(), nil
}

// writeFileSync writes data durably (package durable), creating the directory.
func writeFileSync(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return durable.WriteFile(path, data)
}

// displayName is the From header's display name, read from the header
// section alone with the message parser's limits.
func displayName(raw []byte) string {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 && (end < 0 || i < end) {
		end = i
	}
	if end < 0 {
		end = len(raw)
	}
	m := message.Parse(raw[:end], message.DefaultLimits())
	name := strings.TrimSpace(m.FromAddr().Name)
	if len(name) > 200 {
		name = strings.ToValidUTF8(name[:200], "")
	}
	return name
}

// Page returns a page of the list (keyset paging, see Query).
func (s *Store) Page(ctx context.Context, q Query) ([]Entry, bool, error) {
	return s.repo.Page(ctx, q)
}

// Count counts the entries a query selects, up to max (0: all).
func (s *Store) Count(ctx context.Context, q Query, max int) (int, error) {
	return s.repo.Count(ctx, q, max)
}

// Held counts the messages still held and their original bytes.
func (s *Store) Held(ctx context.Context) (int, int64, error) { return s.repo.Held(ctx) }

// List returns entries, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, error) {
	return s.repo.List(ctx, f)
}

// Get returns an entry's metadata.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	return s.repo.Get(ctx, id)
}

// Raw returns an entry's original bytes.
func (s *Store) Raw(ctx context.Context, id string) ([]byte, Entry, error) {
	e, err := s.repo.Get(ctx, id)
	if err != nil {
		return nil, e, fmt.Errorf("quarantine: %s: %w", id, err)
	}
	if !e.DeletedAt.IsZero() {
		return nil, e, &DeletedError{ID: id, By: e.DeletedBy, At: e.DeletedAt}
	}
	gz, err := s.stored(ctx, e)
	if err != nil {
		return nil, e, fmt.Errorf("quarantine: %s: %w", id, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, e, fmt.Errorf("quarantine: %s: %w", id, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, e.Size+1))
	if err != nil {
		return nil, e, fmt.Errorf("quarantine: %s: %w", id, err)
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != e.SHA256 {
		return nil, e, fmt.Errorf("quarantine: %s: stored bytes do not match their SHA-256", id)
	}
	return raw, e, nil
}

// stored returns e's compressed bytes, from the object store, the
// database or its file.
func (s *Store) stored(ctx context.Context, e Entry) ([]byte, error) {
	if key, ok := objectOf(e); ok {
		if s.objects == nil {
			return nil, errors.New("its bytes are kept in the object store and this node's configuration names none (serve.quarantine.object_store)")
		}
		b, err := s.objects.Get(ctx, key)
		if errors.Is(err, dberr.ErrNotFound) {
			// The entry is there, its bytes are not: not a missing message
			// (404) but a store that lost one, or a bucket or endpoint
			// changed under the configuration.
			return nil, fmt.Errorf("its object %s is missing from the bucket (was the bucket, the endpoint or its content changed?)", key)
		}
		return b, err
	}
	if e.Path == "" {
		if s.bodies == nil {
			return nil, errors.New("its bytes are kept in the database and this quarantine does not read them there")
		}
		return s.bodies.Body(ctx, e.ID)
	}
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.Clean(e.Path)))
	if errors.Is(err, os.ErrNotExist) && s.bodies != nil {
		return nil, fmt.Errorf("%w (a file of the node that held it, before its bytes were kept in the database)", err)
	}
	return b, err
}

// Release re-injects a held message to its original recipients through d
// and records who released it. The message stays on disk (retention
// removes it) so a mistaken release can be investigated.
func (s *Store) Release(ctx context.Context, id, by string, d Deliverer) (Entry, error) {
	raw, e, err := s.Raw(ctx, id)
	if err != nil {
		return e, err
	}
	if !e.ReleasedAt.IsZero() {
		return e, fmt.Errorf("%w: %s was released by %s at %s", ErrNotHeld, id, e.ReleasedBy, e.ReleasedAt.Format(time.RFC3339))
	}
	if len(e.RcptTo) == 0 {
		return e, fmt.Errorf("quarantine: %s has no recipients to release to", id)
	}
	now := time.Now().UTC()
	if err := s.repo.Claim(ctx, id, by, now, now.Add(claimFor)); err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return e, fmt.Errorf("%w: %s (released or deleted meanwhile)", ErrNotHeld, id)
		}
		return e, err
	}
	if err := d.Deliver(ctx, e.MailFrom, e.RcptTo, raw); err != nil {
		if uerr := s.repo.Unclaim(context.WithoutCancel(ctx), id, by); uerr != nil {
			s.log.Warn("quarantine: release claim not ended, it expires by itself", "id", id, "err", uerr)
		}
		return e, &DeliveryError{ID: id, Err: err}
	}
	now = time.Now().UTC()
	if err := s.repo.MarkReleased(ctx, id, by, now); err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return e, fmt.Errorf("%w: %s (released concurrently)", ErrNotHeld, id)
		}
		return e, fmt.Errorf("quarantine: release %s: delivered but not recorded: %w", id, err)
	}
	e.ReleasedAt, e.ReleasedBy = now, by
	s.log.Info("quarantine release", "id", id, "by", by, "rcpt", e.RcptTo)
	return e, nil
}

// Delete removes a message's bytes and records who did it.
func (s *Store) Delete(ctx context.Context, id, by string) error {
	e, err := s.repo.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("quarantine: %s: %w", id, err)
	}
	if err := s.repo.MarkDeleted(ctx, id, by, time.Now().UTC()); err != nil {
		return fmt.Errorf("quarantine: delete %s: %w", id, err)
	}
	if e.Path == "" {
		return nil // the database dropped the bytes with MarkDeleted
	}
	if key, ok := objectOf(e); ok {
		if s.objects == nil {
			s.log.Warn("quarantine: deleted entry's object left for a node with the object store configured to purge", "id", id, "key", key)
			return nil
		}
		if err := s.objects.Delete(ctx, key); err != nil {
			return fmt.Errorf("quarantine: delete %s: entry marked deleted, its object left for the purge: %w", id, err)
		}
		return nil
	}
	if err := os.Remove(filepath.Join(s.dir, filepath.Clean(e.Path))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("quarantine: delete %s: %w", id, err)
	}
	return nil
}

// Purge deletes entries older than retention, then the oldest ones until
// the stored bytes fit in maxBytes (0: no size limit). It returns how many
// it deleted.
func (s *Store) Purge(ctx context.Context, retention time.Duration, maxBytes int64) (int, error) {
	rows, err := s.repo.Stored(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, r := range rows {
		total += r.StoredSize
	}
	cutoff := time.Now().Add(-retention)
	n := 0
	live := map[string]bool{} // the objects of the entries kept
	for _, r := range rows {
		if key, ok := objectOf(r); ok {
			live[key] = true
		}
	}
	for _, r := range rows {
		old := retention > 0 && r.CreatedAt.Before(cutoff)
		over := maxBytes > 0 && total > maxBytes
		if !old && !over {
			break // rows are oldest first
		}
		reason := "purge:retention"
		if !old {
			reason = "purge:size"
		}
		if err := s.Delete(ctx, r.ID, reason); err != nil {
			if !errors.Is(err, dberr.ErrNotFound) {
				return n, err
			}
			// Another node's purge deleted it first.
			total -= r.StoredSize
			continue
		}
		total -= r.StoredSize
		n++
		if key, ok := objectOf(r); ok {
			delete(live, key)
		}
	}
	if n > 0 {
		s.log.Info("quarantine purge", "deleted", n, "stored_bytes", total)
	}
	if s.objects != nil {
		if _, err := s.sweepObjects(ctx, live); err != nil {
			return n, err
		}
	}
	return n, nil
}
