package quarantine

import (
	"bytes"
	"compress/gzip"
	"context"

	"fmt"
	"strings"
	"time"
)

// Action is an operator's decision on a held message. Release and the two
// judgements teach the per-site classifier (issue 12); delete does not.
type Action string

const (
	// Release delivers the message to its recipients: ham.
	Release Action = "release"
	// Delete removes the message: nothing learned.
	Delete Action = "delete"
	// Phish says "c'est du phishing": learned as phish, then deleted.
	Phish Action = "phish"
	// NotPhish says "ce n'est pas du phishing": learned as ham; the message
	// stays held (unwanted mail need not be phishing) until released or
	// deleted.
	NotPhish Action = "not-phish"
)

// ParseAction reads an action name.
func ParseAction(s string) (Action, error) {
	switch a := Action(s); a {
	case Release, Delete, Phish, NotPhish:
		return a, nil
	}
	return "", fmt.Errorf("quarantine: unknown action %q (release, delete, phish, not-phish)", s)
}

// Class is what the action teaches: "phish", "ham" or "" (nothing).
func (a Action) Class() string {
	switch a {
	case Release, NotPhish, requestAction:
		return "ham"
	case Phish:
		return "phish"
	}
	return ""
}

// Learner is the classifier's way in: it learns one message as phish or
// ham. An error leaves the decision pending, to be replayed.
type Learner interface {
	LearnDecision(ctx context.Context, raw []byte, phish bool, by string) error
}

// Decide applies an operator's action to a held message: it records the
// decision that teaches the classifier (with the message, so it can be
// replayed), hands it to the learner when there is one, and then
// delivers (release, through d) or deletes (delete, phish). A release
// whose delivery fails leaves the message held and teaches nothing.
func (s *Store) Decide(ctx context.Context, id string, a Action, by string, d Deliverer) (Entry, error) {
	switch a {
	case Release:
		e, err := s.Release(ctx, id, by, d)
		if err != nil {
			return e, err
		}
		return e, s.learnFrom(ctx, e, a, by)
	case Delete:
		e, err := s.repo.Get(ctx, id)
		if err != nil {
			return e, fmt.Errorf("quarantine: %s: %w", id, err)
		}
		return e, s.Delete(ctx, id, by)
	case Phish, NotPhish:
		e, err := s.repo.Get(ctx, id)
		if err != nil {
			return e, fmt.Errorf("quarantine: %s: %w", id, err)
		}
		if err := s.learnFrom(ctx, e, a, by); err != nil {
			return e, err
		}
		if err := s.repo.MarkVerdict(ctx, id, a.Class(), by, time.Now().UTC()); err != nil {
			return e, fmt.Errorf("quarantine: %s: %w", id, err)
		}
		e.Verdict, e.VerdictBy = a.Class(), by
		if a == Phish && e.DeletedAt.IsZero() {
			return e, s.Delete(ctx, id, by)
		}
		return e, nil
	}
	return Entry{}, fmt.Errorf("quarantine: unknown action %q", a)
}

// learnFrom records what a decided message teaches and passes it on.
func (s *Store) learnFrom(ctx context.Context, e Entry, a Action, by string) error {
	class := a.Class()
	if class == "" {
		return nil
	}
	raw, _, err := s.readRaw(ctx, e)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return fmt.Errorf("quarantine: compress %s: %w", e.ID, err)
	}
	now := time.Now().UTC()
	dec := Decision{At: now, Actor: by, QuarantineID: e.ID, Class: class, Action: string(a), SHA256: e.SHA256, Message: gz.Bytes()}
	if dec.ID, err = s.repo.AddDecision(ctx, dec); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if s.Learner == nil {
		return nil
	}
	if err := s.Learner.LearnDecision(ctx, raw, class == "phish", by); err != nil {
		s.log.Warn("classifier did not learn the decision; it will be replayed", "id", e.ID, "class", class, "err", err)
		return nil
	}
	return s.repo.MarkLearned(ctx, dec.ID, now)
}

// readRaw is Raw for an entry already read.
func (s *Store) readRaw(ctx context.Context, e Entry) ([]byte, Entry, error) {
	if !e.DeletedAt.IsZero() {
		return nil, e, &DeletedError{ID: e.ID, By: e.DeletedBy, At: e.DeletedAt}
	}
	return s.Raw(ctx, e.ID)
}

// Replay hands the decisions not learned yet to l, oldest first, and
// returns how many it learned. Run it when a classifier appears (or comes
// back): nothing the operators decided is lost in between.
func (s *Store) Replay(ctx context.Context, l Learner) (int, error) {
	n := 0
	for {
		pending, err := s.repo.PendingDecisions(ctx, 100)
		if err != nil || len(pending) == 0 {
			return n, err
		}
		for _, d := range pending {
			zr, err := gzip.NewReader(bytes.NewReader(d.Message))
			if err != nil {
				return n, fmt.Errorf("quarantine: decision %d: %w", d.ID, err)
			}
			var raw bytes.Buffer
			if _, err := raw.ReadFrom(zr); err != nil {
				return n, fmt.Errorf("quarantine: decision %d: %w", d.ID, err)
			}
			if err := l.LearnDecision(ctx, raw.Bytes(), d.Class == "phish", d.Actor); err != nil {
				return n, fmt.Errorf("quarantine: replay decision %d: %w", d.ID, err)
			}
			if err := s.repo.MarkLearned(ctx, d.ID, time.Now().UTC()); err != nil {
				return n, err
			}
			n++
		}
	}
}

// Decisions returns the latest decisions, or those on one message.
func (s *Store) Decisions(ctx context.Context, qid string, limit int) ([]Decision, error) {
	if qid != "" {
		return s.repo.DecisionsFor(ctx, qid)
	}
	return s.repo.RecentDecisions(ctx, limit)
}

// ReleaseTo delivers a held message to one of its recipients only (an end
// user's request from the digest). The message stays held for the others;
// with a single recipient it is released. learn records the release as
// ham, as an operator's release is (an approval; not an automatic one).
func (s *Store) ReleaseTo(ctx context.Context, id, rcpt, by string, d Deliverer, learn bool) (Entry, error) {
	raw, e, err := s.Raw(ctx, id)
	if err != nil {
		return e, err
	}
	if !e.ReleasedAt.IsZero() {
		return e, fmt.Errorf("%w: %s was released by %s", ErrNotHeld, id, e.ReleasedBy)
	}
	found := false
	for _, r := range e.RcptTo {
		found = found || strings.EqualFold(r, rcpt)
	}
	if !found {
		return e, fmt.Errorf("quarantine: %s was not addressed to %s", id, rcpt)
	}
	if len(e.RcptTo) == 1 {
		if e, err = s.Release(ctx, id, by, d); err != nil {
			return e, err
		}
	} else {
		if err := d.Deliver(ctx, e.MailFrom, []string{rcpt}, raw); err != nil {
			return e, &DeliveryError{ID: id, Err: err}
		}
		s.log.Info("quarantine release to one recipient", "id", id, "by", by, "rcpt", rcpt)
	}
	if learn {
		return e, s.learnFrom(ctx, e, requestAction, by)
	}
	return e, nil
}

// requestAction records a release made at a recipient's request.
const requestAction Action = "request"
