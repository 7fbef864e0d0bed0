package config

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Serve configures the gateway started by `vigie serve`: its listeners,
// where accepted mail goes, quarantine and message trace. Every listener
// defaults to loopback, so an unconfigured gateway exposes nothing.
type Serve struct {
	Milter     MilterCfg     `yaml:"milter"`
	Relay      RelayCfg      `yaml:"relay"`
	HTTP       HTTPCfg       `yaml:"http"`
	Quarantine QuarantineCfg `yaml:"quarantine"`
	Trace      TraceCfg      `yaml:"trace"`
	RBL        RBLCfg        `yaml:"rbl"`
	Digest     DigestCfg     `yaml:"digest"`
	// FailOpen accepts a message that could not be scanned (internal error,
	// deadline) with an X-Vigie-Verdict: unscanned header instead of a
	// 451 4.7.1 temporary failure; so too a message whose scan is
	// incomplete (scan.timeout reached, a check failed) and below
	// quarantine (gateway.ErrIncomplete).
	FailOpen bool `yaml:"fail_open"`
	// Oversize is what becomes of a message longer than limits.max_size:
	// "scan" (its first max_size bytes are judged), "reject" (552 5.3.4)
	// or "accept" (passed unscanned, marked X-Vigie-Verdict: oversize).
	Oversize string `yaml:"oversize"`
	// MaxInflight bounds the bytes of the messages held in memory at once
	// (scanned, quarantined, queued); a message waits for room until its
	// front end's timeout, then gets a temporary failure. Messages being
	// received wait on disk (data_dir/tmp) beyond 256 KiB each.
	MaxInflight ByteSize `yaml:"max_inflight"`
	// MemoryLimit is the Go runtime's soft memory limit for `vigie serve`
	// (runtime/debug.SetMemoryLimit: the collector works harder as the
	// heap nears it); 0 leaves it unset. The GOMEMLIMIT environment
	// variable, when set, wins.
	MemoryLimit ByteSize `yaml:"memory_limit"`
}

// MilterCfg is the Postfix/Sendmail milter listener.
type MilterCfg struct {
	Enabled bool   `yaml:"enabled"`
	Listen  string `yaml:"listen"` // host:port, or unix:/path/to/socket
	// Timeout bounds the scan at end of message; past it the MTA gets a
	// tempfail (or the message is accepted unscanned with fail_open).
	Timeout time.Duration `yaml:"timeout"`
	// Quarantine says what the MTA is told for a quarantined message, once
	// our copy is stored: "hold" (Postfix hold queue) or "discard".
	Quarantine string `yaml:"quarantine"`
	// SocketMode and SocketGroup apply to a unix: listener (Postfix's
	// smtpd connects as user postfix: group postfix, mode 0660).
	SocketMode  FileMode `yaml:"socket_mode"`
	SocketGroup string   `yaml:"socket_group"`
	// MaxSessions bounds the MTA connections at once (beyond, the
	// connection is closed: milter_default_action applies); a connection
	// silent for IdleTimeout is closed.
	MaxSessions int           `yaml:"max_sessions"`
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// PostfixConfig is the configuration directory of the local Postfix
	// that runs the milter ("" its default, /etc/postfix): a release of a
	// message Postfix holds (quarantine: hold) releases Postfix's copy with
	// postsuper -H when Postfix runs on this host.
	PostfixConfig string `yaml:"postfix_config"`
}

// FileMode is a permission mode written in octal ("0660").
type FileMode uint32

// UnmarshalYAML reads an octal mode.
func (m *FileMode) UnmarshalYAML(n *yaml.Node) error {
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(n.Value), "0o"), 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("line %d: %q is not an octal permission mode like 0660", n.Line, n.Value)
	}
	*m = FileMode(v)
	return nil
}

