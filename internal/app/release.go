package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"

	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/store"
)

// ReleaseKey returns the key that signs releases, shared by every node of
// the database. A serving App keeps a copy in data_dir, so that a node
// started while PostgreSQL is down still honours the releases signed with
// it.
func (a *App) ReleaseKey(ctx context.Context) (release.Key, error) {
	if !a.o.Serving {
		return release.LoadKey(ctx, a.DB.Gateway())
	}
	log := a.Log
	path := a.path("release.key")
	k, err := release.LoadKey(ctx, a.DB.Gateway())
	if err == nil {
		if b, rerr := os.ReadFile(path); rerr != nil || string(b) != hex.EncodeToString(k) {
			if werr := durable.WriteFile(path, []byte(hex.EncodeToString(k))); werr != nil {
				log.Warn("release key: local copy not written", "err", werr)
			}
			os.Chmod(path, 0o600)
		}
		return k, nil
	}
	if !store.Unavailable(err) {
		return nil, err
	}
	b, rerr := os.ReadFile(path)
	if k2, derr := hex.DecodeString(strings.TrimSpace(string(b))); rerr == nil && derr == nil && len(k2) >= 16 {
		log.Warn("database unreachable: release key from the local copy", "err", err)
		return k2, nil
	}
	// No copy yet: a key of this run only; releases signed elsewhere are
	// not honoured until the node restarts with the database.
	log.Warn("database unreachable and no local release key: releases signed by other nodes are not honoured", "err", err)
	var r [32]byte
	rand.Read(r[:])
	return release.Key(r[:]), nil
}

// Releaser re-injects released messages, signed with key (package
// release): to serve.quarantine.release_to, else the relay's next hop,
// or from the local Postfix's hold queue; helo is our name there.
func (a *App) Releaser(key release.Key, helo string) *release.Deliverer {
	return release.ForConfig(&a.Config, a.DB.Gateway(), key, helo, a.Log)
}
