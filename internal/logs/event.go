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
	// Item is the 1-based rank of the record in a page of records written on
	// one line (a compact Graph or Google API page).
	Item int `json:"item,omitempty"`
}

func (s Source) String() string {
	switch {
	case s.Record:
		return fmt.Sprintf("%s#%d", s.File, s.Line)
	case s.Item > 0:
		return fmt.Sprintf("%s:%d#%d", s.File, s.Line, s.Item)
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Event is one normalised log event: *SignIn, *MailboxChange, *AdminChange,
// *MailAccess, *WebRequest or *MailSent.
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

// Principal kinds: who signs in.
const (
	PrincipalUser    = ""        // a person's account (the default)
	PrincipalService = "service" // an application: Entra service principal, managed identity
)

// SignIn is one authentication attempt (web, IMAP, SMTP AUTH, SSO…). User may be
// empty when the log does not name the account (many SMTP AUTH and IMAP
// failures): such attempts still count, by address.
type SignIn struct {
	Src           Source     `json:"source"`
	Time          time.Time  `json:"time"` // UTC
	User          string     `json:"user"`
	Principal     string     `json:"principal,omitempty"`
	IP            netip.Addr `json:"ip,omitzero"`
	Result        Result     `json:"result"`
	FailureReason string     `json:"failure_reason,omitempty"`
	MFAResult     string     `json:"mfa_result,omitempty"`
	Client        string     `json:"client,omitempty"` // user agent, browser or protocol (imap, smtp…)
	App           string     `json:"app,omitempty"`
	Country       string     `json:"country,omitempty"` // ISO 3166 alpha-2 when the log gives it
	// Legacy is set when the protocol cannot do modern authentication (Entra
	// clientAppUsed IMAP4, POP3, Authenticated SMTP…, the ROPC flow): MFA and
	// conditional access do not apply to it.
	Legacy bool `json:"legacy,omitempty"`
	// LoginType is the provider's name of the way the user authenticated
	// (Google login_type: google_password, saml, reauth…).
	LoginType string `json:"login_type,omitempty"`
	// Risk is the provider's own verdict on the sign-in, when it gives one.
	Risk *Risk `json:"risk,omitempty"`
	// Lat and Lon come with the log when the vendor geolocated the address (Entra).
	Lat, Lon  float64 `json:"-"`
	HasCoords bool    `json:"-"`
}

// Risk is what the identity provider thought of a sign-in: Entra ID Protection
// (riskLevelDuringSignIn, riskLevelAggregated, riskState, riskEventTypes) or
// Google's suspicious-login warnings.
type Risk struct {
	Level  string   `json:"level,omitempty"` // low, medium, high
	State  string   `json:"state,omitempty"` // atRisk, confirmedCompromised, dismissed, remediated…
	Events []string `json:"events,omitempty"`
	// Flagged is set when the provider itself raised a warning on this sign-in.
	Flagged bool `json:"flagged,omitempty"`
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
	ID         string       `json:"id,omitempty"` // the record's own ID, when the log gives one
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

// Directory and tenant change kinds: the changes by which an attacker keeps
// access or hides (the anchors: Hawk, CrowdStrike CRT, CISA Sparrow, Untitled
// Goose Tool).
const (
	KindAppCredential  = "app-credential"  // a secret or certificate added to an application or service principal
	KindAppPermission  = "app-permission"  // permissions an application requests or is granted (app roles)
	KindFederation     = "federation"      // domain federation or authentication settings
	KindRoleAssignment = "role-assignment" // a member added to an administrator role
	KindMFAMethod      = "mfa-method"      // a second factor registered, changed or removed
	KindTransportRule  = "transport-rule"  // an organisation-wide mail flow rule
	KindAuditBypass    = "audit-bypass"    // an account exempted from mailbox auditing
	KindAuditConfig    = "audit-config"    // mailbox or organisation audit turned off or reduced
	KindSearch         = "ediscovery-search"
	KindExport         = "ediscovery-export" // search results exported, downloaded or purged
)

// AdminChange is a change to the directory or the tenant's configuration.
type AdminChange struct {
	Src       Source     `json:"source"`
	ID        string     `json:"id,omitempty"` // the record's own ID, when the log gives one
	Time      time.Time  `json:"time"`
	User      string     `json:"user"` // who made the change
	IP        netip.Addr `json:"ip,omitzero"`
	Kind      string     `json:"kind"`
	Operation string     `json:"operation,omitempty"`
	// Target is the object changed: application, user, domain, rule or search name.
	Target string `json:"target,omitempty"`
	// Detail says what changed (role name, permissions, key description, rule
	// actions), as the log words it.
	Detail string `json:"detail,omitempty"`
	// Removed is set when a protection was taken away: a second factor
	// removed, auditing turned off, a bypass enabled.
	Removed bool `json:"removed,omitempty"`
	// Actions are a transport rule's actions (forward-to, redirect-to, bcc, delete).
	Actions []RuleAction `json:"actions,omitempty"`
}

// MailAccess is a read of mailbox items (Exchange MailItemsAccessed).
type MailAccess struct {
	Src     Source     `json:"source"`
	ID      string     `json:"id,omitempty"` // the record's own ID, when the log gives one
	Time    time.Time  `json:"time"`
	User    string     `json:"user"`    // who read
	Mailbox string     `json:"mailbox"` // whose mailbox
	IP      netip.Addr `json:"ip,omitzero"`
	// App is the client application ID when an application read the mail
	// through an API (Graph, EWS) rather than a mail client.
	App   string `json:"app,omitempty"`
	API   bool   `json:"api,omitempty"`
	Items int    `json:"items"`
	// Sync: the client downloaded whole folders (MailAccessType Sync).
	Sync bool `json:"sync,omitempty"`
	// Throttled: Exchange stopped auditing this mailbox's reads for 24 hours
	// because there were more than 1,000 in a day.
	Throttled bool `json:"throttled,omitempty"`
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
func (e *MailSent) When() time.Time     { return e.Time }
func (e *MailSent) Evidence() Source    { return e.Src }
func (e *MailSent) Actor() string       { return e.Sender }
func (e *AdminChange) When() time.Time  { return e.Time }
func (e *AdminChange) Evidence() Source { return e.Src }
func (e *AdminChange) Actor() string    { return e.User }
func (e *MailAccess) When() time.Time   { return e.Time }
func (e *MailAccess) Evidence() Source  { return e.Src }
func (e *MailAccess) Actor() string     { return e.User }

// fields returns where an event keeps its time and its evidence, so the
// setters below need one switch over the event types, not one each.
func fields(ev Event) (*time.Time, *Source) {
	switch e := ev.(type) {
	case *SignIn:
		return &e.Time, &e.Src
	case *MailboxChange:
		return &e.Time, &e.Src
	case *AdminChange:
		return &e.Time, &e.Src
	case *MailAccess:
		return &e.Time, &e.Src
	case *WebRequest:
		return &e.Time, &e.Src
	case *MailSent:
		return &e.Time, &e.Src
	}
	return nil, nil
}

// SetSource sets the evidence of an event a parser built without it.
func SetSource(ev Event, src Source) {
	if _, s := fields(ev); s != nil {
		*s = src
	}
}

// SetTime sets the time of an event.
func SetTime(ev Event, t time.Time) {
	if tp, _ := fields(ev); tp != nil {
		*tp = t
	}
}