// RelayCfg is the SMTP filtering relay (Vigie as MX in front of the mail server).
type RelayCfg struct {
	Enabled  bool   `yaml:"enabled"`
	Listen   string `yaml:"listen"`
	Hostname string `yaml:"hostname"` // greeting name; empty: the host name
	// Domains are the recipient domains accepted; every other recipient is
	// refused (never an open relay). Empty refuses every recipient.
	Domains       []string `yaml:"domains"`
	NextHop       string   `yaml:"next_hop"` // host:port of the internal mail server
	TLSCert       string   `yaml:"tls_cert"` // PEM files enabling STARTTLS
	TLSKey        string   `yaml:"tls_key"`
	MaxSize       ByteSize `yaml:"max_size"`
	MaxRecipients int      `yaml:"max_recipients"`
	MaxSessions   int      `yaml:"max_sessions"` // SMTP connections at once; 421 4.7.0 beyond
	// VerifyRecipients asks next_hop about each recipient before accepting
	// it (Postfix's reject_unverified_recipient): 550 5.1.1 for a recipient
	// it refuses, 450 4.1.1 while it cannot say. Answers are cached for
	// VerifyPositiveTTL and VerifyNegativeTTL.
	VerifyRecipients  bool          `yaml:"verify_recipients"`
	VerifyPositiveTTL time.Duration `yaml:"verify_positive_ttl"`
	VerifyNegativeTTL time.Duration `yaml:"verify_negative_ttl"`
	Timeout           time.Duration `yaml:"timeout"` // scan deadline at end of DATA
	// Queue retries: exponential backoff from RetryMin to RetryMax; a
	// message still undelivered after MaxAge is bounced (RFC 3464).
	RetryMin time.Duration `yaml:"retry_min"`
	RetryMax time.Duration `yaml:"retry_max"`
	MaxAge   time.Duration `yaml:"max_age"`
	Workers  int           `yaml:"workers"` // parallel deliveries to the next hop
}

// HTTPCfg is the console, scan API and /metrics listener.
type HTTPCfg struct {
	Enabled bool   `yaml:"enabled"`
	Listen  string `yaml:"listen"`
	// Tokens are the bearer tokens accepted by /api/v1, each with its
	// scope; none disables token access (the console's sessions remain).
	Tokens []APIToken `yaml:"tokens"`
	// TLSCert and TLSKey (PEM files) serve HTTPS; SIGHUP re-reads them.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// TrustedProxies are the reverse proxies (addresses or networks) whose
	// X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// SecureCookies marks cookies Secure whatever the request says (TLS
	// ended by a proxy that sends no X-Forwarded-Proto).
	SecureCookies bool `yaml:"secure_cookies"`
	// MaxConnections bounds the connections at once (beyond, they are
	// closed); BodyTimeout bounds the reading of a request body.
	MaxConnections int           `yaml:"max_connections"`
	BodyTimeout    time.Duration `yaml:"body_timeout"`
}

// APIToken is a bearer token of the HTTP API and what it may do. A plain
// string in the tokens list is a scan-only token.
type APIToken struct {
	Name  string `yaml:"name"`       // names the caller in logs and the audit trail ("api:NAME")
	Token string `yaml:"token"`      // the secret itself...
	File  string `yaml:"token_file"` // ...or a file holding it (first line), kept out of the configuration
	// Scope is what the token may do: scan (POST /api/v1/scan only, the
	// default), read (also the trace, the quarantine and incidents, read
	// only: the console's lecture role), analyst (also release, delete,
	// block, incidents: the analyst role) or admin (everything).
	Scope string `yaml:"scope"`
}

// Token scopes, least to most.
var TokenScopes = []string{"scan", "read", "analyst", "admin"}

// UnmarshalYAML reads a token written as a string or as a mapping.
func (t *APIToken) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*t = APIToken{Token: n.Value, Scope: "scan"}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a token is a string or {name, token|token_file, scope}", n.Line)
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "name", "token", "token_file", "scope":
		default:
			return fmt.Errorf("line %d: unknown token field %q", n.Content[i].Line, k)
		}
	}
	type plain APIToken
	if err := n.Decode((*plain)(t)); err != nil {
		return err
	}
	if t.Scope == "" {
		t.Scope = "scan"
	}
	return nil
}

