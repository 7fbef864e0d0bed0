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
	"vigie.dev/vigie/internal/weights"
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
	Bayes  BayesCfg  `yaml:"bayes"`
	Serve  Serve     `yaml:"serve"`
	IOC    IOCCfg    `yaml:"ioc"`

	Incidents IncidentsCfg `yaml:"incidents"`
	Invoice   InvoiceCfg   `yaml:"invoice"`
	Mailbox   MailboxCfg   `yaml:"mailbox"`
}

// InvoiceCfg configures the supplier register and the invoice-fraud
// alerts (docs/invoice.md).
type InvoiceCfg struct {
	// AccountingMailbox receives an alert, through the next hop, for every
	// message with a changed IBAN or a bank-detail change request ("": the
	// alert is only logged and journaled).
	AccountingMailbox string `yaml:"accounting_mailbox"`
	// AlertFrom is the alerts' sender (default vigie@ the first org domain).
	AlertFrom string `yaml:"alert_from"`
	// Learn records the bank details of authenticated mail in the register.
	Learn bool `yaml:"learn"`
	// BodyBanner puts the warning of a suspect invoice (a changed IBAN, a
	// bank-detail change request) in front of the message's content as a
	// text part of its own, besides the X-Vigie-Banner field and the
	// Subject prefix. The sender's DKIM signature then no longer matches:
	// turn it off when a server after Vigie checks DKIM or DMARC again.
	BodyBanner bool `yaml:"body_banner"`
}

// IncidentsCfg configures incident response (internal/ir).
type IncidentsCfg struct {
	// JournalKey is a file sealing every main-courante entry: an HMAC
	// secret (32 bytes or more) or an ed25519 private key (PEM, PKCS #8).
	JournalKey string `yaml:"journal_key"`
	// MaxEvidence bounds one piece of evidence (0: 512 MiB).
	MaxEvidence ByteSize `yaml:"max_evidence"`
	// Profile is what reports say about the organisation.
	Profile IncidentProfile `yaml:"profile"`
}

// IncidentProfile is the organisation as incident reports present it.
type IncidentProfile struct {
	Org      string `yaml:"org"`
	FINESS   string `yaml:"finess"` // set for a health establishment: the CERT Santé / ARS report applies
	Region   string `yaml:"region"`
	Reporter string `yaml:"reporter"`
	Email    string `yaml:"email"` // the reporting mailbox (abuse desk, RSSI)
	Phone    string `yaml:"phone"`
	HelpDesk string `yaml:"help_desk"`
	// Contacts replace (same role) or add to the built-in annex: roles
	// cert-sante, ars, cnil, anssi, csirt, assureur, police, signalement.
	Contacts []IncidentContact `yaml:"contacts"`
}

// IncidentContact is one line of the contacts annex.
type IncidentContact struct {
	Role  string `yaml:"role"`
	Name  string `yaml:"name"`
	How   string `yaml:"how"`
	When  string `yaml:"when"`
	Notes string `yaml:"notes"`
}

// BayesCfg is the site's statistical classifier (docs/bayes.md). It starts
// empty and votes only once the site has taught it MinLearned messages of
// each kind.
type BayesCfg struct {
	Enabled    bool    `yaml:"enabled"`
	MinLearned int     `yaml:"min_learned"` // messages of each class before it votes
	PhishAt    float64 `yaml:"phish_at"`    // probability at or above which BAYES_PHISH
	HamAt      float64 `yaml:"ham_at"`      // probability at or below which BAYES_HAM
	MaxTokens  int     `yaml:"max_tokens"`  // features kept (store and memory)
	Autolearn  struct {
		// Phish: learn as phishing what the other signals alone score at
		// least PhishScore (0 = policy.reject). Ham is off by default: a
		// message that looks ordinary to the other signals is exactly what a
		// phish that got through looks like.
		Phish      bool    `yaml:"phish"`
		PhishScore float64 `yaml:"phish_score"`
		Ham        bool    `yaml:"ham"`
		HamScore   float64 `yaml:"ham_score"` // learn as ham at or below this score, DMARC pass
	} `yaml:"autolearn"`
}

