package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/web"
)

// Console is what the web console needs of the running gateway besides
// the App's own services.
type Console struct {
	// Scanner returns the gateway's current scanner (it follows reloads):
	// reported messages are analysed with it, held ones explained.
	Scanner func() *scan.Scanner
	// Release re-injects released messages (package release).
	Release quarantine.Deliverer
	// Learner, when the classifier is on, learns the operators'
	// decisions; those taken while it was off are replayed when it is on.
	Learner *bayes.Learner
}

// Console builds the web console over the App's services: the quarantine,
// the trace, the indicator and incident services, the accounts, the
// stored audits and release requests, and what c gives of the gateway.
func (a *App) Console(c Console) (*web.Server, error) {
	cfg := a.Config
	scanner := liveScanner(c.Scanner)
	inc, err := a.Incidents(scanner)
	if err != nil {
		return nil, fmt.Errorf("app: console: %w", err)
	}
	q, err := a.Quarantine()
	if err != nil {
		return nil, fmt.Errorf("app: console: %w", err)
	}
	if c.Learner != nil {
		q.Learner = c.Learner
	}
	tl, err := a.Trace()
	if err != nil {
		return nil, fmt.Errorf("app: console: %w", err)
	}
	h := cfg.Serve.HTTP
	proxies, err := h.Proxies()
	if err != nil {
		return nil, fmt.Errorf("app: console: %w", err)
	}
	var digest *web.DigestOptions
	if dc := cfg.Serve.Digest; dc.Enabled {
		kctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		key, err := a.digestKey(kctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("app: console: digest: %w", err)
		}
		digest = &web.DigestOptions{BaseURL: dc.BaseURL, From: dc.From, Key: key, TTL: dc.LinkTTL,
			AutoReleaseBelow: dc.AutoReleaseBelow, Mailer: c.Release, At: dc.At, Once: a.digestOnce()}
	}
	var signals *scan.Catalogue
	if sc := c.Scanner(); sc != nil {
		signals = sc.Catalogue
	}
	return web.New(web.Options{Signals: signals, Accounts: a.Accounts(), Quarantine: q, Requests: a.DB.Releases(),
		Audits: a.Audits(), Suppliers: a.Suppliers(), Release: c.Release, Trace: tl, Indicators: a.Indicators(), Incidents: inc,
		APITokens: consoleTokens(h), Log: a.Log, TrustedProxies: proxies, SecureCookies: h.SecureCookies || h.TLSCert != "",
		Digest: digest,
		Explain: func(ctx context.Context, raw []byte, m *message.Message) *scan.Verdict {
			// The content checks again, without live DNS: the message's
			// authentication was judged at the door.
			sc := *c.Scanner()
			sc.Auth = nil
			return sc.ScanMessage(ctx, raw, m, scan.Envelope{})
		}})
}

// consoleTokens are the API tokens that may use the console's API, with
// the console role their scope stands for (scan-only tokens may not).
func consoleTokens(h config.HTTPCfg) []web.APIToken {
	tokens, _ := h.APITokens() // validated at load
	roles := map[string]account.Role{"read": account.Reader, "analyst": account.Analyst, "admin": account.Admin}
	var out []web.APIToken
	for _, t := range tokens {
		if r, ok := roles[t.Scope]; ok {
			out = append(out, web.APIToken{Name: t.Name, Token: t.Token, Role: r})
		}
	}
	return out
}

// loadKey reads the 32-byte key at path, creating it (mode 0600) on first
// use: the digest links stay valid across restarts.
func loadKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) == 32 {
		return b, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := web.NewDigestKey()
	if err := os.WriteFile(path, k, 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// liveScanner follows the gateway's scanner across reloads.
type liveScanner func() *scan.Scanner

func (s liveScanner) Scan(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict {
	return s().Scan(ctx, raw, env)
}
