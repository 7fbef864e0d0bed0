// Package scan is the one pipeline every front end calls: a parsed Message
// and its Envelope go in, the check families' checks emit named signals, the
// policy sums their configured weights, and one Verdict comes out with the
// action, the score, every reason in French and English, and the indicators
// the message carries. The pipeline is a pure function of its inputs and of
// the lookups injected into it (DNS, indicator store), so it is tested
// without sockets.
package scan

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/auth"
)

// Envelope is the SMTP transaction and connection context of a message.
type Envelope struct {
	ClientIP netip.Addr `json:"client_ip,omitzero"`
	HELO     string     `json:"helo,omitempty"`
	// RDNS is the client's forward-confirmed reverse name, "" when it has
	// none. RDNSKnown says whether a lookup was done (or recorded) at all.
	RDNS      string `json:"rdns,omitempty"`
	RDNSKnown bool   `json:"rdns_known,omitempty"`
	// MailFrom is the reverse path without angle brackets; NullSender
	// ("<>") for the null reverse path of bounces and auto-replies, ""
	// when the envelope is unknown (a stored message without Return-Path).
	MailFrom string   `json:"mail_from,omitempty"`
	RcptTo   []string `json:"rcpt_to,omitempty"`
	// Authenticated is true for mail submitted by an authenticated local user.
	Authenticated bool `json:"authenticated,omitempty"`
	// Rebuilt is true for a message Vigie rebuilt from the text that
	// quoted it (the original a forward carries, internal/checks/forward):
	// whether its sender was authenticated cannot be known, and the checks
	// that fire on a sender's lack of authentication stay silent
	// (Input.NotAuthenticated). Never
	// read from outside (no JSON): only the forward family sets it.
	Rebuilt bool `json:"-"`
	// Arrival is when the message reached the organisation: stamped by
	// the gateway as it receives it, or, for a stored message, the time
	// the trusted relay that took it from outside wrote in its Received
	// field (authsource.TraceAuth). Zero when unknown. It is the "now" of
	// every check that compares a message's own dates with time: the
	// clock of whoever scans the message later says nothing about it.
	Arrival time.Time `json:"arrival,omitzero"`
	// MessageIDAdded is true when, for a stored or relayed message, the
	// Message-ID names one of the trusted relays that received it
	// (received.Trust.WroteMessageID): it reached the organisation without
	// one, and a relay of ours wrote it on the way in.
	MessageIDAdded bool `json:"message_id_added,omitempty"`
}

// NullSender is Envelope.MailFrom for the null reverse path, MAIL FROM:<>
// (RFC 5321 §4.5.5).
const NullSender = "<>"

// Action is what the gateway does with a message, in increasing severity.
type Action string

const (
	Accept     Action = "accept"
	Tag        Action = "tag"
	Quarantine Action = "quarantine"
	Reject     Action = "reject"
)

// Rank orders actions: accept < tag < quarantine < reject.
func (a Action) Rank() int {
	switch a {
	case Tag:
		return 1
	case Quarantine:
		return 2
	case Reject:
		return 3
	}
	return 0
}

// Signal is one named reason found by a check.
type Signal struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Detail string  `json:"detail,omitempty"` // the value involved (a domain, a file name...)
	FR     string  `json:"fr"`
	EN     string  `json:"en"`
	// Force, when set, is the minimum action this signal imposes whatever the
	// score (a blocked indicator, say).
	Force Action `json:"force,omitempty"`
	// Banner is the warning the delivered message carries for its
	// recipients, BannerSubject what goes before its Subject (catalogue).
	Banner        string `json:"banner,omitempty"`
	BannerSubject string `json:"banner_subject,omitempty"`
}

// Indicators are the observables of a message, for the trace, incident
// response and the indicator store.
type Indicators struct {
	ClientIP    string   `json:"client_ip,omitempty"`
	HELO        string   `json:"helo,omitempty"`
	Senders     []string `json:"senders,omitempty"` // From, Sender, Reply-To, envelope addresses
	Domains     []string `json:"domains,omitempty"` // sender and URL registrable domains
	URLs        []string `json:"urls,omitempty"`
	Hosts       []string `json:"hosts,omitempty"` // URL hosts
	Attachments []string `json:"attachments_sha256,omitempty"`
	FuzzyBody   string   `json:"fuzzy_body,omitempty"`
	FuzzyLayout string   `json:"fuzzy_layout,omitempty"`
	MessageID   string   `json:"message_id,omitempty"`
	FromAddress string   `json:"from,omitempty"`
	ReturnPath  string   `json:"return_path,omitempty"`
	ReplyTo     string   `json:"reply_to,omitempty"`
	Subject     string   `json:"subject,omitempty"`
	AttachNames []string `json:"attachment_names,omitempty"`
	// IBANs are the valid IBANs the message carries (internal/invoice),
	// for the supplier register and hunting.
	IBANs []string `json:"ibans,omitempty"`
}

// Verdict is the outcome of scanning one message.
type Verdict struct {
	Action     Action        `json:"action"`
	Score      float64       `json:"score"`
	Signals    []Signal      `json:"signals"`
	Indicators Indicators    `json:"indicators"`
	Auth       auth.Results  `json:"auth"`
	Envelope   Envelope      `json:"envelope"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	// Partial is true when the deadline cut some checks short
	// (SCAN_TIMEOUT).
	Partial bool `json:"partial,omitempty"`
	// FailedChecks names the checks that failed (SCAN_CHECK_ERROR): the
	// verdict was reached without what they would have said.
	FailedChecks []string `json:"failed_checks,omitempty"`
}

// Incomplete says why the verdict lacks what some checks would have
// said — the deadline cut them short, or they failed — and is "" when
// every check ran to its end. The signals may be disabled by the policy;
// this is not.
func (v *Verdict) Incomplete() string {
	var why []string
	if v.Partial {
		why = append(why, "scan deadline reached")
	}
	if len(v.FailedChecks) > 0 {
		why = append(why, "check failed: "+strings.Join(v.FailedChecks, ","))
	}
	return strings.Join(why, "; ")
}

// Banners returns the distinct banners of the verdict's signals and the
// first subject prefix they ask for.
func (v *Verdict) Banners() (texts []string, subject string) {
	for _, s := range v.Signals {
		if s.Banner != "" && !slices.Contains(texts, s.Banner) {
			texts = append(texts, s.Banner)
		}
		if subject == "" {
			subject = s.BannerSubject
		}
	}
	return texts, subject
}

// Has reports whether the verdict carries the named signal.
func (v *Verdict) Has(name string) bool {
	for _, s := range v.Signals {
		if s.Name == name {
			return true
		}
	}
	return false
}
