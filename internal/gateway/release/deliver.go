package release

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/quarantine"
)

// How a release ended, when it did not fail.
const (
	Delivered       = "delivered"    // re-injected; the next hop said 250
	FromPostfixHold = "postfix-hold" // Postfix's held copy released with postsuper -H
)

// Outcome is what a successful release did.
type Outcome struct {
	How   string // Delivered or FromPostfixHold
	To    string // the next hop (Delivered)
	Reply string // its reply to the end of DATA ("250 2.0.0 Ok: queued as 4QxYz")
	// PostfixQueueID is Postfix's id of the message held in hold mode;
	// PostfixStillHolds says its copy is still there (Vigie's was
	// re-injected because postsuper could not be used from here).
	PostfixQueueID    string
	PostfixStillHolds bool
	// PostfixNode is the node whose Postfix still holds its copy, when
	// the release was made from another node.
	PostfixNode string
	// Unwarned says the message left without the warning it should carry
	// (an oversize message released by force from Postfix's hold queue).
	Unwarned bool
}

// The deliverer's refusals; package quarantine defines them so that the
// command line and the console explain them alike
// (quarantine.ReleaseRefusal).
type RequarantinedError = quarantine.RequarantinedError

var (
	ErrPostfixCopyGone = quarantine.ErrPostfixCopyGone
	ErrTruncated       = quarantine.ErrTruncated
	ErrWarningLost     = quarantine.ErrWarningLost
	ErrWholeCopyGone   = quarantine.ErrWholeCopyGone
)

// Repository is what a release reads of the quarantine (package store
// implements it). HeldBySHA256 returns an error wrapping
// dberr.ErrNotFound when no held entry has those bytes.
type Repository interface {
	HeldBySHA256(ctx context.Context, sum string) (quarantine.Entry, error)
	MTA(ctx context.Context, id string) (quarantine.MTA, error)
	// ReleasedAgain returns the entries created since a time that
	// carried a release of the message with that digest.
	ReleasedAgain(ctx context.Context, sum string, since time.Time) ([]string, error)
}

// Deliverer implements quarantine.Deliverer: it finds the entry by the
// digest of the bytes it is given (quarantine.Store.Release passes the
// stored bytes), then releases Postfix's held copy or re-injects Vigie's
// signed one, and checks that it did not come back.
type Deliverer struct {
	Repo Repository
	Key  Key
	SMTP *nexthop.Client // release_to
	// Postfix reaches the local Postfix's queue for entries it holds
	// (milter hold mode); nil: not on this host.
	Postfix *Postfix
	// Force re-injects Vigie's copy even when Postfix's held copy has left
	// the hold queue, and releases Postfix's copy of an oversize message
	// that should carry a warning it cannot (ErrWarningLost).
	Force bool
	// Node is this gateway node's name (NodeName): Postfix's held copy of
	// a message another node received is out of this node's reach.
	Node string
	// Warn, when set, gives the warnings a released message must still
	// carry (a suspect invoice: accounting must check the bank details
	// before paying); BodyBanner also puts them in front of the content
	// as a text part (setting invoice.body_banner), as Process does.
	Warn       Warner
	BodyBanner bool
	Log        *slog.Logger
	Now        func() time.Time

	mu       sync.Mutex
	outcomes map[string]Outcome
}

// Warning is what a released message must still tell its recipients:
// the banners of its signals (X-Vigie-Banner fields, a text part) and
// its Subject with their prefix ("" leaves the Subject as it is).
type Warning struct {
	Banners []string
	Subject string
}

// Warner says which warnings the released message raw of entry e must
// carry. An admin's release says the message may go, not that what it
// warned about was checked: an invoice's changed bank details keep their
// warning until someone confirmed them in the supplier register. A
// Warner that cannot tell keeps the warnings.
type Warner interface {
	Warnings(ctx context.Context, e quarantine.Entry, raw []byte) Warning
}

// Outcome returns what the release of the message with digest sum did.
func (d *Deliverer) Outcome(sum string) (Outcome, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	o, ok := d.outcomes[sum]
	return o, ok
}