// APITokens returns the tokens with those kept in files read. A token is
// at least 16 characters; a scope is one of TokenScopes.
func (h HTTPCfg) APITokens() ([]APIToken, error) {
	var out []APIToken
	for i, t := range h.Tokens {
		if t.File != "" {
			if t.Token != "" {
				return nil, fmt.Errorf("serve.http.tokens[%d]: token and token_file exclude each other", i)
			}
			b, err := os.ReadFile(t.File)
			if err != nil {
				return nil, fmt.Errorf("serve.http.tokens[%d]: %w", i, err)
			}
			t.Token, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
			t.Token = strings.TrimSpace(t.Token)
		}
		if t.Scope == "" {
			t.Scope = "scan"
		}
		if len(t.Token) < 16 {
			return nil, fmt.Errorf("serve.http.tokens[%d]: a token needs at least 16 characters", i)
		}
		if !slices.Contains(TokenScopes, t.Scope) {
			return nil, fmt.Errorf("serve.http.tokens[%d]: scope %q is none of %s", i, t.Scope, strings.Join(TokenScopes, ", "))
		}
		if t.Name == "" {
			t.Name = fmt.Sprintf("token%d", i+1)
		}
		out = append(out, t)
	}
	return out, nil
}

// DigestCfg is the end users' daily quarantine digest.
type DigestCfg struct {
	Enabled bool   `yaml:"enabled"`
	At      string `yaml:"at"`       // local time of day, "08:00"
	BaseURL string `yaml:"base_url"` // the console as users reach it, https://vigie.chu-exemple.fr
	From    string `yaml:"from"`     // sender address of the digest
	// LinkTTL is how long a release-request link stays valid.
	LinkTTL time.Duration `yaml:"link_ttl"`
	// AutoReleaseBelow releases a message at its recipient's request,
	// without an admin, when its score is below this (0: always ask).
	AutoReleaseBelow float64 `yaml:"auto_release_below"`
}

