// Package logs turns the log files a small organisation can export (Microsoft 365
// audit, Entra ID sign-ins, Google Workspace login audit, Dovecot, Postfix, Zimbra,
// Squid, nginx/Apache) into a few normalised events that compromise hunting works on:
// sign-ins, mailbox changes, web requests and mail sent. Each event keeps the file and
// line it came from, so that every finding can point at its evidence.
//
// The format parsers live in sub-packages (logs/m365, logs/entra…); this package holds
// the event types, the streaming helpers they share (bounded lines, bounded JSON
// records, syslog timestamps) and format detection. logs/ingest walks files and
// directories and dispatches to the right parser.
package logs

import (
	"fmt"
	"net/netip"
	"time"
)

// Source is where an event was read: the evidence a finding points at.
type Source struct {
	File string `json:"file"`
	// Line is the 1-based line number, or for JSON arrays the 1-based record index
	// (Record is then true).
	Line   int64 `json:"line"`
	Record bool  `json:"record,omitempty"`
}

func (s Source) String() string {
	if s.Record {
		return fmt.Sprintf("%s#%d", s.File, s.Line)
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Event is one normalised log event: *SignIn, *MailboxChange, *WebRequest or *MailSent.
type Event interface {
	When() time.Time
	Evidence() Source
	Actor() string
}

// Result of a sign-in attempt.
type Result string

const (
	Success Result = "success"
	Failure Result = "failure"
	// Interrupted is a sign-in that neither failed nor completed: an MFA or consent
	// prompt, "keep me signed in" (Entra 50140, 50074…).
	Interrupted Result = "interrupted"
)

// MFA outcome of a sign-in, when the log says.
const (
	MFAPassed  = "passed"
	MFADenied  = "denied"  // the user refused the prompt, or reported fraud
	MFATimeout = "timeout" // the prompt was not answered
	MFAFailed  = "failed"  // wrong code, other errors
)

// SignIn is one authentication attempt (web, IMAP, SMTP AUTH, SSO…).
type SignIn struct {
	Src           Source     `json:"source"`
	Time          time.Time  `json:"time"` // UTC
	User          string     `json:"user"`
	IP            netip.Addr `json:"ip,omitzero"`
	Result        Result     `json:"result"`
	FailureReason string     `json:"failure_reason,omitempty"`
	MFAResult     string     `json:"mfa_result,omitempty"`
	Client        string     `json:"client,omitempty"` // user agent, browser or protocol (imap, smtp…)
	App           string     `json:"app,omitempty"`
	Country       string     `json:"country,omitempty"` // ISO 3166 alpha-2 when the log gives it
	// Lat and Lon come with the log when the vendor geolocated the address (Entra).
	Lat, Lon  float64 `json:"-"`
	HasCoords bool    `json:"-"`
}

// Mailbox change kinds.
const (
	KindInboxRule    = "inbox-rule"
	KindForwarding   = "forwarding"
	KindDelegation   = "delegation"
	KindOAuthConsent = "oauth-consent"
)

// RuleAction is one action of an inbox rule.
type RuleAction struct {
	// Kind is forward-to, redirect-to, delete, mark-read or move-to.
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"` // address(es) or folder
}

// MailboxChange is a change to a mailbox that attackers use to hide or keep access:
// an inbox rule, a forwarding address, a delegation or an OAuth consent.
type MailboxChange struct {
	Src        Source       `json:"source"`
	Time       time.Time    `json:"time"`
	User       string       `json:"user"` // who made the change
	IP         netip.Addr   `json:"ip,omitzero"`
	Kind       string       `json:"kind"`
	Operation  string       `json:"operation,omitempty"` // vendor operation name (New-InboxRule…)
	RuleName   string       `json:"rule_name,omitempty"`
	Conditions []string     `json:"conditions,omitempty"`
	Actions    []RuleAction `json:"actions,omitempty"`
	// Target is the mailbox changed (forwarding, delegation), the delegate, or the
	// application consented to.
	Target string `json:"target,omitempty"`
	// Delegate is who received access (delegation) and Permissions what was granted.
	Delegate    string `json:"delegate,omitempty"`
	Permissions string `json:"permissions,omitempty"`
}

// WebRequest is one HTTP request seen by a proxy or a web server.
type WebRequest struct {
	Src       Source     `json:"source"`
	Time      time.Time  `json:"time"`
	User      string     `json:"user,omitempty"`
	ClientIP  netip.Addr `json:"client_ip,omitzero"`
	Method    string     `json:"method"`
	URL       string     `json:"url"`
	Host      string     `json:"host"`
	Status    int        `json:"status"`
	Bytes     int64      `json:"bytes"`
	UserAgent string     `json:"user_agent,omitempty"`
}

// MailSent is one message accepted for delivery.
type MailSent struct {
	Src    Source    `json:"source"`
	Time   time.Time `json:"time"`
	Sender string    `json:"sender"` // the authenticated user when known, else the envelope sender
	// Recipients, for Postfix, are filled in from the delivery lines that
	// follow the submission: complete once the whole file is read.
	Recipients []string `json:"recipients,omitempty"`
	Count      int      `json:"count"`
	Status     string   `json:"status,omitempty"`
	// Authenticated is set when the sender logged in (SASL) or submitted locally:
	// only such mail counts as sent by one of our accounts.
	Authenticated bool `json:"authenticated"`
}

func (e *SignIn) When() time.Time        { return e.Time }
func (e *SignIn) Evidence() Source       { return e.Src }
func (e *SignIn) Actor() string          { return e.User }
func (e *MailboxChange) When() time.Time { return e.Time }
func (e *MailboxChange) Evidence() Source {
	return e.Src
}
func (e *MailboxChange) Actor() string { return e.User }
func (e *WebRequest) When() time.Time  { return e.Time }
func (e *WebRequest) Evidence() Source { return e.Src }
func (e *WebRequest) Actor() string {
	if e.User != "" {
		return e.User
	}
	if e.ClientIP.IsValid() {
		return e.ClientIP.String()
	}
	return ""
}
func (e *MailSent) When() time.Time  { return e.Time }
func (e *MailSent) Evidence() Source { return e.Src }
func (e *MailSent) Actor() string    { return e.Sender }
