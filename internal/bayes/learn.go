package bayes

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// ErrRefused is wrapped by the errors of messages not fit to learn from.
var ErrRefused = errors.New("bayes: refused")

// Refusal says why a message is not fit to learn from, to a person: Error
// gives the English text (for logs), FR the French one the CLI shows by
// default (Message). It wraps ErrRefused.
type Refusal struct {
	EN, FRText string
}

func (r *Refusal) Error() string { return ErrRefused.Error() + ": " + r.EN }

// FR returns the French text.
func (r *Refusal) FR() string { return "refusé : " + r.FRText }

func (r *Refusal) Unwrap() error { return ErrRefused }

// refuse builds a Refusal; the format arguments are shared by both texts.
func refuse(fr, en string, a ...any) *Refusal {
	return &Refusal{FRText: fmt.Sprintf(fr, a...), EN: fmt.Sprintf(en, a...)}
}

// Message returns err for a person in lang ("en", else French): a
// refusal's reason in French unless English is asked for, any other error
// as it is.
func Message(err error, lang string) string {
	if err == nil {
		return ""
	}
	var r *Refusal
	if lang != "en" && errors.As(err, &r) {
		return r.FR()
	}
	return err.Error()
}

// Learning needs text: fewer words than this, or more shapes (numbers,
// identifiers, blobs) than words, says the input is not a message a person
// reads, and learning it would teach noise.
const minWords = 8

// Body returns the text the classifier reads: the longer of the plain-text
// and the HTML-derived text (most mail carries the same words in both).
func Body(m *message.Message) string {
	if len(m.HTMLText) > len(m.Text) {
		return m.HTMLText
	}
	return m.Text
}

// Prepared is a message ready to learn: its distinct features and the
// digest that recognises the same content learned again.
type Prepared struct {
	Digest string
	Hashes []uint64
}

// Prepare parses and tokenizes a raw message for learning. Empty, garbage
// or encoded-only input is refused with an error wrapping ErrRefused.
func (t Tokenizer) Prepare(raw []byte, lim message.Limits) (Prepared, error) {
	if len(raw) == 0 {
		return Prepared{}, refuse("message vide", "empty message")
	}
	if lim.MaxSize == 0 {
		lim = message.DefaultLimits()
	}
	m := message.Parse(raw, lim)
	var f Features
	t.Tokenize(&f, m.Subject, Body(m), scan.LinksOf(m))
	return t.prepared(&f)
}

func (t Tokenizer) prepared(f *Features) (Prepared, error) {
	words := f.Words - f.Shapes
	switch {
	case f.Junk*50 > f.Bytes:
		return Prepared{}, refuse("texte binaire ou illisible (%d octets de contrôle ou invalides sur %d)", "binary or undecodable text (%d control or invalid bytes of %d)", f.Junk, f.Bytes)
	case words >= 300 && f.Distinct*20 > words*19:
		return Prepared{}, refuse("des mots au hasard, pas une langue (%d distincts sur %d)", "random words, not language (%d distinct of %d)", f.Distinct, words)
	case words < minWords:
		return Prepared{}, refuse("trop peu de texte pour en apprendre quelque chose (%d mots)", "too little text to learn from (%d words)", words)
	case f.Shapes > words:
		return Prepared{}, refuse("surtout des nombres, des identifiants ou des données encodées (%d mots sur %d)", "mostly numbers, identifiers or encoded data (%d of %d words)", f.Shapes, f.Words)
	}
	hs := slices.Clone(f.Hashes)
	slices.Sort(hs)
	// The digest is over the content's features, not its bytes: the same
	// text re-sent with other headers, another encoding or other line
	// ends is the same message to the model.
	d := sha256.New()
	var b [8]byte
	for _, h := range hs {
		binary.LittleEndian.PutUint64(b[:], h)
		d.Write(b[:])
	}
	return Prepared{Digest: hex.EncodeToString(d.Sum(nil)), Hashes: hs}, nil
}

// Learner teaches the store's model. The CLI, the quarantine and (through
// the same methods) the console use it; every node's Live model picks the
// change up.
type Learner struct {
	Repo      Repository
	Tokenizer Tokenizer
	Limits    message.Limits // parsing limits; zero means message.DefaultLimits
	// MaxTokens is the store's bound: past it, learning prunes the rarest
	// and oldest features down to 90 % of it (default DefaultMaxTokens).
	MaxTokens int
	Log       *slog.Logger
}

// Item is one message to learn.
type Item struct {
	Name   string // for reports: a file name, a quarantine id
	Raw    []byte
	Class  Class // "" forgets the message
	Source string
	By     string
}