// Proxies parses TrustedProxies.
func (h HTTPCfg) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, n := range h.TrustedProxies {
		p, err := netip.ParsePrefix(n)
		if err != nil {
			a, err2 := netip.ParseAddr(n)
			if err2 != nil {
				return nil, fmt.Errorf("serve.http.trusted_proxies: %q: %w", n, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// QuarantineCfg bounds the quarantine kept under data_dir/quarantine.
type QuarantineCfg struct {
	Retention time.Duration `yaml:"retention"`
	MaxBytes  ByteSize      `yaml:"max_bytes"` // compressed bytes; the oldest go first
	// ReleaseTo is the host:port a released message is re-injected to;
	// empty means relay.next_hop.
	ReleaseTo string `yaml:"release_to"`
	// ObjectStore, when its endpoint is set, keeps the held messages'
	// compressed bytes in an S3-compatible bucket instead of the database
	// or data_dir (docs/cluster.md).
	ObjectStore ObjectStoreCfg `yaml:"object_store"`
}

// RBLCfg is Vigie's own DNS blocklist, served from the indicator store.
type RBLCfg struct {
	Enabled    bool   `yaml:"enabled"`
	Listen     string `yaml:"listen"` // UDP and TCP
	IPZone     string `yaml:"ip_zone"`
	DomainZone string `yaml:"domain_zone"`
	URLZone    string `yaml:"url_zone"`
	// RateLimit is the answers per second allowed to one client network
	// (a /24 or /56); 0 disables the limit.
	RateLimit float64 `yaml:"rate_limit"`
	// Exempt are the clients never limited: the MTAs that query the
	// blocklist (loopback and trust.networks are always exempt). An MTA
	// that gets no answer treats the client as not listed.
	Exempt []string `yaml:"exempt"`
}

// TraceCfg is the message trace retention.
type TraceCfg struct {
	Retention time.Duration `yaml:"retention"`
}

// DefaultServe returns the gateway defaults.
func DefaultServe() Serve {
	return Serve{
		Milter: MilterCfg{Enabled: true, Listen: "127.0.0.1:7357", Timeout: 30 * time.Second, Quarantine: "hold", SocketMode: 0o660,
			MaxSessions: 500, IdleTimeout: 10 * time.Minute},
		Relay: RelayCfg{Enabled: true, Listen: "127.0.0.1:2525", NextHop: "127.0.0.1:25",
			MaxSize: 50 << 20, MaxRecipients: 100, MaxSessions: 500, Timeout: 30 * time.Second,
			VerifyRecipients: true, VerifyPositiveTTL: 24 * time.Hour, VerifyNegativeTTL: time.Hour,
			RetryMin: time.Minute, RetryMax: time.Hour, MaxAge: 5 * 24 * time.Hour, Workers: 16},
		HTTP:        HTTPCfg{Enabled: true, Listen: "127.0.0.1:8025", MaxConnections: 100, BodyTimeout: 2 * time.Minute},
		Oversize:    "scan",
		MaxInflight: 64 << 20,
		MemoryLimit: 200 << 20,
		Quarantine:  QuarantineCfg{Retention: 30 * 24 * time.Hour, MaxBytes: 10 << 30},
		Trace:       TraceCfg{Retention: 180 * 24 * time.Hour},
		Digest:      DigestCfg{At: "08:00", LinkTTL: 7 * 24 * time.Hour},
		RBL: RBLCfg{Enabled: true, Listen: "127.0.0.1:5353", IPZone: "bl.vigie.local",
			DomainZone: "dbl.vigie.local", URLZone: "uribl.vigie.local", RateLimit: 100},
	}
}

// Validate checks the serve section.
func (s *Serve) Validate() error {
	switch s.Milter.Quarantine {
	case "hold", "discard":
	default:
		return fmt.Errorf("serve.milter.quarantine: %q is neither hold nor discard", s.Milter.Quarantine)
	}
	if (s.Relay.TLSCert == "") != (s.Relay.TLSKey == "") {
		return fmt.Errorf("serve.relay: tls_cert and tls_key go together")
	}
	if (s.HTTP.TLSCert == "") != (s.HTTP.TLSKey == "") {
		return fmt.Errorf("serve.http: tls_cert and tls_key go together")
	}
	if _, err := s.HTTP.Proxies(); err != nil {
		return err
	}
	if s.Digest.Enabled {
		if _, err := time.Parse("15:04", s.Digest.At); err != nil {
			return fmt.Errorf("serve.digest.at: %q is not a time of day like 08:00", s.Digest.At)
		}
		if !strings.HasPrefix(s.Digest.BaseURL, "https://") && !strings.HasPrefix(s.Digest.BaseURL, "http://") {
			return fmt.Errorf("serve.digest.base_url: %q is not the console's http(s) address", s.Digest.BaseURL)
		}
		if !strings.Contains(s.Digest.From, "@") || s.Digest.LinkTTL <= 0 {
			return fmt.Errorf("serve.digest: from must be an address and link_ttl positive")
		}
	}
	if s.Relay.MaxSize <= 0 || s.Relay.MaxRecipients <= 0 || s.Relay.Workers <= 0 {
		return fmt.Errorf("serve.relay: max_size, max_recipients and workers must be positive")
	}
	if s.Relay.RetryMin <= 0 || s.Relay.RetryMax < s.Relay.RetryMin || s.Relay.MaxAge <= 0 {
		return fmt.Errorf("serve.relay: need 0 < retry_min <= retry_max and max_age > 0")
	}
	if s.Milter.Timeout <= 0 || s.Relay.Timeout <= 0 {
		return fmt.Errorf("serve: milter.timeout and relay.timeout must be positive")
	}
	if _, err := s.HTTP.APITokens(); err != nil {
		return err
	}
	switch s.Oversize {
	case "scan", "reject", "accept":
	default:
		return fmt.Errorf("serve.oversize: %q is none of scan, reject, accept", s.Oversize)
	}
	if s.MaxInflight < 0 || s.MemoryLimit < 0 || s.Milter.MaxSessions < 0 || s.Relay.MaxSessions < 0 || s.HTTP.MaxConnections < 0 ||
		s.Milter.IdleTimeout < 0 || s.HTTP.BodyTimeout < 0 {
		return fmt.Errorf("serve: max_inflight, max_sessions, max_connections and timeouts cannot be negative (0: no limit)")
	}
	if s.RBL.Enabled && (s.RBL.IPZone == "" || s.RBL.DomainZone == "" || s.RBL.URLZone == "" || s.RBL.RateLimit < 0) {
		return fmt.Errorf("serve.rbl: the three zones must be named and rate_limit >= 0")
	}
	for _, d := range s.Relay.Domains {
		if d == "" || strings.ContainsAny(d, "@ ") {
			return fmt.Errorf("serve.relay.domains: %q is not a domain", d)
		}
	}
	return s.Quarantine.ObjectStore.Validate()
}
