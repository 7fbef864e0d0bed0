package mailbox

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox/secrets"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Sweep signals besides those of internal/mailbox/secrets.
const (
	SigIndicator     = "SWEEP_INDICATOR_MATCH"
	SigPhishing      = "SWEEP_PHISHING_VERDICT"
	SigManyRcpts     = "SWEEP_OUTBOUND_MANY_RECIPIENTS"
	SigBurst         = "SWEEP_OUTBOUND_BURST"
	SigResetNotice   = "SWEEP_RESET_NOTICE"
	SigSweepTemplate = "SWEEP_TEMPLATE_LINK"
)

// Thresholds of the outbound checks: one message to this many recipients,
// or this many messages within BurstWindow, is what a compromised account
// sending a campaign looks like, not a person writing.
const (
	ManyRecipients = 20
	BurstMessages  = 10
	BurstWindow    = 10 * time.Minute
)

// resetNotice matches the subjects of the notices providers send when a
// password is reset, a device or sign-in is new, or a second factor
// changes — fiche 6.a asks for them, an attacker deletes them.
var resetNotice = regexp.MustCompile(`(?i)(r[ée]initialis|reset (your|of)|password (reset|change|was changed)|mot de passe (a été )?(modifi|chang|r[ée]initialis)|nouvelle connexion|new sign-?in|new login|nouvel appareil|new device|appareil de confiance|trusted device|code de (v[ée]rification|s[ée]curit[ée])|verification code|security code|security alert|alerte de s[ée]curit[ée]|two-factor|double authentification|authentification à deux facteurs)`)

// SweepItem is one thing found.
type SweepItem struct {
	Folder  string  `json:"folder"`
	Role    Role    `json:"role,omitempty"`
	Message Summary `json:"message"`
	Signal  string  `json:"signal"`
	FR      string  `json:"fr"`
	EN      string  `json:"en"`
	// Evidence is the SHA-256 of the message attached to the incident.
	Evidence string `json:"evidence,omitempty"`
}

// FolderCount counts per folder.
type FolderCount struct {
	Folder   string         `json:"folder"`
	Role     Role           `json:"role,omitempty"`
	Messages int            `json:"messages"` // looked at
	Signals  map[string]int `json:"signals"`
}

// SweepReport is the sweep of one account.
type SweepReport struct {
	Incident  int64         `json:"incident,omitempty"`
	User      string        `json:"user"`
	Since     time.Time     `json:"since"`
	Folders   []FolderCount `json:"folders"`
	Items     []SweepItem   `json:"items"`
	Truncated bool          `json:"truncated,omitempty"`
	Errors    []string      `json:"errors,omitempty"`
	Journal   int64         `json:"journal_seq,omitempty"` // the main courante entry that records it
	Commands  int           `json:"commands"`
}

// SweepRequest sweeps one account.
type SweepRequest struct {
	Incident   int64
	User       string
	Since      time.Time
	Indicators []incident.Indicator
	Scanner    incident.Scanner // nil: no verdicts
	// Inbox adds INBOX to the folders swept.
	Inbox       bool
	MaxMessages int // per run (0: 5000)
	// Evidence attaches a flagged message to the incident and returns its
	// hash (nil: not attached).
	Evidence func(ctx context.Context, raw []byte, name, source string) (string, error)
	By       string
}

