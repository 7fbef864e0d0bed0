package config

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// EnvStore names the environment variable holding the store DSN.
const EnvStore = "VIGIE_STORE"

// StoreDSN is the one rule every command and the daemon use to find the
// store, so that `vigie ioc add` writes where `vigie serve` reads: the
// --store flag, else $VIGIE_STORE, else the configuration's store, else an
// SQLite file in the configuration's data_dir.
func (c *Config) StoreDSN(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv(EnvStore); env != "" {
		return env
	}
	if c.Store != "" {
		return c.Store
	}
	return "sqlite:" + filepath.Join(c.DataDir, "vigie.db")
}

// IOCCfg holds indicator settings.
type IOCCfg struct {
	// FeedTTL is the lifetime of an entry imported from a feed when the
	// import gives none (default 30 days; a refreshed feed renews it).
	FeedTTL time.Duration `yaml:"feed_ttl"`
}

// OwnAssets are the organisation's own names and networks, never blocked
// (the field names match ioc.Assets, which converts from it).
type OwnAssets struct {
	Domains []string
	Hosts   []string
	Nets    []netip.Prefix
}

// Assets gathers the organisation's own assets from the configuration:
// org.domains, org.hosts and org.networks, the domains the relay accepts
// mail for, and the trusted relays (trust.networks, trust.relays) that
// carry the organisation's mail.
func (c *Config) Assets() OwnAssets {
	var a OwnAssets
	a.Domains = append(a.Domains, lower(c.Org.Domains)...)
	a.Domains = append(a.Domains, lower(c.Serve.Relay.Domains)...)
	for _, r := range lower(c.Trust.Relays) {
		if d, ok := strings.CutPrefix(r, "*."); ok {
			a.Domains = append(a.Domains, d)
		} else if r != "" {
			a.Hosts = append(a.Hosts, r)
		}
	}
	a.Hosts = append(a.Hosts, lower(c.Org.Hosts)...)
	for _, n := range append(append([]string{}, c.Org.Networks...), c.Trust.Networks...) {
		if p, err := parseNet(n); err == nil {
			a.Nets = append(a.Nets, p)
		}
	}
	return a
}

// RBLExempt are the DNSBL clients never rate-limited: loopback, the
// trusted relays and serve.rbl.exempt.
func (c *Config) RBLExempt() []netip.Prefix {
	out := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, n := range append(append([]string{}, c.Serve.RBL.Exempt...), c.Trust.Networks...) {
		if p, err := parseNet(n); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (c *Config) validateAssets() error {
	for key, list := range map[string][]string{"org.networks": c.Org.Networks, "serve.rbl.exempt": c.Serve.RBL.Exempt} {
		for _, n := range list {
			if _, err := parseNet(n); err != nil {
				return fmt.Errorf("%s: %q: %w", key, n, err)
			}
		}
	}
	if c.IOC.FeedTTL < 0 {
		return fmt.Errorf("ioc.feed_ttl: negative")
	}
	return nil
}

// parseNet reads a CIDR or a single address.
func parseNet(n string) (netip.Prefix, error) {
	n = strings.TrimSpace(n)
	if p, err := netip.ParsePrefix(n); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(n)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a network or address")
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
