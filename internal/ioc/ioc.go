// Package ioc holds Vigie's indicators of compromise: what they are (IP
// addresses and networks, domains, host names, URLs, e-mail addresses,
// attachment hashes, body fuzzy hashes), how their values are normalised so
// that one indicator has one spelling, the Service that adds, removes and
// lists them over a Repository (package store implements it), the feed
// formats they are imported from and exported to, and the Matcher the
// scanner and the DNSBL consult on every message and query. Log hunting
// reads indicators in the same model (package hunt).
//
// An indicator is in mode block (a strong signal: reject or quarantine) or
// watch (a zero-weight signal that is only recorded, to learn what else an
// attacker touches — the InterCERT fiche's "mise en détection"). It may
// expire; an expired or removed indicator stops matching at once and stays
// in the history.
package ioc

import (
	"fmt"
	"strings"
	"time"
)

// Kind is the type of an indicator's value.
type Kind string

const (
	KindIP     Kind = "ip"     // IPv4 or IPv6 address, or CIDR network
	KindDomain Kind = "domain" // a domain and all its subdomains
	KindHost   Kind = "host"   // exactly one host name
	KindURL    Kind = "url"    // a normalised URL, see NormalizeURL
	KindEmail  Kind = "email"  // an e-mail address
	KindSHA256 Kind = "sha256" // SHA-256 of an attachment, lower-case hex
	KindFuzzy  Kind = "fuzzy"  // a body fuzzy hash, compared as an opaque string
)

// Kinds lists every kind, in documentation order.
var Kinds = []Kind{KindIP, KindDomain, KindHost, KindURL, KindEmail, KindSHA256, KindFuzzy}

// ParseKind accepts a kind name as written on the command line.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "cidr", "ipv4", "ipv6", "net":
		return KindIP, nil
	case "hash", "sha-256":
		return KindSHA256, nil
	case "mail", "address":
		return KindEmail, nil
	}
	for _, known := range Kinds {
		if k == known {
			return k, nil
		}
	}
	return "", fmt.Errorf("ioc: unknown kind %q (want one of ip, domain, host, url, email, sha256, fuzzy)", s)
}

// Mode is what a match does.
type Mode string

const (
	Block Mode = "block"
	Watch Mode = "watch"
	// Allow lists a value that must never be blocked by a feed: it wins
	// over feed entries at import and at match time.
	Allow Mode = "allow"
)

// ParseMode accepts "block", "watch" or "allow"; "" defaults to block.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Block, nil
	case Block, Watch, Allow:
		return m, nil
	case "detect", "detection", "monitor":
		return Watch, nil
	case "allowlist", "whitelist", "autoriser":
		return Allow, nil
	}
	return "", fmt.Errorf("ioc: unknown mode %q (want block, watch or allow)", s)
}

// TLP markings (FIRST TLP 2.0).
var TLPs = []string{"clear", "green", "amber", "amber+strict", "red"}

// ParseTLP accepts a TLP marking, with or without "TLP:"; "white" is the
// TLP 1.0 name of clear. "" means unmarked.
func ParseTLP(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "tlp:")
	if t == "" {
		return "", nil
	}
	if t == "white" {
		t = "clear"
	}
	for _, known := range TLPs {
		if t == known {
			return t, nil
		}
	}
	return "", fmt.Errorf("ioc: unknown TLP %q (want clear, green, amber, amber+strict or red)", s)
}

// NormalizeTags lower-cases, trims and de-duplicates tags; commas separate
// tags within one string.
func NormalizeTags(in ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		for t := range strings.SplitSeq(s, ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			if t == "" || seen[t] || len(t) > 64 {
				continue
			}
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Sources of indicators. Incident and feed sources carry a suffix:
// "incident:42", "feed:openphish".
const (
	SourceManual   = "manual"
	SourceIncident = "incident:"
	SourceFeed     = "feed:"
)

// IncidentSource returns the source naming incident n.
func IncidentSource(n int64) string { return fmt.Sprintf("%s%d", SourceIncident, n) }

// FeedSource returns the source naming feed name.
func FeedSource(name string) string { return SourceFeed + name }

// Indicator is one indicator of compromise.
type Indicator struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"`
	Value     string    `json:"value"`
	Mode      Mode      `json:"mode"`
	Source    string    `json:"source"`
	Reason    string    `json:"reason,omitempty"`
	AddedBy   string    `json:"added_by,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: never
	RemovedAt time.Time `json:"removed_at,omitzero"`
	RemovedBy string    `json:"removed_by,omitempty"`
	Hits      int64     `json:"hits"`
	LastHitAt time.Time `json:"last_hit_at,omitzero"`
	// FirstHitAt, LastHitAt and Hits are the indicator's sightings in
	// Vigie's own traffic.
	FirstHitAt time.Time `json:"first_hit_at,omitzero"`
	Tags       []string  `json:"tags,omitempty"`
	Confidence int       `json:"confidence,omitempty"` // 1-100, 0 unknown
	TLP        string    `json:"tlp,omitempty"`
	// Code is the DNSBL answer (127.0.0.Code) an rbldnsd zone gave the
	// entry; 0 answers by mode and source (see package rbl).
	Code int `json:"rbl_code,omitempty"`
}

// AnswerCode is the DNSBL answer for the indicator, the last octet of
// 127.0.0.x: the code an rbldnsd zone gave it, else 3 for watch, 4 for a
// block from a feed, 2 for any other block.
func (i *Indicator) AnswerCode() int {
	switch {
	case i.Code != 0:
		return i.Code
	case i.Mode == Watch:
		return CodeWatch
	case strings.HasPrefix(i.Source, SourceFeed):
		return CodeFeed
	}
	return CodeBlock
}

// Status of an indicator at a given time.
const (
	StatusActive  = "active"
	StatusExpired = "expired"
	StatusRemoved = "removed"
)

// Status reports whether the indicator is active, expired or removed at now.
func (i *Indicator) Status(now time.Time) string {
	switch {
	case !i.RemovedAt.IsZero():
		return StatusRemoved
	case !i.ExpiresAt.IsZero() && !now.Before(i.ExpiresAt):
		return StatusExpired
	}
	return StatusActive
}

// Active reports whether the indicator matches at now.
func (i *Indicator) Active(now time.Time) bool { return i.Status(now) == StatusActive }

func fromRow(r *Row) Indicator {
	return Indicator{
		ID: r.ID, Kind: Kind(r.Kind), Value: r.Value, Mode: Mode(r.Mode), Source: r.Source,
		Reason: r.Reason, AddedBy: r.AddedBy, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		RemovedAt: r.RemovedAt, RemovedBy: r.RemovedBy, Hits: r.Hits, LastHitAt: r.LastHitAt,
		FirstHitAt: r.FirstHitAt, Tags: NormalizeTags(r.Tags), Confidence: r.Confidence, TLP: r.TLP, Code: r.Code,
	}
}