// Sweep looks through the account's Sent, Drafts, Trash, Junk and
// template folders (InterCERT 6.a, 6.b) for the messages of the period.
func (r *Remediator) Sweep(ctx context.Context, req SweepRequest) (SweepReport, error) {
	r.defaults()
	rep := SweepReport{Incident: req.Incident, User: req.User, Since: req.Since}
	if req.MaxMessages <= 0 {
		req.MaxMessages = 5000
	}
	s, err := r.Connector.Open(ctx, req.User)
	if err != nil {
		return rep, err
	}
	defer func() { s.Close() }()
	folders, err := s.Folders(ctx)
	if err != nil {
		return rep, err
	}
	verify := ContentVerifier(req.Indicators)
	senders := map[string]bool{}
	for _, ind := range req.Indicators {
		if ind.Kind == incident.KindEmail {
			senders[strings.ToLower(ind.Value)] = true
		}
	}
	budget := req.MaxMessages
	for _, f := range folders {
		swept := f.Role == Sent || f.Role == Drafts || f.Role == Trash || f.Role == Junk || f.Role == Templates ||
			req.Inbox && f.Role == Inbox
		if !swept || f.Name == r.Quarantine {
			continue
		}
		fc := FolderCount{Folder: f.Name, Role: f.Role, Signals: map[string]int{}}
		found, err := s.Search(ctx, f.Name, Query{Since: req.Since})
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			rep.Folders = append(rep.Folders, fc)
			continue
		}
		// IMAP's SINCE has day precision: keep the period exactly.
		found = slices.DeleteFunc(found, func(m Summary) bool { return !m.Date.IsZero() && m.Date.Before(req.Since) })
		slices.SortFunc(found, func(a, b Summary) int { return a.Date.Compare(b.Date) })
		if f.Role == Sent {
			for _, it := range bursts(f, found) {
				fc.Signals[it.Signal]++
				rep.Items = append(rep.Items, it)
			}
		}
		for _, m := range found {
			if budget == 0 {
				rep.Truncated = true
				break
			}
			budget--
			fc.Messages++
			items := r.sweepMessage(ctx, s, f, m, req, verify, senders)
			for i := range items {
				fc.Signals[items[i].Signal]++
			}
			rep.Items = append(rep.Items, items...)
		}
		rep.Folders = append(rep.Folders, fc)
	}
	rep.Commands = s.Commands()
	rep.Journal = r.journalSweep(ctx, req, rep)
	return rep, nil
}

// bursts finds, in a Sent folder sorted by date, runs of BurstMessages
// messages within BurstWindow, and single messages to ManyRecipients.
func bursts(f Folder, sent []Summary) []SweepItem {
	var out []SweepItem
	for _, m := range sent {
		if len(m.To) >= ManyRecipients {
			out = append(out, SweepItem{Folder: f.Name, Role: f.Role, Message: m, Signal: SigManyRcpts,
				FR: fmt.Sprintf("Envoi à %d destinataires d'un coup (seuil %d) : diffusion depuis le compte ?", len(m.To), ManyRecipients),
				EN: fmt.Sprintf("Sent to %d recipients at once (threshold %d): a campaign from the account?", len(m.To), ManyRecipients)})
		}
	}
	for i := 0; i < len(sent); {
		j := i
		for j+1 < len(sent) && sent[j+1].Date.Sub(sent[i].Date) <= BurstWindow {
			j++
		}
		if n := j - i + 1; n >= BurstMessages {
			rcpts := map[string]bool{}
			for _, m := range sent[i : j+1] {
				for _, t := range m.To {
					rcpts[strings.ToLower(t)] = true
				}
			}
			out = append(out, SweepItem{Folder: f.Name, Role: f.Role, Message: sent[i], Signal: SigBurst,
				FR: fmt.Sprintf("Rafale d'envois : %d messages en %s à partir du %s, %d destinataires distincts.", n,
					sent[j].Date.Sub(sent[i].Date).Round(time.Second), journal.FormatTime(sent[i].Date), len(rcpts)),
				EN: fmt.Sprintf("Burst of sending: %d messages in %s from %s, %d distinct recipients.", n,
					sent[j].Date.Sub(sent[i].Date).Round(time.Second), sent[i].Date.UTC().Format(time.RFC3339), len(rcpts))})
			i = j + 1
			continue
		}
		i++
	}
	return out
}

