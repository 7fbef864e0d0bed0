package quarantine_test

import (
	"context"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/objstore/objstoretest"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// BenchmarkPut holds one phishing message (the chorus-pro fixture) the
// ways a quarantine keeps its bytes, measured in the same run: a file
// beside SQLite metadata, the database itself (PostgreSQL), and an object
// in a real S3 server (Versity over a local directory) with either store
// for the metadata. Put is on the gateway's path: the message is
// acknowledged once it returns.
//
//	VIGIE_TEST_S3_SERVER=$(scripts/install-s3-server.sh) VIGIE_TEST_POSTGRES=$(scripts/pg-test-start.sh) \
//	  go test -run '^$' -bench Put -benchtime 200x -count 3 ./internal/quarantine/
func BenchmarkPut(b *testing.B) {
	raw, meta, v := fixture(b)
	srv := objstoretest.Start(b)
	srv.Bucket(b, "held")
	for _, be := range storetest.Backends(b) {
		plain := "file" // bytes beside SQLite
		if be.Name != "sqlite" {
			plain = "database"
		}
		ways := []struct {
			name    string
			objects bool
		}{{plain, false}, {"s3", true}}
		for _, w := range ways {
			b.Run(be.Name+"-"+w.name, func(b *testing.B) {
				var q *quarantine.Store
				if w.objects {
					q, _, _ = objectNode(b, be.DSN, srv, 0)
				} else {
					q = plainNode(b, be.DSN)
				}
				ctx := context.Background()
				b.SetBytes(int64(len(raw)))
				for b.Loop() {
					if _, err := q.Put(ctx, raw, meta, v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// plainNode is a quarantine without an object store, as package app opens
// it: bytes in files with SQLite, in the database with PostgreSQL.
func plainNode(b *testing.B, dsn string) *quarantine.Store {
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	o := quarantine.Options{MTA: db.Gateway()}
	if db.Dialect() == store.Postgres {
		o.Bodies = db.Quarantine()
	}
	q, err := quarantine.OpenWith(filepath.Join(b.TempDir(), "quarantine"), db.Quarantine(), o)
	if err != nil {
		b.Fatal(err)
	}
	return q
}