// Learned says what became of one Item.
type Learned struct {
	Name    string
	Outcome Outcome // "" when refused
	Err     error   // why it was refused
}

// batch bounds the messages per store transaction.
const batch = 200

// Learn learns (or forgets) items, in transactions of a few hundred, and
// prunes the store when it outgrew its bound. Refused items are reported
// in their Learned and do not stop the others; an error is a store failure.
func (l *Learner) Learn(ctx context.Context, items []Item) ([]Learned, error) {
	out := make([]Learned, len(items))
	var samples []Sample
	var idx []int
	flush := func() error {
		if len(samples) == 0 {
			return nil
		}
		oc, err := l.Repo.Learn(ctx, TokenizerVersion, samples)
		if err != nil {
			return err
		}
		for i, o := range oc {
			out[idx[i]].Outcome = o
		}
		samples, idx = samples[:0], idx[:0]
		return nil
	}
	for i, it := range items {
		out[i].Name = it.Name
		if it.Class != "" && !it.Class.Valid() {
			out[i].Err = refuse("classe inconnue %q", "unknown class %q", it.Class)
			continue
		}
		p, err := l.Tokenizer.Prepare(it.Raw, l.Limits)
		if err != nil {
			out[i].Err = err
			continue
		}
		samples = append(samples, Sample{Digest: p.Digest, Class: string(it.Class), Hashes: p.Hashes,
			Source: it.Source, By: it.By, Defers: it.Source == string(Reported) || it.Source == SourceAutolearn})
		idx = append(idx, i)
		if len(samples) == batch {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	if err := flush(); err != nil {
		return out, err
	}
	maxTok := l.MaxTokens
	if maxTok <= 0 {
		maxTok = DefaultMaxTokens
	}
	n, err := l.Repo.Prune(ctx, int64(maxTok), int64(maxTok)*9/10)
	if err != nil {
		return out, err
	}
	if n > 0 && l.Log != nil {
		l.Log.Info("bayes: pruned the rarest and oldest features", "deleted", n, "max_tokens", maxTok)
	}
	return out, nil
}

// Decision is an administrator's (or a user's) judgement on a message.
type Decision string

const (
	// Released: an administrator released it from quarantine — ham.
	Released Decision = "quarantine-release"
	// Confirmed: an administrator confirmed a held message is phishing.
	Confirmed Decision = "quarantine-confirm"
	// Reported: a user reported it as phishing. A user's report defers
	// to an administrator: a message one taught as legitimate (a release,
	// vigie learn --ham) stays legitimate (OutcomeKept); only autolearn's
	// judgement is overruled.
	Reported Decision = "user-report"
)

// SourceAutolearn is the source of what the gateway learns by itself
// (AutoLearn). It defers to every person's decision: a message an
// administrator released, confirmed or taught, or a user reported, is
// never moved by the gateway's own judgement of the same content sent
// again (which a sender can shape), only by another person's.
const SourceAutolearn = "autolearn"

// Class returns what a decision teaches.
func (d Decision) Class() Class {
	if d == Released {
		return Ham
	}
	return Phish
}

// Feedback learns from one decision on a message. The quarantine release
// of the CLI calls it now, the console the same way. A message already
// learned the other way is moved: the latest decision wins, save a user's
// report over an administrator's decision (Reported).
func (l *Learner) Feedback(ctx context.Context, raw []byte, d Decision, by string) (Learned, error) {
	switch d {
	case Released, Confirmed, Reported:
	default:
		return Learned{}, fmt.Errorf("bayes: unknown decision %q", d)
	}
	rs, err := l.Learn(ctx, []Item{{Raw: raw, Class: d.Class(), Source: string(d), By: by}})
	if err != nil {
		return Learned{}, err
	}
	if l.Log != nil {
		l.Log.Info("bayes: learned from a decision", "decision", d, "by", by, "outcome", rs[0].Outcome, "err", rs[0].Err)
	}
	return rs[0], nil
}

// LearnDecision implements quarantine.Learner: an operator's release or
// "not phishing" is learned as ham (Released), a confirmation as phish
// (Confirmed). A message the classifier refuses (empty, already learned
// the same way) counts as taken: replaying it would be refused again.
func (l *Learner) LearnDecision(ctx context.Context, raw []byte, phish bool, by string) error {
	d := Released
	if phish {
		d = Confirmed
	}
	r, err := l.Feedback(ctx, raw, d, by)
	if err != nil {
		return err
	}
	if r.Err != nil && l.Log != nil {
		l.Log.Info("classifier refused a decision's message", "decision", d, "by", by, "err", r.Err)
	}
	return nil
}