// Org describes the protected organisation.
type Org struct {
	Domains []string `yaml:"domains"` // our own mail domains (spoofing from outside is flagged)
	VIPs    []string `yaml:"vips"`    // names whose use in a display name from outside is flagged
	// Affiliates are the domains of other organisations that carry our
	// name legitimately (the hospital's foundation fondation-chu-exemple.fr,
	// its nursing school, a town's mutual): their payment and account
	// pages (paiement.fondation-chu-exemple.fr) are not read as a
	// combosquat of ours. Nothing else: their mail is an outsider's.
	Affiliates []string `yaml:"affiliates"`
	// Hosts and Networks are the organisation's other assets: its web
	// sites and services, its address ranges. With Domains they are never
	// blocked nor proposed as indicators.
	Hosts    []string `yaml:"hosts"`
	Networks []string `yaml:"networks"` // CIDRs or addresses
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
	// Learned is where the signal weights and the tag/quarantine/reject
	// thresholds come from: "" for the model embedded in Vigie, the path
	// of a file written by `vigie learn weights`, or "off" for the
	// catalogue's expert weights and 5/7/15. Weights and thresholds set in
	// this section always win over the model. "store": the model saved
	// in the database, shared by every node (LearnedFromStore).
	Learned string `yaml:"learned"`
	// explicit are the thresholds the file sets itself.
	explicit policyExplicit
}

// expertThresholds are the thresholds without a learned model.
var expertThresholds = weights.Thresholds{Tag: 5, Quarantine: 7, Reject: 15}

// learn applies the learned model named by p.Learned, keeping the
// thresholds the file set explicitly. "store" starts from the embedded
// model until the gateway reads the database's (UseModel).
func (p *PolicyCfg) learn(explicit policyExplicit) error {
	p.explicit = explicit
	if p.Learned == "off" {
		p.use(expertThresholds, nil)
		return nil
	}
	var m *weights.Model
	var err error
	if p.Learned == "" || p.Learned == LearnedFromStore {
		m, err = weights.Embedded()
	} else {
		m, err = weights.Load(p.Learned)
	}
	if err != nil {
		return fmt.Errorf("policy.learned: %w", err)
	}
	p.UseModel(m)
	return nil
}

// LearnedFromStore as policy.learned takes the weights and thresholds
// from the model saved in the database (`vigie learn weights --save`), so
// that every node of several scores alike and a new model reaches them
// without a restart (docs/cluster.md).
const LearnedFromStore = "store"

// UseModel applies a learned model's weights and the thresholds the
// configuration file does not set itself.
func (p *PolicyCfg) UseModel(m *weights.Model) { p.use(m.Thresholds, m.Weights) }

func (p *PolicyCfg) use(t weights.Thresholds, w map[string]float64) {
	p.Policy.Learned = w
	if p.explicit.Tag == nil {
		p.TagAt = t.Tag
	}
	if p.explicit.Quarantine == nil {
		p.QuarantineAt = t.Quarantine
	}
	if p.explicit.Reject == nil {
		p.RejectAt = t.Reject
	}
}

// policyExplicit tells which thresholds a configuration file sets itself.
type policyExplicit struct {
	Tag        *float64 `yaml:"tag"`
	Quarantine *float64 `yaml:"quarantine"`
	Reject     *float64 `yaml:"reject"`
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
	// RDAP is the base URL of an RDAP service asked for the registration
	// date of link domains (URL_NEW_DOMAIN) and of a sender domain that
	// bears a brand's initials (BRAND_ESTABLISHED_SENDER: a regional
	// bank's own domain). "" keeps it off: it tells a third party which
	// domains Vigie sees. Answers are cached; each question has 2 s.
	RDAP string `yaml:"rdap"`
	// Warninglists is a directory of newer MISP warning lists
	// (misp-warninglists' lists/NAME/list.json, the repository's checkout,
	// or NAME.json) read in place of the embedded lists of the same name,
	// at start and on every reload (warninglist.Refreshed says which
	// files it refuses: one that does not parse, is empty, changes its
	// list's type, is many times the embedded list or covers too much; the
	// embedded list is kept). "": the embedded lists alone.
	Warninglists string `yaml:"warninglists"`
}

// ScanCfg holds pipeline settings.
type ScanCfg struct {
	// Timeout bounds one message's checks; a scan it cuts short is
	// incomplete, and the gateway does not act on it below quarantine.
	Timeout time.Duration `yaml:"timeout"`
}