func (r *Remediator) sweepMessage(ctx context.Context, s Session, f Folder, m Summary, req SweepRequest,
	verify func([]byte) (bool, string), senders map[string]bool) []SweepItem {
	var out []SweepItem
	add := func(sig, fr, en string) {
		out = append(out, SweepItem{Folder: f.Name, Role: f.Role, Message: m, Signal: sig, FR: fr, EN: en})
	}
	if resetNotice.MatchString(m.Subject) {
		add(SigResetNotice, "Avis de réinitialisation, de nouvelle connexion ou de nouvel appareil : l'attaquant a-t-il changé un accès ?",
			"Password-reset, new sign-in or new-device notice: did the attacker change an access?")
	}
	if senders[strings.ToLower(m.From)] {
		add(SigIndicator, "Expéditeur indicateur de l'incident : "+m.From, "Sender is an indicator of the incident: "+m.From)
	}
	raw, err := s.Fetch(ctx, m.Ref, r.MaxFetch)
	if err != nil {
		return out
	}
	if ok, why := verify(raw); ok && !senders[strings.ToLower(m.From)] {
		add(SigIndicator, "Porte un indicateur de l'incident : "+why, "Carries an indicator of the incident: "+why)
	}
	if req.Scanner != nil {
		v := req.Scanner.Scan(ctx, raw, scan.Envelope{})
		if v != nil && (v.Action == scan.Quarantine || v.Action == scan.Reject) {
			var names []string
			for _, sg := range v.Signals {
				names = append(names, sg.Name)
			}
			if len(names) > 6 {
				names = append(names[:6], "…")
			}
			add(SigPhishing, fmt.Sprintf("Verdict de l'analyseur : %s (score %.1f ; %s).", v.Action, v.Score, strings.Join(names, ", ")),
				fmt.Sprintf("Scanner verdict: %s (score %.1f; %s).", v.Action, v.Score, strings.Join(names, ", ")))
		}
	}
	msg := message.Parse(raw, message.DefaultLimits())
	for _, sec := range secrets.Scan(msg) {
		add(sec.Kind, fmt.Sprintf("%s dans %s : %s — à considérer comme compromis, à changer.", sec.What, sec.Where, sec.Excerpt),
			fmt.Sprintf("%s in %s: %s — assume it compromised, change it.", sec.What, sec.Where, sec.Excerpt))
	}
	if f.Role == Templates && len(msg.URLs) > 0 && len(out) == 0 {
		add(SigSweepTemplate, fmt.Sprintf("Modèle de message contenant %d lien(s) (premier : %s) : modèle piégé ?", len(msg.URLs), msg.URLs[0].Host),
			fmt.Sprintf("Message template with %d link(s) (first: %s): a booby-trapped template?", len(msg.URLs), msg.URLs[0].Host))
	}
	if len(out) > 0 && req.Evidence != nil && req.Incident != 0 {
		name := fmt.Sprintf("%s-%s-%s.eml", req.User, strings.ReplaceAll(f.Name, "/", "_"), m.Ref.ID)
		source := fmt.Sprintf("%s://%s/%s;UID=%s", r.Connector.Name(), req.User, f.Name, m.Ref.ID)
		if sum, err := req.Evidence(ctx, raw, name, source); err == nil {
			for i := range out {
				out[i].Evidence = sum
			}
		}
	}
	return out
}

// journalSweep writes the sweep's counts to the incident's journal.
func (r *Remediator) journalSweep(ctx context.Context, req SweepRequest, rep SweepReport) int64 {
	if r.Journal == nil || req.Incident == 0 {
		return 0
	}
	var parts []string
	for _, f := range rep.Folders {
		var sigs []string
		keys := make([]string, 0, len(f.Signals))
		for k := range f.Signals {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sigs = append(sigs, fmt.Sprintf("%s %d", k, f.Signals[k]))
		}
		p := fmt.Sprintf("%s : %d message(s)", f.Folder, f.Messages)
		if len(sigs) > 0 {
			p += " — " + strings.Join(sigs, ", ")
		}
		parts = append(parts, p)
	}
	text := fmt.Sprintf("Examen de la boîte %s depuis le %s (InterCERT 6.a/6.b) : %d constat(s). %s.", req.User,
		journal.FormatTime(req.Since), len(rep.Items), strings.Join(parts, " ; "))
	if rep.Truncated {
		text += " Examen tronqué (limite de messages atteinte)."
	}
	if len(rep.Errors) > 0 {
		text += " Erreurs : " + strings.Join(rep.Errors, " ; ") + "."
	}
	e, err := r.Journal.Log(ctx, req.Incident, journal.Draft{Author: req.By, Kind: journal.Finding, Accounts: []string{req.User}, Text: text})
	if err != nil {
		r.Log.Error("sweep not journaled", "incident", req.Incident, "err", err)
		return 0
	}
	return e.Seq
}
