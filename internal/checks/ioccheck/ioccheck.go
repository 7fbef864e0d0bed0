// Package ioccheck consults the indicator store on every message: the client
// IP, the HELO name, every envelope and header address and its domain, every
// URL and its host, attachment hashes and the body's fuzzy hash. A hit on a
// block indicator is a strong signal; a hit on a watch indicator is recorded
// with no weight, as the InterCERT fiche asks for attacker infrastructure put
// "en détection" to learn what else it touches.
package ioccheck

import (
	"context"
	_ "embed"
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("ioc", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check, none without
// an indicator store.
func (c *Check) Checks() []scan.Check {
	if c.M == nil {
		return nil
	}
	return []scan.Check{c}
}

// Check is the indicator-store check.
type Check struct {
	M *ioc.Matcher
}

// Name implements scan.Check.
func (*Check) Name() string { return "ioc" }

// Observables lists what a message shows the indicator store.
func Observables(in *scan.Input) *ioc.Observables {
	m := in.Msg
	o := &ioc.Observables{}
	if in.Env.ClientIP.IsValid() {
		o.IPs = append(o.IPs, in.Env.ClientIP)
	}
	seen := map[string]bool{}
	host := func(h string) {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h != "" && !seen[h] {
			seen[h] = true
			if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
				o.IPs = append(o.IPs, a)
				return
			}
			o.Hosts = append(o.Hosts, h)
		}
	}
	email := func(a string) {
		a = strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>"))
		if i := strings.LastIndexByte(a, '@'); i > 0 && !seen["@"+a] {
			seen["@"+a] = true
			o.Emails = append(o.Emails, a)
			host(a[i+1:])
		}
	}
	host(in.Env.HELO)
	email(in.Env.MailFrom)
	for _, list := range [][]string{addrs(m.From), addrs(m.Sender), addrs(m.ReplyTo)} {
		for _, a := range list {
			email(a)
		}
	}
	for _, l := range in.Links {
		if l.Host == "" {
			continue
		}
		o.URLs = append(o.URLs, l.Target)
		host(l.Host)
	}
	for _, a := range m.Attachments {
		o.SHA256 = append(o.SHA256, a.SHA256)
	}
	if in.FuzzyBody != "" {
		o.Fuzzy = append(o.Fuzzy, string(in.FuzzyBody))
	}
	return o
}

// Check implements scan.Check.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	if c.M == nil {
		return
	}
	var block, watch []string
	for _, h := range c.M.Match(Observables(in)) {
		detail := string(h.Indicator.Kind) + " " + h.Indicator.Value
		if h.Indicator.Source != "" {
			detail += " (" + h.Indicator.Source + ")"
		}
		if h.Indicator.Mode == ioc.Block {
			block = append(block, detail)
		} else {
			watch = append(watch, detail)
		}
	}
	if len(block) > 0 {
		out.Emit("IOC_BLOCK", strings.Join(block, ", "))
	}
	if len(watch) > 0 {
		out.Emit("IOC_WATCH", strings.Join(watch, ", "))
	}
}

func addrs(list []message.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Addr)
	}
	return out
}
