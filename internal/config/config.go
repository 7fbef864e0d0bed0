// Package config reads Vigie's YAML configuration. Every setting has an
// embedded default, so Vigie runs with no file at all; a file only says what
// differs. Unknown keys are errors, so a typo never silently does nothing.
// vigie.example.yaml at the repository root documents every key.
package config

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
	"vigie.dev/vigie/internal/scan"
)

// Config is the whole configuration.
type Config struct {
	DataDir string `yaml:"data_dir"`
	Store   string `yaml:"store"` // DSN: sqlite:PATH or postgres://...

	Org    Org       `yaml:"org"`
	Trust  Trust     `yaml:"trust"`
	Auth   Auth      `yaml:"auth"`
	Policy PolicyCfg `yaml:"policy"`
	Limits LimitsCfg `yaml:"limits"`
	Data   DataFiles `yaml:"data"`
	Scan   ScanCfg   `yaml:"scan"`
}

// Org describes the protected organisation.
type Org struct {
	Domains []string `yaml:"domains"` // our own mail domains (spoofing from outside is flagged)
	VIPs    []string `yaml:"vips"`    // names whose use in a display name from outside is flagged
}

// Trust lists the relays in front of Vigie whose trace and results are believed.
type Trust struct {
	Relays       []string `yaml:"relays"`   // host names, "*.example.com" wildcards
	Networks     []string `yaml:"networks"` // CIDRs
	AuthServIDs  []string `yaml:"authserv_ids"`
	NoAuthServID bool     `yaml:"no_authserv_id"` // accept Microsoft 365's id-less Authentication-Results from trusted hops
	ARCSealers   []string `yaml:"arc_sealers"`    // ARC sealers whose recorded results are used
}

// Auth selects where authentication results come from.
type Auth struct {
	// Mode is "dns" (compute SPF/DKIM/DMARC with live DNS) or "headers"
	// (use trusted relays' Authentication-Results; for stored messages).
	Mode       string        `yaml:"mode"`
	DNSServers []string      `yaml:"dns_servers"`
	Timeout    time.Duration `yaml:"timeout"`
	AuthServID string        `yaml:"authserv_id"` // the id Vigie writes in its own Authentication-Results
}

// PolicyCfg is the scoring policy.
type PolicyCfg struct {
	scan.Policy   `yaml:",inline"`
	SubjectPrefix string `yaml:"subject_prefix"`
}

// LimitsCfg bounds parsing.
type LimitsCfg struct {
	MaxSize  ByteSize `yaml:"max_size"`
	MaxDepth int      `yaml:"max_depth"`
	MaxParts int      `yaml:"max_parts"`
}

// DataFiles override the embedded data files of the check families.
type DataFiles struct {
	Brands  string `yaml:"brands"`
	Hosting string `yaml:"hosting"`
	Lures   string `yaml:"lures"`
	NRD     string `yaml:"nrd"` // newly registered domains, one per line
}

// ScanCfg holds pipeline settings.
type ScanCfg struct {
	Timeout time.Duration `yaml:"timeout"`
}

// Default returns the embedded defaults.
func Default() Config {
	l := message.DefaultLimits()
	return Config{
		DataDir: "vigie-data",
		Auth:    Auth{Mode: "dns", Timeout: 5 * time.Second, AuthServID: "vigie"},
		Policy:  PolicyCfg{Policy: scan.DefaultPolicy(), SubjectPrefix: "[SUSPECT]"},
		Limits:  LimitsCfg{MaxSize: ByteSize(l.MaxSize), MaxDepth: l.MaxDepth, MaxParts: l.MaxParts},
		Scan:    ScanCfg{Timeout: 10 * time.Second},
	}
}

// Load reads a file over the defaults; an empty path gives the defaults.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if err := Parse(b, &c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes YAML over c and validates the result.
func Parse(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err.Error() != "EOF" {
		return err
	}
	return c.Validate()
}

// Validate checks values that YAML types cannot.
func (c *Config) Validate() error {
	switch c.Auth.Mode {
	case "dns", "headers":
	default:
		return fmt.Errorf("auth.mode: %q is neither dns nor headers", c.Auth.Mode)
	}
	if _, err := c.TrustRules(); err != nil {
		return err
	}
	if err := c.Policy.Validate(scan.Signals); err != nil {
		return err
	}
	if c.Limits.MaxSize <= 0 || c.Limits.MaxDepth <= 0 || c.Limits.MaxParts <= 0 {
		return fmt.Errorf("limits: max_size, max_depth and max_parts must be positive")
	}
	for _, f := range []string{c.Data.Brands, c.Data.Hosting, c.Data.Lures, c.Data.NRD} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("data: %w", err)
		}
	}
	return nil
}

// TrustRules converts the trust section for package received.
func (c *Config) TrustRules() (received.Trust, error) {
	t := received.Trust{
		Hosts:        lower(c.Trust.Relays),
		AuthServIDs:  lower(c.Trust.AuthServIDs),
		NoAuthServID: c.Trust.NoAuthServID,
	}
	for _, n := range c.Trust.Networks {
		p, err := netip.ParsePrefix(n)
		if err != nil {
			a, err2 := netip.ParseAddr(n)
			if err2 != nil {
				return t, fmt.Errorf("trust.networks: %q: %w", n, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		t.Networks = append(t.Networks, p.Masked())
	}
	return t, nil
}

// MessageLimits converts the limits section.
func (c *Config) MessageLimits() message.Limits {
	l := message.DefaultLimits()
	l.MaxSize = int64(c.Limits.MaxSize)
	l.MaxDepth = c.Limits.MaxDepth
	l.MaxParts = c.Limits.MaxParts
	if l.MaxPartBytes > l.MaxSize {
		l.MaxPartBytes = l.MaxSize
	}
	return l
}

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

// ByteSize is a size written as 52428800, "50MB", "512KiB"...
type ByteSize int64

// UnmarshalYAML reads a number with an optional unit.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(strings.ToUpper(n.Value))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	var v int64
	if _, err := fmt.Sscan(s, &v); err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a size", n.Line, n.Value)
	}
	*b = ByteSize(v * mult)
	return nil
}
