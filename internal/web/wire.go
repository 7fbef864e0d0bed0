package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/ir/bridge"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

// Gateway is what the console needs of a running gateway (vigie serve).
type Gateway struct {
	DB         *store.DB
	DataDir    string
	Config     config.Config    // incidents: journal key, profile, evidence cap
	Gateway    *gateway.Gateway // its current scanner reads reported messages
	Quarantine *quarantine.Store
	Trace      *trace.Log
	Release    quarantine.Deliverer
	Tokens     []string
	APITokens  []APIToken
	// Learner is the per-site classifier (nil when serve.bayes is off):
	// the operators' decisions teach it, and those taken while it was off
	// are replayed when it is on.
	Learner *bayes.Learner
	Log     *slog.Logger
}

// ForGateway wires the console to a gateway's services the way the CLI
// wires them: the indicator service over the same store, the incident
// service with evidence under the data directory, the gateway's scanner
// and the message trace.
func ForGateway(g Gateway) (*Server, error) {
	cfg := g.Config
	cfg.DataDir = g.DataDir
	iocs := bridge.IndicatorService(cfg, g.DB, g.Log)
	deps := bridge.Deps{Config: cfg, DB: g.DB, Indicators: iocs, Scanner: liveScanner{g.Gateway}, Log: g.Log}
	if g.Trace != nil {
		deps.Trace = g.Trace
	}
	inc, err := bridge.NewService(deps)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if g.Learner != nil {
		g.Quarantine.Learner = Decisions{g.Learner}
	}
	h := cfg.Serve.HTTP
	proxies, err := h.Proxies()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	var digest *DigestOptions
	if dc := cfg.Serve.Digest; dc.Enabled {
		key, err := loadKey(filepath.Join(g.DataDir, "digest.key"))
		if err != nil {
			return nil, fmt.Errorf("web: digest: %w", err)
		}
		digest = &DigestOptions{BaseURL: dc.BaseURL, From: dc.From, Key: key, TTL: dc.LinkTTL,
			AutoReleaseBelow: dc.AutoReleaseBelow, Mailer: g.Release, At: dc.At}
	}
	var signals *scan.Catalogue
	if sc := g.Gateway.Scanner(); sc != nil {
		signals = sc.Catalogue
	}
	return New(Options{DB: g.DB, Signals: signals, Accounts: account.New(g.DB.Users(), account.Options{Log: g.Log}), Quarantine: g.Quarantine,
		Release: g.Release, Trace: g.Trace, Indicators: iocs, Incidents: inc, Tokens: g.Tokens, APITokens: g.APITokens, Log: g.Log,
		TrustedProxies: proxies, SecureCookies: h.SecureCookies || h.TLSCert != "", Digest: digest,
		Explain: func(ctx context.Context, raw []byte, m *message.Message) *scan.Verdict {
			// The content checks again, without live DNS: the message's
			// authentication was judged at the door.
			sc := *g.Gateway.Scanner()
			sc.Auth = nil
			return sc.ScanMessage(ctx, raw, m, scan.Envelope{})
		}})
}

// loadKey reads the 32-byte key at path, creating it (mode 0600) on first
// use: the digest links stay valid across restarts.
func loadKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) == 32 {
		return b, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := NewDigestKey()
	if err := os.WriteFile(path, k, 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// Decisions teaches the classifier the operators' decisions through its
// Feedback method: a release or "not phishing" is bayes.Released (ham), a
// confirmation bayes.Confirmed (phish).
type Decisions struct{ L *bayes.Learner }

// LearnDecision implements quarantine.Learner. A message the classifier
// refuses (empty, already learned the same way) counts as taken: replaying
// it would be refused again.
func (d Decisions) LearnDecision(ctx context.Context, raw []byte, phish bool, by string) error {
	dec := bayes.Released
	if phish {
		dec = bayes.Confirmed
	}
	r, err := d.L.Feedback(ctx, raw, dec, by)
	if err != nil {
		return err
	}
	if r.Err != nil && d.L.Log != nil {
		d.L.Log.Info("classifier refused a decision's message", "decision", dec, "by", by, "err", r.Err)
	}
	return nil
}

// liveScanner follows the gateway's scanner across reloads.
type liveScanner struct{ g *gateway.Gateway }

func (s liveScanner) Scan(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict {
	return s.g.Scanner().Scan(ctx, raw, env)
}
