package quarantine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/objstore"
	"vigie.dev/vigie/internal/objstore/objstoretest"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

const prefix = "vigie/held/"

// objectNode opens a quarantine as one gateway node of several sharing
// dsn and the bucket "held" of srv; on PostgreSQL it also reads the bytes
// older entries keep in the database, as package app wires it.
func objectNode(t testing.TB, dsn string, srv *objstoretest.Server, orphanAge time.Duration) (*quarantine.Store, *store.DB, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := objstore.Open(ctx, objstore.Config{Endpoint: srv.Endpoint, Bucket: "held", AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	o := quarantine.Options{Objects: b, ObjectPrefix: prefix, OrphanAge: orphanAge, MTA: db.Gateway()}
	if db.Dialect() == store.Postgres {
		o.Bodies = db.Quarantine()
	}
	dir := t.TempDir()
	o.SpoolDir = filepath.Join(dir, "spool")
	q, err := quarantine.OpenWith(filepath.Join(dir, "quarantine"), db.Quarantine(), o)
	if err != nil {
		t.Fatal(err)
	}
	return q, db, dir
}

func localFiles(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "quarantine", "*", "*"))
	return files
}

// A message held by one node is kept in the bucket under its entry's id,
// read, released and deleted by another node; retention and size purges,
// two at once, remove the objects with the entries.
func TestObjectBodies(t *testing.T) {
	raw, meta, v := fixture(t)
	srv := objstoretest.Start(t)
	srv.Bucket(t, "held")
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			q1, _, dir1 := objectNode(t, b.DSN, srv, 0)
			q2, _, _ := objectNode(t, b.DSN, srv, 0)
			e, err := q1.Put(ctx, raw, meta, v)
			if err != nil {
				t.Fatal(err)
			}
			key := prefix + e.ID + ".eml.gz"
			if e.Path != "s3:"+key {
				t.Errorf("Path %q, want s3:%s", e.Path, key)
			}
			if keys := srv.Keys(t, "held", prefix); !slices.Equal(keys, []string{key}) {
				t.Errorf("bucket holds %v, want [%s]", keys, key)
			}
			if f := localFiles(dir1); len(f) != 0 {
				t.Errorf("files written on the holding node: %v", f)
			}
			readAndRelease(t, q2, e.ID, raw)
			if err := q2.Delete(ctx, e.ID, "carol"); err != nil {
				t.Fatal(err)
			}
			if keys := srv.Keys(t, "held", prefix); len(keys) != 0 {
				t.Errorf("objects left after the delete: %v", keys)
			}
			var de *quarantine.DeletedError
			if _, _, err := q1.Raw(ctx, e.ID); !errors.As(err, &de) || de.By != "carol" {
				t.Errorf("Raw after delete: %v", err)
			}

			old, err := q1.Put(ctx, raw, meta, v)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the entry to be older than a retention of 1 ms", func() bool { return time.Since(old.CreatedAt) > time.Millisecond })
			if n, err := q2.Purge(ctx, time.Millisecond, 0); err != nil || n != 1 {
				t.Fatalf("retention purge: %d, %v", n, err)
			}
			for range 5 {
				if _, err := q1.Put(ctx, raw, meta, v); err != nil {
					t.Fatal(err)
				}
			}
			if held, purged := purgeAtOnce(t, q1, q2); held != 0 || purged != 5 {
				t.Errorf("after two concurrent purges: %d held, %d purged; want 0 and 5", held, purged)
			}
			if keys := srv.Keys(t, "held", prefix); len(keys) != 0 {
				t.Errorf("objects left after the purges: %v", keys)
			}
		})
	}
}

// heldBucket starts an S3 server with the bucket "held", and returns it
// with the first store backend.
func heldBucket(t *testing.T) (*objstoretest.Server, storetest.Backend) {
	t.Helper()
	srv := objstoretest.Start(t)
	srv.Bucket(t, "held")
	return srv, storetest.Backends(t)[0]
}

