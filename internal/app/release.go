package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"

	"vigie.dev/vigie/internal/checks/invoice"
	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/gateway/release"
	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/suppliers"
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
// A suspect invoice keeps its warning for accounting (releaseWarner).
func (a *App) Releaser(key release.Key, helo string) *release.Deliverer {
	d := release.ForConfig(&a.Config, a.DB.Gateway(), key, helo, a.Log)
	d.Warn = &releaseWarner{books: &suppliers.Cache{Store: a.Suppliers(), Log: a.Log}, limits: a.Config.MessageLimits()}
	return d
}

// releaseWarner gives the warnings of the invoice family a released
// message must still carry (invoice.Released), read against the supplier
// register as it is now: an IBAN confirmed since the quarantine lifts
// the warning, nothing else does.
type releaseWarner struct {
	books  *suppliers.Cache
	limits message.Limits
}

// Warnings implements release.Warner.
func (w *releaseWarner) Warnings(ctx context.Context, e quarantine.Entry, raw []byte) release.Warning {
	banners, subject := invoice.Released(w.books.Book(ctx), e.Signals, message.Parse(raw, w.limits), docs.Limits{})
	return release.Warning{Banners: banners, Subject: subject}
}
