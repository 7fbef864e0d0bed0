// Package allow holds the operators' exceptions for false positives, in
// the manner of amavis policy banks and rspamd settings: a rule names a
// recipient (the security team's report mailbox, which must receive the
// phishing users forward to it) or a sender (a supplier whose legitimate
// notices look like phishing), and caps the action taken on its mail at
// accept or tag. Rules live in the store (vigie allow add|list|rm, every
// change in the audit trail); the gateway applies them after the scan and
// names the rule in its verdict line and in an X-Vigie-Allow field.
//
// Two rules keep an exception from becoming a hole:
//   - a recipient rule applies only when every recipient of the message
//     is covered by one (a milter cannot split a message);
//   - a sender rule applies only when the sender is authenticated (DMARC
//     pass, or SPF or DKIM passing for the From domain's organisation, as
//     SpamAssassin's whitelist_auth), and never lowers a verdict that a
//     signal forces (a blocked indicator): the supplier may be compromised.
package allow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// Kinds of rule.
const (
	Recipient = "recipient"
	Sender    = "sender"
)

// Normalize checks a rule's value ("user@example.org" or "@example.org")
// and returns it lower-cased.
func Normalize(value string) (string, error) {
	v := strings.ToLower(strings.Trim(strings.TrimSpace(value), "<>"))
	at := strings.LastIndexByte(v, '@')
	if at < 0 || at == len(v)-1 || strings.ContainsAny(v, " ,;") || strings.Count(v[at+1:], ".") == 0 {
		return "", fmt.Errorf("allow: %q is neither an address nor @domain", value)
	}
	return v, nil
}

// ParseMaxAction accepts accept or tag.
func ParseMaxAction(s string) (scan.Action, error) {
	switch a := scan.Action(strings.ToLower(s)); a {
	case scan.Accept, scan.Tag:
		return a, nil
	}
	return "", fmt.Errorf("allow: max action %q: accept or tag", s)
}

// Rule is an operator's exception for false positives: mail for a recipient, or from an authenticated sender,
// gets at most MaxAction.
type Rule struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`  // recipient or sender
	Value     string    `json:"value"` // lower-cased address, or @domain
	MaxAction string    `json:"max_action"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	RemovedAt time.Time `json:"removed_at,omitzero"`
	RemovedBy string    `json:"removed_by,omitempty"`
}

// Repository keeps the rules (package store implements it). RemoveAllow
// returns an error wrapping dberr.ErrNotFound for a rule not active.
type Repository interface {
	AddAllow(ctx context.Context, r Rule) (int64, error)
	RemoveAllow(ctx context.Context, id int64, by string, at time.Time) error
	// AllowRules returns the active rules (every rule with all), oldest
	// first.
	AllowRules(ctx context.Context, all bool) ([]Rule, error)
}

// Rules are the active rules, reloaded from the repository.
type Rules struct {
	Repo Repository
	Log  *slog.Logger
	// Snapshot, when set, is a local file the rules are copied to when a
	// load changes them, which LoadSnapshot reads: a gateway node started
	// while the database is down applies the operators' exceptions.
	Snapshot string
	set      atomic.Pointer[[]Rule]
	fromCopy atomic.Bool

	mu    sync.Mutex
	saved []byte // what Snapshot holds
}

// Load re-reads the rules.
func (r *Rules) Load(ctx context.Context) error {
	rules, err := r.Repo.AllowRules(ctx, false)
	if err != nil {
		return err
	}
	r.set.Store(&rules)
	r.fromCopy.Store(false)
	if r.Snapshot != "" {
		r.save(rules)
	}
	return nil
}

func (r *Rules) save(rules []Rule) {
	b, err := json.Marshal(rules)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if bytes.Equal(b, r.saved) {
		return
	}
	if err := durable.WriteFile(r.Snapshot, b); err != nil {
		if r.Log != nil {
			r.Log.Warn("allow rules: local copy not written", "err", err)
		}
		return
	}
	r.saved = b
}

