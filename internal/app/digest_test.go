package app

import (
	"bytes"
	"context"
	"os"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/store/storetest"
)

// Two nodes on one PostgreSQL database sign the digests' links with one
// key — the first node's, which already signed links — and send each
// day's digests once between them.
func TestDigestAcrossNodes(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		nodes := make([]*App, 2)
		for i := range nodes {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			a, err := Open(ctx, cfg, Options{Store: b.DSN})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			nodes[i] = a
		}
		first, err := loadKey(nodes[0].path("digest.key")) // links already sent by node 1
		if err != nil {
			t.Fatal(err)
		}
		k1, err := nodes[0].digestKey(ctx)
		if err != nil || !bytes.Equal(k1, first) {
			t.Fatalf("node 1's key: %v, changed %v", err, !bytes.Equal(k1, first))
		}
		k2, err := nodes[1].digestKey(ctx)
		if err != nil || !bytes.Equal(k2, k1) {
			t.Fatalf("node 2's key: %v, shared %v", err, bytes.Equal(k2, k1))
		}
		if b, _ := os.ReadFile(nodes[1].path("digest.key")); !bytes.Equal(b, k1) {
			t.Error("node 2 keeps no local copy of the shared key")
		}
		once := []func(context.Context, string) (bool, error){nodes[0].digestOnce(), nodes[1].digestOnce()}
		for _, day := range []string{"2026-12-05", "2026-12-06"} {
			senders := 0
			for _, o := range once {
				mine, err := o(ctx, day)
				if err != nil {
					t.Fatal(err)
				}
				if mine {
					senders++
				}
			}
			if senders != 1 {
				t.Errorf("%s: %d nodes send the digests, want 1", day, senders)
			}
		}
	}
}