// Default returns the embedded defaults.
func Default() Config {
	l := message.DefaultLimits()
	c := Config{
		DataDir: "vigie-data",
		Auth:    Auth{Mode: "dns", Timeout: 5 * time.Second, AuthServID: "vigie"},
		Policy:  PolicyCfg{Policy: scan.DefaultPolicy(), SubjectPrefix: "[SUSPECT]"},
		Limits:  LimitsCfg{MaxSize: ByteSize(l.MaxSize), MaxDepth: l.MaxDepth, MaxParts: l.MaxParts},
		Scan:    ScanCfg{Timeout: 10 * time.Second},
		Bayes:   DefaultBayes(),
		Serve:   DefaultServe(),
		IOC:     IOCCfg{FeedTTL: 30 * 24 * time.Hour},
		Invoice: InvoiceCfg{Learn: true, BodyBanner: true},
	}
	if err := c.Policy.learn(policyExplicit{}); err != nil {
		panic(err) // the embedded model is part of the build
	}
	return c
}

// DefaultBayes is the classifier's default configuration.
func DefaultBayes() BayesCfg {
	b := BayesCfg{Enabled: true, MinLearned: 200, PhishAt: 0.95, HamAt: 0.05, MaxTokens: 1_000_000}
	b.Autolearn.Phish = true
	b.Autolearn.HamScore = -2
	return b
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
	var explicit struct {
		Policy policyExplicit `yaml:"policy"`
	}
	if err := yaml.Unmarshal(b, &explicit); err != nil {
		return err
	}
	if err := c.Policy.learn(explicit.Policy); err != nil {
		return err
	}
	return c.Validate()
}

// Validate checks values that YAML types cannot. The signal names under
// policy are checked by ValidateSignals, against the catalogue of the
// families a scanner is built from.
func (c *Config) Validate() error {
	switch c.Auth.Mode {
	case "dns", "headers":
	default:
		return fmt.Errorf("auth.mode: %q is neither dns nor headers", c.Auth.Mode)
	}
	if _, err := c.TrustRules(); err != nil {
		return err
	}
	for _, a := range []string{c.Invoice.AccountingMailbox, c.Invoice.AlertFrom} {
		if a != "" && !strings.Contains(a, "@") {
			return fmt.Errorf("invoice: %q is not a mail address", a)
		}
	}
	if b := c.Bayes; b.MinLearned < 1 || b.MaxTokens < 1000 || !(b.HamAt >= 0 && b.HamAt < 0.5 && b.PhishAt > 0.5 && b.PhishAt <= 1) {
		return fmt.Errorf("bayes: need min_learned >= 1, max_tokens >= 1000 and 0 <= ham_at < 0.5 < phish_at <= 1, got %d, %d, %g, %g",
			b.MinLearned, b.MaxTokens, b.HamAt, b.PhishAt)
	}
	if err := c.Policy.Validate(nil); err != nil {
		return err
	}
	if c.Limits.MaxSize <= 0 || c.Limits.MaxDepth <= 0 || c.Limits.MaxParts <= 0 {
		return fmt.Errorf("limits: max_size, max_depth and max_parts must be positive")
	}
	if err := c.Serve.Validate(); err != nil {
		return err
	}
	if err := c.validateAssets(); err != nil {
		return err
	}
	for _, f := range []string{c.Data.Brands, c.Data.Hosting, c.Data.Lures, c.Data.NRD} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("data: %w", err)
		}
	}
	if d := c.Data.Warninglists; d != "" {
		if st, err := os.Stat(d); err != nil {
			return fmt.Errorf("data.warninglists: %w", err)
		} else if !st.IsDir() {
			return fmt.Errorf("data.warninglists: %s is not a directory", d)
		}
	}
	return nil
}

// ValidateSignals checks that the policy's weights, actions and disabled
// signals name signals of the catalogue: engine.New calls it with the
// catalogue it assembles, so a configuration naming an unknown signal is
// refused wherever a scanner is built from it.
func (c *Config) ValidateSignals(cat *scan.Catalogue) error {
	if err := c.Policy.Validate(cat); err != nil {
		return fmt.Errorf("config: %w", err)
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
