// Package posture audits an organisation's own mail setup from the outside,
// the way CERT Santé's mx_sec_conf asks after a phishing campaign ("find
// out why it got through, then strengthen the protections"): its MX hosts
// and what they answer (STARTTLS and certificate, open relay, size limit,
// banners), the DNS records that protect its name (SPF, DKIM, DMARC,
// MTA-STS, TLS-RPT, DNSSEC and DANE, BIMI), the leaks in the headers of the
// mail it sends, and the webmail, IMAP and POP services it exposes.
//
// Everything is read-only: DNS queries go through a dnsx.Resolver, network
// probes through an injected dialer and HTTP client, and the relay probe
// stops after RCPT (never DATA). Each weakness is a Finding naming the
// mx_sec_conf rule it breaks and the fix in one sentence (findings.yaml).
package posture

import (
	"context"
	"crypto/x509"
	_ "embed"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/dnsx"
)

// Severity orders findings.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank is higher for worse severities.
func (s Severity) Rank() int {
	return map[Severity]int{Info: 1, Low: 2, Medium: 3, High: 4, Critical: 5}[s]
}

// Finding is one weakness found.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule,omitempty"` // mx_sec_conf rules/FILE.md#anchor
	Ref      string   `json:"ref,omitempty"`  // RFC section
	Target   string   `json:"target"`         // domain, host or host:port
	Detail   string   `json:"detail,omitempty"`
	Title    string   `json:"title"`
	Fix      string   `json:"fix"`
	RuleName string   `json:"rule_name,omitempty"`
}

// Fact is one observation reported whatever its value (the MX list, the
// SPF record…), so that a clean report still says what was checked.
type Fact struct {
	Target string `json:"target"`
	Name   string `json:"name"`
	Value  string `json:"value"`
}

// Report is the audit of one domain.
type Report struct {
	Domain   string    `json:"domain"`
	At       time.Time `json:"at"`
	Facts    []Fact    `json:"facts"`
	Findings []Finding `json:"findings"`
}

// Worst returns the worst severity found, "" for none.
func (r *Report) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		if f.Severity.Rank() > w.Rank() {
			w = f.Severity
		}
	}
	return w
}

// Has reports whether a finding with this id was made.
func (r *Report) Has(id string) bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.ID == id })
}

// Options are the auditor's dependencies. Zero values use the system's.
type Options struct {
	// Resolver answers the DNS; when it is also a dnsx.RecordResolver the
	// DNSSEC, DANE and SRV checks run.
	Resolver dnsx.Resolver
	// Dial opens network connections (SMTP, IMAP, POP): a net.Dialer by
	// default. Tests map the audited names to loopback servers.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// HTTP fetches the MTA-STS policy and probes webmail; it must verify
	// TLS (http.DefaultClient-like, no redirects to other hosts needed).
	HTTP *http.Client
	// Roots verify the MX certificates; nil uses the system pool.
	Roots *x509.CertPool
	// Now is the clock for certificate validity.
	Now func() time.Time
	// HELO is the name the probe announces (default: the host name).
	HELO string
	// RelayProbe is the outside recipient of the open-relay test.
	RelayProbe string
	// Samples are messages sent by the domain (as received outside), whose
	// headers are checked for leaks.
	Samples [][]byte
	// Services probes IMAP, POP, submission and webmail as well.
	Services bool
	// Timeout bounds one network probe (10 s by default).
	Timeout time.Duration
	Log     *slog.Logger
}

// DefaultRelayProbe is an address in a domain no MX should relay to
// (RFC 2606 reserves example.com; the probe never sends DATA).
const DefaultRelayProbe = "vigie-relay-probe@example.com"

// auditor holds one audit's options and its growing report.
type auditor struct {
	opt Options
	mu  sync.Mutex
	rep *Report
}

