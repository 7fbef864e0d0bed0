package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/store"
)

// With several nodes (PostgreSQL), the end users' digests behave as one
// service: the key that signs their links is shared, so that a link works
// on whichever node's console answers it, and each day's digests are sent
// by one node only — the first to claim the day.

// digestKey is the key that signs the digests' links: data_dir/digest.key
// alone with SQLite; with PostgreSQL the one every node shares (in
// gateway_secrets, seeded by the first node's local key so that the
// links it already sent stay valid), copied to data_dir/digest.key for
// the times the database is down.
func (a *App) digestKey(ctx context.Context) ([]byte, error) {
	path := a.path("digest.key")
	local, err := loadKey(path)
	if err != nil || a.DB.Dialect() != store.Postgres {
		return local, err
	}
	v, err := a.DB.Gateway().Secret(ctx, "digest-hmac", func() (string, error) { return hex.EncodeToString(local), nil })
	if err != nil {
		if store.Unavailable(err) {
			a.Log.Warn("digest: database unreachable, links signed with this node's key", "err", err)
			return local, nil
		}
		return nil, err
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) != 32 {
		return nil, errors.New("app: digest: the shared key is not usable")
	}
	if !bytes.Equal(k, local) {
		if err := durable.WriteFile(path, k); err != nil {
			a.Log.Warn("digest: local copy of the shared key not written", "err", err)
		}
	}
	return k, nil
}

// digestOnce says whether this node sends the digests of a day: with
// PostgreSQL the first node to ask claims the day (a row in
// gateway_secrets named for it, first writer wins) and the others skip
// it; nil with SQLite (one node).
func (a *App) digestOnce() func(ctx context.Context, day string) (bool, error) {
	if a.DB.Dialect() != store.Postgres {
		return nil
	}
	var r [6]byte
	rand.Read(r[:])
	me := fmt.Sprintf("%s/%x", release.NodeName(&a.Config), r)
	return func(ctx context.Context, day string) (bool, error) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := a.DB.Gateway().Secret(ctx, "digest-sent:"+day, func() (string, error) { return me, nil })
		return v == me, err
	}
}
