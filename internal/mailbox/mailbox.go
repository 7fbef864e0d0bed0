// Package mailbox reaches into users' mailboxes on the organisation's mail
// server for incident response: it pulls a campaign's delivered copies out
// of every mailbox into a quarantine folder on the server (and puts them
// back), audits a mailbox's rules, forwarding and delegations, and sweeps a
// compromised account's Sent, Drafts, Trash, Junk and template folders for
// what the InterCERT fiche lists (measures 2.a, 6.a, 6.b).
//
// Servers are reached through one Connector interface: IMAP with an
// administrator login plus ManageSieve (internal/mailbox/imapbox; on
// Zimbra, its admin API for forwarding: internal/mailbox/zimbra), the
// Microsoft Graph API (internal/mailbox/graph) and the Gmail API
// (internal/mailbox/gmail). Nothing here ever deletes a message or a rule:
// messages are moved, rules disabled, and every change is written to the
// incident's journal with the mailbox and the message's hash, and to a
// ledger from which it is undone. What each operation carries out of the
// playbook checklist, and the note saying so, is decided here too
// (PurgeChecklist, RestoreChecklist, AuditRecord, SweepReport.Checklist):
// the front ends only hand it to the incident service.
package mailbox

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Role is what a folder is for, from its special-use attribute (RFC 6154)
// or, failing that, its usual names.
type Role string

const (
	Inbox     Role = "inbox"
	Sent      Role = "sent"
	Drafts    Role = "drafts"
	Trash     Role = "trash"
	Junk      Role = "junk"
	Templates Role = "templates"
	Archive   Role = "archive"
)

// Folder is one folder of a mailbox.
type Folder struct {
	Name string `json:"name"`
	Role Role   `json:"role,omitempty"`
}

// Ref names one message on a server: its folder and the server's id for
// it (an IMAP UID, a Graph or Gmail message id).
type Ref struct {
	Folder string `json:"folder"`
	ID     string `json:"id"`
}

// Query selects messages in one folder; the fields set are ANDed.
type Query struct {
	MessageID string    // Message-ID, with or without angle brackets
	From      string    // address in the From header
	Subject   string    // substring of the subject
	Since     time.Time // received on or after (day precision on IMAP)
	Before    time.Time // received before
}

// Summary is what a search returns of each message: enough to verify the
// match and to show it, without its body.
type Summary struct {
	Ref       Ref       `json:"ref"`
	MessageID string    `json:"message_id,omitempty"`
	From      string    `json:"from,omitempty"`
	To        []string  `json:"to,omitempty"` // To, Cc and Bcc addresses
	Subject   string    `json:"subject,omitempty"`
	Date      time.Time `json:"date,omitzero"`
	Size      int64     `json:"size,omitempty"`
}

// Session is an administrator's open access to one user's mailbox.
type Session interface {
	// Folders lists the mailbox's folders with their roles.
	Folders(ctx context.Context) ([]Folder, error)
	// Search finds messages in one folder.
	Search(ctx context.Context, folder string, q Query) ([]Summary, error)
	// Fetch returns a message's raw bytes; ErrTooLarge beyond max.
	Fetch(ctx context.Context, ref Ref, max int64) ([]byte, error)
	// Move moves messages of one folder into dest, creating dest when it
	// does not exist, and returns their refs in dest where the server says
	// them (nil otherwise). It never expunges anything but those messages.
	Move(ctx context.Context, refs []Ref, dest string) ([]Ref, error)
	// Rules lists what acts on incoming mail or gives others access:
	// filters, forwarding, delegations, application passwords.
	Rules(ctx context.Context) ([]Rule, error)
	// Disable turns one rule off without deleting it and says, for the
	// journal, what was done and how to undo it.
	Disable(ctx context.Context, rule Rule) (string, error)
	// Commands counts the protocol commands or API requests sent so far.
	Commands() int
	Close() error
}

// Connector opens sessions on one mail system.
type Connector interface {
	// Name is "imap", "graph" or "gmail".
	Name() string
	// Open logs in to user's mailbox with the administrator's rights.
	Open(ctx context.Context, user string) (Session, error)
}