// Audit checks domain and returns its report. It never fails: a check that
// cannot be done becomes a CHECK_FAILED finding.
func Audit(ctx context.Context, domain string, opt Options) *Report {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if opt.Resolver == nil {
		opt.Resolver = dnsx.NewClient(nil, 0)
	}
	if opt.Dial == nil {
		d := &net.Dialer{}
		opt.Dial = d.DialContext
	}
	if opt.HTTP == nil {
		opt.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.HELO == "" {
		opt.HELO, _ = os.Hostname()
		if !strings.Contains(opt.HELO, ".") {
			opt.HELO = "vigie-posture.localdomain"
		}
	}
	if opt.RelayProbe == "" {
		opt.RelayProbe = DefaultRelayProbe
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	a := &auditor{opt: opt, rep: &Report{Domain: domain, At: opt.Now().UTC()}}

	mxs := a.checkMX(ctx, domain)
	var wg sync.WaitGroup
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	for _, mx := range mxs {
		run(func() { a.probeMX(ctx, domain, mx) })
	}
	run(func() { a.checkSPF(ctx, domain) })
	run(func() { a.checkDKIM(ctx, domain) })
	run(func() {
		dm := a.checkDMARC(ctx, domain)
		a.checkBIMI(ctx, domain, dm)
	})
	run(func() { a.checkMTASTS(ctx, domain, mxs) })
	run(func() { a.checkTLSRPT(ctx, domain) })
	run(func() { a.checkDNSSEC(ctx, domain) })
	if opt.Services {
		run(func() { a.checkServices(ctx, domain, mxs) })
	}
	for _, s := range opt.Samples {
		a.checkHeaders(domain, s)
	}
	wg.Wait()
	a.finish()
	return a.rep
}

// fact records an observation.
func (a *auditor) fact(target, name, format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rep.Facts = append(a.rep.Facts, Fact{Target: target, Name: name, Value: fmt.Sprintf(format, args...)})
}

// find records a weakness.
func (a *auditor) find(id, target, format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rep.Findings = append(a.rep.Findings, Finding{ID: id, Target: target, Detail: fmt.Sprintf(format, args...)})
}

// failed records a check that could not be done.
func (a *auditor) failed(target, what string, err error) {
	a.find("CHECK_FAILED", target, "%s: %v", what, err)
}

// finish sorts the report, worst first, and fills severities and rules
// from the catalogue (texts are filled by Localize).
func (a *auditor) finish() {
	for i := range a.rep.Findings {
		f := &a.rep.Findings[i]
		d := catalogue.byID[f.ID]
		f.Severity, f.Rule, f.Ref = d.Severity, d.Rule, d.Ref
	}
	slices.SortStableFunc(a.rep.Findings, func(x, y Finding) int {
		if d := y.Severity.Rank() - x.Severity.Rank(); d != 0 {
			return d
		}
		return strings.Compare(x.ID+x.Target, y.ID+y.Target)
	})
	slices.SortStableFunc(a.rep.Facts, func(x, y Fact) int {
		return strings.Compare(x.Target+"\x00"+x.Name, y.Target+"\x00"+y.Name)
	})
	a.rep.Localize("fr")
}

// Definition is a catalogue entry of findings.yaml.
type Definition struct {
	ID       string   `yaml:"id"`
	Severity Severity `yaml:"severity"`
	Rule     string   `yaml:"rule"`
	Ref      string   `yaml:"ref"`
	FR       string   `yaml:"fr"`
	EN       string   `yaml:"en"`
	FixFR    string   `yaml:"fix_fr"`
	FixEN    string   `yaml:"fix_en"`
}

//go:embed findings.yaml
var findingsYAML []byte

type catalogueFile struct {
	Rules    map[string]map[string]string `yaml:"rules"`
	Findings []Definition                 `yaml:"findings"`
	byID     map[string]Definition
}

var catalogue = loadCatalogue()

func loadCatalogue() catalogueFile {
	var c catalogueFile
	if err := yaml.Unmarshal(findingsYAML, &c); err != nil {
		panic("posture: findings.yaml: " + err.Error())
	}
	c.byID = map[string]Definition{}
	for _, d := range c.Findings {
		if d.Severity.Rank() == 0 || d.FR == "" || d.EN == "" || d.FixFR == "" || d.FixEN == "" {
			panic("posture: findings.yaml: incomplete entry " + d.ID)
		}
		if _, ok := c.Rules[d.Rule]; d.Rule != "" && !ok {
			panic("posture: findings.yaml: unknown rule " + d.Rule)
		}
		c.byID[d.ID] = d
	}
	return c
}

// Definitions lists the catalogue, for documentation and the console.
func Definitions() []Definition { return slices.Clone(catalogue.Findings) }

// Lookup returns the definition of a finding id.
func Lookup(id string) (Definition, bool) {
	d, ok := catalogue.byID[id]
	return d, ok
}

// RuleName is the title of an mx_sec_conf rule in lang ("fr" or "en").
func RuleName(rule, lang string) string {
	n := catalogue.Rules[rule]
	if lang == "en" {
		return n["en"]
	}
	return n["fr"]
}

// Localize fills the titles, fixes and rule names in lang ("fr" or "en").
func (r *Report) Localize(lang string) {
	for i := range r.Findings {
		f := &r.Findings[i]
		d := catalogue.byID[f.ID]
		f.Title, f.Fix = d.FR, d.FixFR
		if lang == "en" {
			f.Title, f.Fix = d.EN, d.FixEN
		}
		f.RuleName = RuleName(f.Rule, lang)
	}
}