// waitFor waits for cond with a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The purge removes the objects no live entry names — a crash between
// an object's Put and its entry's insert, a delete whose object stayed —
// once they are old enough, and nothing else: not a held message's, not
// a key of another shape or outside the prefix, not a young object whose
// entry may be on its way.
func TestObjectOrphans(t *testing.T) {
	raw, meta, v := fixture(t)
	srv, b := heldBucket(t)
	ctx := context.Background()
	patient, db, _ := objectNode(t, b.DSN, srv, 0) // the default hour
	eager, _, _ := objectNode(t, b.DSN, srv, time.Millisecond)

	held, err := patient.Put(ctx, raw, meta, v)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := patient.Put(ctx, raw, meta, v)
	if err != nil {
		t.Fatal(err)
	}
	// Marked deleted behind the quarantine's back: its object stays, as
	// when the object store refused the delete.
	if err := db.Quarantine().MarkDeleted(ctx, gone.ID, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	c := srv.Client(t)
	crashed := prefix + quarantine.NewID(time.Now()) + ".eml.gz" // Put, then the node died
	foreign := []string{prefix + "README.txt", "other/" + quarantine.NewID(time.Now()) + ".eml.gz", prefix + "sub/x.eml.gz"}
	for _, k := range append([]string{crashed}, foreign...) {
		if _, err := c.PutObject(ctx, "held", k, strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := patient.Purge(ctx, 0, 0); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Keys(t, "held", "")); n != 6 {
		t.Errorf("a purge removed young objects: %d left of 6", n)
	}
	waitFor(t, "the orphans to be swept", func() bool {
		if _, err := eager.Purge(ctx, 0, 0); err != nil {
			t.Fatal(err)
		}
		return len(srv.Keys(t, "held", "")) == 4
	})
	want := append([]string{prefix + held.ID + ".eml.gz"}, foreign...)
	slices.Sort(want)
	if keys := srv.Keys(t, "held", ""); !slices.Equal(keys, want) {
		t.Errorf("left %v, want %v", keys, want)
	}
	if got, _, err := eager.Raw(ctx, held.ID); err != nil || string(got) != string(raw) {
		t.Errorf("the held message after the sweep: %v", err)
	}
	// An object lost by the store is said as such, not as a message
	// that does not exist.
	if err := c.RemoveObject(ctx, "held", prefix+held.ID+".eml.gz", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := eager.Raw(ctx, held.ID); err == nil || errors.Is(err, dberr.ErrNotFound) || !strings.Contains(err.Error(), "missing from the bucket") {
		t.Errorf("the held message with its object lost: %v", err)
	}
}

// While the object store is down a held message is kept on local disk and
// acknowledged; it reaches the bucket, once, when the store answers.
func TestObjectStoreOutage(t *testing.T) {
	raw, meta, v := fixture(t)
	srv, b := heldBucket(t)
	ctx := context.Background()
	q1, db, dir1 := objectNode(t, b.DSN, srv, 0)
	q2, _, _ := objectNode(t, b.DSN, srv, 0)
	srv.Stop()
	var ids []string
	var spooled []quarantine.Entry
	for range 2 {
		e, err := q1.Put(ctx, raw, meta, v)
		if err != nil {
			t.Fatalf("Put with the object store down: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir1, "quarantine", e.Path)); err != nil {
			t.Fatalf("local copy: %v", err)
		}
		ids, spooled = append(ids, e.ID), append(spooled, e)
	}
	if q1.Spooled() != 2 {
		t.Errorf("Spooled = %d, want 2", q1.Spooled())
	}
	if _, err := q1.ReplaySpool(ctx); err == nil || q1.Spooled() != 2 {
		t.Errorf("replay with the store down: %v, %d left", err, q1.Spooled())
	}
	srv.Restart(t)
	// The first copy reached the bucket and the database, then the node
	// crashed before its spool forgot it: the replay changes nothing.
	first, err := os.ReadFile(filepath.Join(dir1, "quarantine", spooled[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	key := prefix + ids[0] + ".eml.gz"
	if _, err := srv.Client(t).PutObject(ctx, "held", key, strings.NewReader(string(first)), int64(len(first)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	stored := spooled[0]
	stored.Path = "s3:" + key
	if err := db.Quarantine().Insert(ctx, stored); err != nil {
		t.Fatal(err)
	}
	n, err := q1.ReplaySpool(ctx)
	if err != nil || n != 2 || q1.Spooled() != 0 {
		t.Fatalf("replay = %d, %v, %d left", n, err, q1.Spooled())
	}
	for _, id := range ids {
		got, e, err := q2.Raw(ctx, id)
		if err != nil || string(got) != string(raw) || e.Path != "s3:"+prefix+id+".eml.gz" {
			t.Errorf("%s from the other node after the replay: %v %+v", id, err, e)
		}
	}
	if f := localFiles(dir1); len(f) != 0 {
		t.Errorf("local copies left after the replay: %v", f)
	}
	if c, _ := q2.Count(ctx, quarantine.Query{State: "all"}, 0); c != 2 {
		t.Errorf("%d entries, want 2", c)
	}
}

// Turning the object store on moves nothing: a message held before, its
// bytes in the database, is read and deleted as before by a node with the
// object store; a node without it says where the newer bytes are.
func TestObjectStoreMigration(t *testing.T) {
	raw, meta, v := fixture(t)
	backends := storetest.Backends(t)
	if len(backends) < 2 {
		t.Skip("the database keeps bytes only on PostgreSQL")
	}
	dsn := backends[1].DSN
	srv := objstoretest.Start(t)
	srv.Bucket(t, "held")
	ctx := context.Background()
	before, _ := node(t, dsn, nil)
	after, _, _ := objectNode(t, dsn, srv, 0)
	old, err := before.Put(ctx, raw, meta, v)
	if err != nil || old.Path != "" {
		t.Fatalf("held before: %v %q", err, old.Path)
	}
	if got, _, err := after.Raw(ctx, old.ID); err != nil || string(got) != string(raw) {
		t.Fatalf("the older message from the object store node: %v", err)
	}
	if err := after.Delete(ctx, old.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	e, err := after.Put(ctx, raw, meta, v)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := before.Raw(ctx, e.ID); err == nil || !strings.Contains(err.Error(), "serve.quarantine.object_store") {
		t.Errorf("a node without the object store reading its message: %v", err)
	}
	if keys := srv.Keys(t, "held", prefix); len(keys) != 1 {
		t.Errorf("bucket holds %v, want the newer message only", keys)
	}
}

// A quarantine handed an object store without a folder of its own refuses
// to open: it never writes at the bucket's root, nor beside another use's
// keys, where its purge of stray objects would remove theirs.
func TestObjectPrefixOfItsOwn(t *testing.T) {
	srv := objstoretest.Start(t)
	srv.Bucket(t, "held")
	ctx := context.Background()
	b, err := objstore.Open(ctx, objstore.Config{Endpoint: srv.Endpoint, Bucket: "held", AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	other := "20260101T000000-0a1b2c3d4e.eml.gz" // another use's, shaped like a held message's key
	if err := b.Put(ctx, other, []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "/", "/held/", "held"} {
		q, err := quarantine.OpenWith(filepath.Join(t.TempDir(), "q"), nil, quarantine.Options{Objects: b, ObjectPrefix: p, OrphanAge: time.Nanosecond})
		if err == nil || !strings.Contains(err.Error(), "object prefix") {
			t.Errorf("prefix %q: %v, want a refusal", p, err)
		}
		if q != nil {
			t.Errorf("prefix %q: a store opened", p)
		}
	}
	if keys := srv.Keys(t, "held", ""); !slices.Equal(keys, []string{other}) {
		t.Errorf("bucket holds %v, want only [%s]", keys, other)
	}
}
