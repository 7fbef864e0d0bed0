package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/logging"
	"vigie.dev/vigie/internal/sdnotify"
)

func init() {
	register(command{
		Name:    "serve",
		Summary: "run the gateway: milter, SMTP relay, HTTP scan API and /metrics",
		Run:     runServe,
	})
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file (default: embedded defaults)")
	logFormat := fs.String("log-format", "auto", "log format: "+logging.Formats+" (auto: journal under systemd, else text)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	grace := fs.Duration("shutdown-timeout", 60*time.Second, "how long SIGTERM waits for messages under way")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	log, err := logging.New(stderr, *logFormat, *logLevel)
	if err != nil {
		return usageErr("--log-format/--log-level: %v", err)
	}
	b := readBuildInfo()
	log.Info("vigie starting", "version", b.Version, "revision", b.Revision, "config", *cfgPath)
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	if lim := int64(cfg.Serve.MemoryLimit); lim > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(lim)
	}
	d, err := daemon.Start(ctx, cfg, daemon.Options{ConfigPath: *cfgPath, Log: log})
	if err != nil {
		return err
	}
	notify(log, sdnotify.Ready)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done(): // SIGTERM or SIGINT
			break loop
		case <-hup:
			notify(log, sdnotify.Reloading)
			if err := d.Reload(); err != nil {
				log.Error("reload failed, previous configuration kept", "err", err)
			}
			notify(log, sdnotify.Ready)
		case err := <-d.Err():
			runErr = err
			break loop
		}
	}
	notify(log, sdnotify.Stopping)
	log.Info("shutting down", "timeout", *grace)
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := d.Shutdown(sctx); err != nil && runErr == nil {
		runErr = fmt.Errorf("shutdown: %w", err)
	}
	return runErr
}

// notify tells systemd (Type=notify) how the daemon is doing.
func notify(log *slog.Logger, state string) {
	if err := sdnotify.Notify(state); err != nil {
		log.Warn("systemd notification failed", "state", state, "err", err)
	}
}
