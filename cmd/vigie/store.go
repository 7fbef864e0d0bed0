package main

import (
	"io"
	"log/slog"

	"vigie.dev/vigie/internal/config"
)

// envStore names the variable holding the default store DSN.
const envStore = config.EnvStore

// cliLog is the commands' logger: warnings and errors on stderr.
func cliLog(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
