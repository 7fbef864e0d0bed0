package main

import (
	"context"
	"log/slog"
	"os"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/store"
)

// envStore names the variable holding the default store DSN.
const envStore = config.EnvStore

// defaultStoreDSN is the store of the embedded configuration: $VIGIE_STORE,
// else an SQLite file under vigie-data/. Commands that take --config use
// config.StoreDSN with the file's settings instead.
func defaultStoreDSN() string {
	c := config.Default()
	return c.StoreDSN("")
}

// openStore opens the store named by dsn (defaultStoreDSN when empty),
// creating an SQLite file's directory, and applies migrations.
func openStore(ctx context.Context, dsn string) (*store.DB, error) {
	if dsn == "" {
		dsn = defaultStoreDSN()
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return store.Open(ctx, dsn, log)
}