// ReleaseNote implements quarantine.ReleaseNoter: where the release of e
// went (the next hop and its reply, or Postfix's hold queue) and, when
// Postfix still holds its own copy, the command that deletes it and on
// which node.
func (d *Deliverer) ReleaseNote(lang string, e quarantine.Entry) (string, bool) {
	say := func(fr, en string) string {
		if lang == "en" {
			return en
		}
		return fr
	}
	o, _ := d.Outcome(e.SHA256)
	rcpt := strings.Join(e.RcptTo, ", ")
	var note string
	switch o.How {
	case FromPostfixHold:
		note = say(fmt.Sprintf("libéré de la file hold de Postfix (%s) pour %s", o.PostfixQueueID, rcpt),
			fmt.Sprintf("released from Postfix's hold queue (%s) for %s", o.PostfixQueueID, rcpt))
	default:
		note = say(fmt.Sprintf("remis à %s pour %s (%s)", o.To, rcpt, o.Reply),
			fmt.Sprintf("delivered to %s for %s (%s)", o.To, rcpt, o.Reply))
	}
	if o.Unwarned {
		note += say(" ; SANS l'avertissement qu'il devait porter (message trop grand : copie de Postfix, libérée en forçant)",
			"; WITHOUT the warning it should carry (oversize message: Postfix's copy, released by force)")
	}
	if o.PostfixNode != "" {
		note += say(fmt.Sprintf(" ; Postfix garde aussi sa copie en file hold sur %s, qui a reçu le message : supprimez-la là-bas avec « postsuper -d %s »", o.PostfixNode, o.PostfixQueueID),
			fmt.Sprintf("; Postfix on %s, which received the message, still holds its own copy: delete it there with \"postsuper -d %s\"", o.PostfixNode, o.PostfixQueueID))
	} else if o.PostfixStillHolds {
		note += say(fmt.Sprintf(" ; Postfix garde aussi sa copie en file hold : supprimez-la avec « postsuper -d %s »", o.PostfixQueueID),
			fmt.Sprintf("; Postfix still holds its own copy: delete it with \"postsuper -d %s\"", o.PostfixQueueID))
	}
	return note, o.PostfixStillHolds
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Deliver implements quarantine.Deliverer.
func (d *Deliverer) Deliver(ctx context.Context, from string, to []string, raw []byte) error {
	sum := Sum(raw)
	var (
		mta  quarantine.MTA
		warn Warning
	)
	if e, err := d.Repo.HeldBySHA256(ctx, sum); err == nil {
		if mta, err = d.Repo.MTA(ctx, e.ID); err != nil {
			return err
		}
		if d.Warn != nil {
			warn = d.Warn.Warnings(ctx, e, raw)
		}
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return err
	}
	warned := len(warn.Banners) > 0 || warn.Subject != ""
	o := Outcome{PostfixQueueID: mta.MTAQueueID, Unwarned: warned && mta.Truncated}
	switch {
	case warned && mta.MTAHold && mta.MTAQueueID != "" && !mta.Truncated:
		// Postfix's held copy would leave without the warning (postsuper
		// -H does not run the milter again): Vigie's warned copy goes and
		// Postfix's stays held, for the operator to delete; unless it has
		// already left the hold queue (a second copy is not sent).
		o.PostfixStillHolds = true
		if mta.Node != "" && d.Node != "" && mta.Node != d.Node {
			o.PostfixNode = mta.Node
		} else if d.Postfix != nil {
			q, err := d.Postfix.Queue(ctx, mta.MTAQueueID)
			switch {
			case errors.Is(err, ErrNoPostfix):
			case err != nil:
				return err
			case q != "hold" && !d.Force:
				return ErrPostfixCopyGone
			case q != "hold":
				o.PostfixStillHolds = false
			}
		}
	case warned && mta.Truncated && !d.Force:
		// Only Postfix's copy is whole, and it cannot be warned: whoever
		// releases must tell the recipients first, and say so by forcing.
		return ErrWarningLost
	case mta.MTAHold && mta.MTAQueueID != "" && mta.Node != "" && d.Node != "" && mta.Node != d.Node:
		// Postfix's copy is in the hold queue of the node that received
		// the message: Vigie's copy goes, and the outcome says where
		// Postfix's remains.
		o.PostfixStillHolds, o.PostfixNode = true, mta.Node
	case mta.MTAHold && mta.MTAQueueID != "":
		done, err := d.fromPostfix(ctx, mta, &o)
		if err != nil {
			return err
		}
		if done {
			d.record(sum, o)
			return nil
		}
	}
	if mta.Truncated {
		return ErrTruncated
	}
	if d.SMTP == nil || d.SMTP.Addr == "" {
		return errors.New("release: no release_to (nor relay.next_hop) to re-inject to")
	}
	start := d.now().Add(-time.Second)
	// Banners the quarantined copy carried are the sender's: the front
	// ends keep those of a release, so only ours may be there.
	out := gateway.StripBanners(raw)
	if warned {
		out = d.warned(out, warn)
	}
	// The field names the quarantined bytes' digest, so that a warned copy
	// that came back is still recognised.
	signed := gateway.Prepend(out, []gateway.Field{{Name: Header, Value: d.Key.signAs(sum, out, d.now())}})
	reply, failed, err := d.SMTP.DeliverReply(ctx, from, to, signed)
	if err != nil {
		return err
	}
	for rc, e := range failed {
		return fmt.Errorf("release: recipient %s refused: %w", rc, e)
	}
	// The next hop answered at the end of DATA: a milter on the way has
	// already decided, and a quarantine it made is recorded.
	if again, err := d.Repo.ReleasedAgain(ctx, sum, start); err != nil {
		return err
	} else if len(again) > 0 {
		return &RequarantinedError{IDs: again}
	}
	o.How, o.To, o.Reply = Delivered, d.SMTP.Addr, "250 "+reply
	d.record(sum, o)
	return nil
}

// warned returns raw with the warning: X-Vigie-Banner fields, the
// Subject with its prefix and, with BodyBanner, the text part in front of
// the content.
func (d *Deliverer) warned(raw []byte, w Warning) []byte {
	out := raw
	if w.Subject != "" {
		out = gateway.RewriteSubject(out, gateway.EncodeHeader(w.Subject))
	}
	if d.BodyBanner && len(w.Banners) > 0 {
		if bb, err := gateway.WrapBody(out, gateway.BodyBannerText(w.Banners)); err == nil {
			out = bb.Apply(out)
		} else {
			d.logger().Warn("release: body banner not added, the header banner stays", "err", err)
		}
	}
	fields := make([]gateway.Field, 0, len(w.Banners))
	for _, b := range w.Banners {
		fields = append(fields, gateway.Field{Name: gateway.HeaderBanner, Value: gateway.EncodeHeader(b)})
	}
	return gateway.Prepend(out, fields)
}

// fromPostfix releases Postfix's held copy when it can; done is false
// when Vigie's copy is to be re-injected instead.
func (d *Deliverer) fromPostfix(ctx context.Context, mta quarantine.MTA, o *Outcome) (done bool, err error) {
	if d.Postfix == nil {
		o.PostfixStillHolds = true
		return false, nil
	}
	q, err := d.Postfix.Queue(ctx, mta.MTAQueueID)
	switch {
	case errors.Is(err, ErrNoPostfix):
		o.PostfixStillHolds = true
		return false, nil
	case err != nil:
		return false, err
	case q == "hold":
		if err := d.Postfix.ReleaseHeld(ctx, mta.MTAQueueID); err != nil {
			d.logger().Warn("release: Postfix's held copy could not be released, Vigie's is re-injected", "queue_id", mta.MTAQueueID, "err", err)
			o.PostfixStillHolds = true
			return false, nil
		}
		o.How = FromPostfixHold
		return true, nil
	case mta.Truncated:
		// Vigie's copy is partial and Postfix's is gone: forcing cannot
		// help, and "deliver Vigie's copy" would be a lie.
		return false, ErrWholeCopyGone
	case d.Force:
		return false, nil
	}
	return false, ErrPostfixCopyGone
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

func (d *Deliverer) record(sum string, o Outcome) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.outcomes == nil {
		d.outcomes = map[string]Outcome{}
	}
	d.outcomes[sum] = o
}

// ForConfig builds the Deliverer cfg describes: re-injection to
// serve.quarantine.release_to (else the relay's next hop), the local
// Postfix of serve.milter.postfix_config for messages it holds.
func ForConfig(cfg *config.Config, repo Repository, key Key, helo string, log *slog.Logger) *Deliverer {
	to := cfg.Serve.Quarantine.ReleaseTo
	if to == "" {
		to = cfg.Serve.Relay.NextHop
	}
	return &Deliverer{Repo: repo, Key: key, SMTP: &nexthop.Client{Addr: to, HELO: helo, MaxIdle: 1},
		Postfix: &Postfix{ConfigDir: cfg.Serve.Milter.PostfixConfig}, Node: NodeName(cfg), BodyBanner: cfg.Invoice.BodyBanner, Log: log}
}

// NodeName is this gateway node's name among several: the relay's
// greeting name when set, else the host name.
func NodeName(cfg *config.Config) string {
	if cfg.Serve.Relay.Hostname != "" {
		return cfg.Serve.Relay.Hostname
	}
	h, _ := os.Hostname()
	return h
}
