package quarantine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/dberr"
)

// Objects is a bucket of an S3-compatible object store (package objstore
// implements it). With one, a held message's compressed bytes go to the
// object <prefix><entry id>.eml.gz before its entry is recorded, and the
// entry's Path is "s3:" and that key: every node naming the same bucket
// reads, releases and deletes it. The key is the entry's id (a time and
// random bits), nothing read from the message. Entries recorded before
// keep their bytes where they were (a file, or the database).
type Objects interface {
	Put(ctx context.Context, key string, data []byte) error
	// Get returns an object (dberr.ErrNotFound: there is none).
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes an object; one already gone is no error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key begins with prefix.
	List(ctx context.Context, prefix string, fn func(key string, modified time.Time) error) error
	// Check says whether the bucket answers.
	Check(ctx context.Context) error
}

// CheckObjects says whether the object store answers (nil without one).
func (s *Store) CheckObjects(ctx context.Context) error {
	if s.objects == nil {
		return nil
	}
	return s.objects.Check(ctx)
}

// objectScheme begins the Path of an entry whose bytes are an object.
const objectScheme = "s3:"

// orphanAge is how old an object without a live entry must be before a
// purge removes it: a Put in flight, on any node, has written its object
// and not yet its entry for far less than this.
const orphanAge = time.Hour

// objectKey is the key of an entry's bytes; objectOf reads it back from
// the entry.
func (s *Store) objectKey(id string) string { return s.objPrefix + id + ".eml.gz" }

func objectOf(e Entry) (string, bool) { return strings.CutPrefix(e.Path, objectScheme) }

// putObject stores gz as e's object, then records e: a message is never
// recorded (and acknowledged) without its bytes. When the entry cannot be
// recorded the object is removed again, or, should that fail too, left
// for the purge (sweepObjects). An entry already recorded (a spooled copy
// replayed twice) counts as stored.
func (s *Store) putObject(ctx context.Context, e Entry, gz []byte) (Entry, error) {
	key := s.objectKey(e.ID)
	e.Path = objectScheme + key
	if err := s.objects.Put(ctx, key, gz); err != nil {
		return Entry{}, fmt.Errorf("object store: %w", err)
	}
	err := s.repo.Insert(ctx, e)
	if err == nil {
		return e, nil
	}
	bg := context.WithoutCancel(ctx)
	if got, gerr := s.repo.Get(bg, e.ID); gerr == nil {
		if !got.DeletedAt.IsZero() {
			s.dropObject(bg, key) // deleted since: the copy just written goes
		}
		return got, nil
	}
	s.dropObject(bg, key)
	return Entry{}, err
}

func (s *Store) dropObject(ctx context.Context, key string) {
	if err := s.objects.Delete(ctx, key); err != nil {
		s.log.Warn("quarantine: object without an entry left for the purge to remove", "key", key, "err", err)
	}
}

// sweepObjects removes the objects under the prefix that no live entry
// names — left by a crash between an object's Put and its entry's
// insert, or by a delete whose object the store refused to remove — once
// they are older than orphanAge. live are the keys the stored entries
// name; an object missing from it is looked up again before it goes, since
// another node may have recorded it since. It returns how many it removed.
//
// Only keys of the form <prefix><id>.eml.gz are touched; the prefix must
// belong to this store alone (docs/cluster.md).
func (s *Store) sweepObjects(ctx context.Context, live map[string]bool) (int, error) {
	cutoff := time.Now().Add(-s.orphanAge)
	var orphans []string
	err := s.objects.List(ctx, s.objPrefix, func(key string, modified time.Time) error {
		id, ok := strings.CutSuffix(strings.TrimPrefix(key, s.objPrefix), ".eml.gz")
		if !ok || id == "" || strings.Contains(id, "/") || live[key] || modified.After(cutoff) {
			return nil
		}
		e, err := s.repo.Get(ctx, id)
		switch {
		case err == nil && e.DeletedAt.IsZero() && e.Path == objectScheme+key:
			return nil // recorded after live was read
		case err != nil && !errors.Is(err, dberr.ErrNotFound):
			return err
		}
		orphans = append(orphans, key)
		return nil
	})
	n := 0
	for _, key := range orphans {
		if derr := s.objects.Delete(ctx, key); derr != nil {
			return n, derr
		}
		n++
	}
	if n > 0 {
		s.log.Info("quarantine purge: objects without a live entry removed", "objects", n)
	}
	if err != nil {
		return n, fmt.Errorf("quarantine: sweep the object store: %w", err)
	}
	return n, nil
}
