package main

import (
	"context"
	"log/slog"
	"os"

	"vigie.dev/vigie/internal/store"
)

// envStore names the variable holding the default store DSN.
const envStore = "VIGIE_STORE"

// defaultStoreDSN is $VIGIE_STORE, else an SQLite file under vigie-data/.
func defaultStoreDSN() string {
	if dsn := os.Getenv(envStore); dsn != "" {
		return dsn
	}
	return "sqlite:vigie-data/vigie.db"
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