// LoadSnapshot applies the rules of the local copy (the database being
// out of reach); Load replaces them once it answers.
func (r *Rules) LoadSnapshot() error {
	b, err := os.ReadFile(r.Snapshot)
	if err != nil {
		return fmt.Errorf("allow: local copy: %w", err)
	}
	var rules []Rule
	if err := json.Unmarshal(b, &rules); err != nil {
		return fmt.Errorf("allow: local copy %s: %w", r.Snapshot, err)
	}
	r.set.Store(&rules)
	r.fromCopy.Store(true)
	return nil
}

// FromSnapshot reports whether the rules in use come from the local copy.
func (r *Rules) FromSnapshot() bool { return r.fromCopy.Load() }

// Run reloads the rules every interval until ctx ends; every 2 seconds
// while they come from the local copy, so that the database's replace
// them as soon as it answers.
func (r *Rules) Run(ctx context.Context, interval time.Duration) {
	for {
		wait := interval
		if r.FromSnapshot() {
			wait = min(wait, 2*time.Second)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
			if err := r.Load(ctx); err != nil && ctx.Err() == nil && r.Log != nil {
				r.Log.Warn("allow rules not reloaded, previous ones kept", "err", err)
			}
		}
	}
}

// Match returns the rule that caps the action on a message, if any, and
// the action it caps it at. v is the message's verdict; env its envelope.
func (r *Rules) Match(env scan.Envelope, v *scan.Verdict, now time.Time) (Rule, scan.Action, bool) {
	p := r.set.Load()
	if p == nil || v == nil {
		return Rule{}, "", false
	}
	return match(*p, env, v, now)
}

func match(rules []Rule, env scan.Envelope, v *scan.Verdict, now time.Time) (Rule, scan.Action, bool) {
	active := func(rule Rule) bool {
		return rule.RemovedAt.IsZero() && (rule.ExpiresAt.IsZero() || now.Before(rule.ExpiresAt))
	}
	// Every recipient covered by a recipient rule; the strictest cap of
	// theirs applies (tag over accept), so that no recipient gets less
	// than its own rule says.
	if len(env.RcptTo) > 0 {
		var chosen Rule
		all := true
		for _, rc := range env.RcptTo {
			rule, ok := find(rules, Recipient, rc, active)
			if !ok {
				all = false
				break
			}
			if chosen.ID == 0 || scan.Action(rule.MaxAction).Rank() > scan.Action(chosen.MaxAction).Rank() {
				chosen = rule
			}
		}
		if all && chosen.ID != 0 {
			return chosen, scan.Action(chosen.MaxAction), true
		}
	}
	from := v.Indicators.FromAddress
	if rule, ok := find(rules, Sender, from, active); ok && authenticated(from, v) && !forced(v) {
		return rule, scan.Action(rule.MaxAction), true
	}
	return Rule{}, "", false
}

// find returns the active rule of kind for addr: its address, else its
// @domain.
func find(rules []Rule, kind, addr string, active func(Rule) bool) (Rule, bool) {
	addr = strings.ToLower(strings.Trim(addr, "<> "))
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return Rule{}, false
	}
	var domain Rule
	for _, r := range rules {
		if r.Kind != kind || !active(r) {
			continue
		}
		if r.Value == addr {
			return r, true
		}
		if r.Value == addr[at:] && domain.ID == 0 {
			domain = r
		}
	}
	return domain, domain.ID != 0
}

// authenticated reports whether the From address's domain is vouched for
// by DMARC, or by SPF or DKIM for its organisation.
func authenticated(from string, v *scan.Verdict) bool {
	at := strings.LastIndexByte(from, '@')
	if at < 0 {
		return false
	}
	org := urlx.Registrable(strings.ToLower(from[at+1:]))
	if org == "" {
		return false
	}
	a := v.Auth
	if a.DMARC == "pass" && urlx.Registrable(strings.ToLower(a.DMARCDomain)) == org {
		return true
	}
	if a.DMARC == "fail" {
		return false
	}
	for _, d := range a.DKIMPass() {
		if urlx.Registrable(d) == org {
			return true
		}
	}
	return a.SPF == "pass" && urlx.Registrable(strings.ToLower(a.SPFDomain)) == org
}

// forced reports whether a signal imposes the verdict's action.
func forced(v *scan.Verdict) bool {
	for _, s := range v.Signals {
		if s.Force != "" && s.Force.Rank() >= v.Action.Rank() {
			return true
		}
	}
	return false
}
