package incident

import (
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/scan"
)

// Indicator kinds, spelled as the indicator store spells them.
const (
	KindIP     = "ip"
	KindDomain = "domain"
	KindHost   = "host"
	KindURL    = "url"
	KindEmail  = "email"
	KindSHA256 = "sha256"
	KindFuzzy  = "fuzzy"
)

// Indicator states within an incident.
const (
	Proposed = "proposed" // extracted, not pushed yet
	Pushed   = "pushed"   // sent to the indicator store (see Mode)
)

// Indicator is an observable of the incident: proposed from a reported
// message, then pushed to the indicator store in block or watch mode.
type Indicator struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"incident_id"`
	Kind       string `json:"kind"`
	Value      string `json:"value"`
	// Origin says where it was found ("From", "URL", "Received"…).
	Origin   string `json:"origin"`
	Evidence string `json:"evidence,omitempty"` // SHA-256 of the message it came from
	// Suggested is the mode Vigie proposes: block, or watch when blocking
	// could hit legitimate mail (a whole domain).
	Suggested string    `json:"suggested"`
	Note      string    `json:"note,omitempty"`
	State     string    `json:"state"`
	Mode      string    `json:"mode,omitempty"` // block or watch once pushed
	IOCID     int64     `json:"ioc_id,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	PushedAt  time.Time `json:"pushed_at,omitzero"`
	PushedBy  string    `json:"pushed_by,omitempty"`
	AddedAt   time.Time `json:"added_at"`
}

// Key identifies an indicator within an incident.
func (i Indicator) Key() string { return i.Kind + " " + i.Value }

// urlHostOf returns the host of an absolute URL ("" when there is none).
func urlHostOf(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	h := u[i+3:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	if j := strings.LastIndexByte(h, '@'); j >= 0 {
		h = h[j+1:]
	}
	if strings.HasPrefix(h, "[") {
		return h // an IPv6 literal: dotted enough to be someone's server
	}
	if j := strings.LastIndexByte(h, ':'); j >= 0 {
		h = h[:j]
	}
	return strings.TrimSuffix(h, ".")
}

// webScheme reports whether u is an http, https or ftp URL.
func webScheme(u string) bool {
	i := strings.Index(u, "://")
	if i <= 0 {
		return false
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "ftp":
		return true
	}
	return false
}

// Propose turns a scanned message's indicators into proposals: the
// addresses that sent it (From, envelope sender, Reply-To and other
// senders), the domains of those addresses, the sending IP from the
// Received chain, every URL and its host, attachment hashes and the body's
// fuzzy hash. Registrable domains of URL hosts (a hosting platform's
// domain, say) are not proposed: the host is enough and the domain would
// block innocent sites. Sender domains are proposed in watch mode, because
// blocking a domain can hit legitimate mail (InterCERT action 7.c, IMPACT).
// Non-web URLs and single-label hosts are never proposed. What must never
// be blocked (warning lists, the organisation's own assets and people) is
// the indicator store's knowledge: the service's Vetter removes it or
// demotes it to watch before anything is saved.
func Propose(v *scan.Verdict, evidenceSum string) []Indicator {
	in := v.Indicators
	var out []Indicator
	seen := map[string]bool{}
	add := func(kind, value, origin, mode, note string) {
		value = strings.TrimSpace(value)
		if value == "" {
			return
		}
		if kind == KindEmail || kind == KindDomain || kind == KindHost {
			value = strings.ToLower(strings.TrimSuffix(value, "."))
		}
		k := kind + " " + value
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Indicator{Kind: kind, Value: value, Origin: origin, Evidence: evidenceSum,
			Suggested: mode, Note: note, State: Proposed})
	}
	const domainNote = "domaine entier : bloquer peut toucher du courrier légitime (InterCERT 7.c, IMPACT) — mis en détection par défaut"
	addr := func(a, origin string) {
		a = strings.Trim(strings.TrimSpace(a), "<>")
		if a == "" {
			return
		}
		add(KindEmail, a, origin, "block", "")
		if at := strings.LastIndexByte(a, '@'); at > 0 && at < len(a)-1 {
			add(KindDomain, a[at+1:], origin+" domain", "watch", domainNote)
		}
	}
	addr(in.FromAddress, "From")
	addr(in.ReturnPath, "Return-Path")
	addr(in.ReplyTo, "Reply-To")
	addr(v.Envelope.MailFrom, "MAIL FROM")
	for _, s := range in.Senders {
		addr(s, "sender")
	}
	if ip, err := netip.ParseAddr(in.ClientIP); err == nil && ip.IsGlobalUnicast() && !ip.IsPrivate() {
		add(KindIP, ip.String(), "Received (client IP)", "block", "")
	}
	for _, u := range in.URLs {
		// Only web links to a dotted host point at an attacker's server:
		// chrome://, about:, file:, cid: and http://intranet/ are the
		// reader's own.
		if webScheme(u) && strings.Contains(urlHostOf(u), ".") {
			add(KindURL, u, "URL", "block", "")
		}
	}
	for _, h := range in.Hosts {
		h = strings.Trim(strings.ToLower(h), "[].")
		if ip, err := netip.ParseAddr(h); err == nil {
			if ip.IsGlobalUnicast() && !ip.IsPrivate() {
				add(KindIP, ip.String(), "URL host", "block", "")
			}
			continue
		}
		// A single-label host ("intranet", "localhost") names a machine
		// on the reader's own network, never an attacker's.
		if strings.Contains(h, ".") {
			add(KindHost, h, "URL host", "block", "")
		}
	}
	for _, h := range in.Attachments {
		add(KindSHA256, strings.ToLower(h), "attachment", "block", "")
	}
	add(KindFuzzy, in.FuzzyBody, "body fuzzy hash", "block", "")
	return out
}