// Writer is implemented by sessions that open folders read-only unless
// told the caller is about to change them (IMAP's EXAMINE and SELECT): a
// purge says so once and saves re-opening the folder before the move.
type Writer interface {
	ForWriting()
}

// Lister is implemented by connectors that can enumerate mailboxes (for
// audit --all).
type Lister interface {
	Users(ctx context.Context) ([]string, error)
}

// Errors a connector wraps so the engines can say what went wrong per
// mailbox.
var (
	ErrUnreachable   = errors.New("mail server unreachable")
	ErrCredentials   = errors.New("administrator credentials refused")
	ErrNoMailbox     = errors.New("no such mailbox")
	ErrNoFolder      = errors.New("no such folder")
	ErrNotFound      = errors.New("message not found")
	ErrTooLarge      = errors.New("message too large to fetch")
	ErrUnsupported   = errors.New("not supported by this server")
	ErrCannotDisable = errors.New("this rule cannot be disabled without deleting it")
)

// RuleKind classifies a rule.
type RuleKind string

const (
	KindFilter      RuleKind = "filter"       // a Sieve rule, an inbox rule, a Gmail filter
	KindForwarding  RuleKind = "forwarding"   // a mailbox-wide forwarding setting
	KindDelegate    RuleKind = "delegate"     // someone else given access
	KindAppPassword RuleKind = "app-password" // a password that bypasses MFA
	// KindForwardAddress is an address registered and verified for
	// forwarding (Gmail's forwardingAddresses) that no filter or
	// forwarding setting uses yet: ready for one.
	KindForwardAddress RuleKind = "forwarding-address"
)

// Rule is one rule or setting of a mailbox as a connector reads it.
type Rule struct {
	// ID is stable across runs: the admin names it to --fix.
	ID      string   `json:"id"`
	Kind    RuleKind `json:"kind"`
	Source  string   `json:"source"` // "sieve script roundcube", "Graph inbox rule"…
	Name    string   `json:"name,omitempty"`
	Enabled bool     `json:"enabled"`
	// Effects say what a filter does: forward, delete, mark-read, move…
	// (the values of internal/mailbox/sieve.Effect).
	Effects []string `json:"effects,omitempty"`
	Targets []string `json:"targets,omitempty"` // forwarding addresses, delegates
	Folder  string   `json:"folder,omitempty"`
	When    string   `json:"when,omitempty"` // the rule's condition, as the server writes it
	Text    string   `json:"text,omitempty"` // the definition as stored
	// Fixable is false when the system can only delete the rule (Gmail
	// filters and delegates): Vigie then reports and never touches it.
	Fixable bool `json:"fixable"`
	// NoFixFR and NoFixEN say why a rule is not fixable and how a person
	// handles it ("" : a generic sentence).
	NoFixFR string `json:"no_fix_fr,omitempty"`
	NoFixEN string `json:"no_fix_en,omitempty"`
}

// NoFix says, in French then English, why Vigie leaves the rule to a
// person.
func (r Rule) NoFix() (fr, en string) {
	fr, en = r.NoFixFR, r.NoFixEN
	if fr == "" {
		fr = r.Source + " : ne se désactive pas sans suppression"
	}
	if en == "" {
		en = "it cannot be disabled without deleting it"
	}
	return fr, en
}

// RoleByName guesses a folder's role from its name, in the English and
// French names mail clients and servers use, for servers that do not
// announce special use.
func RoleByName(name string) Role {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "inbox":
		return Inbox
	case "sent", "sent items", "sent messages", "sent mail", "envoyés", "éléments envoyés", "messages envoyés", "envoyes":
		return Sent
	case "drafts", "brouillons":
		return Drafts
	case "trash", "deleted", "deleted items", "deleted messages", "corbeille", "éléments supprimés":
		return Trash
	case "junk", "spam", "junk e-mail", "junk email", "courrier indésirable", "indésirables", "pourriels":
		return Junk
	case "templates", "modèles", "modeles":
		return Templates
	case "archive", "archives":
		return Archive
	}
	return ""
}
