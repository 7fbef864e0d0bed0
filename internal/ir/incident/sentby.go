package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// SentMail is one message sent by an account, from the gateway's trace or
// from a mail server log.
type SentMail struct {
	Time       time.Time `json:"time"`
	Sender     string    `json:"sender"`
	Recipients []string  `json:"recipients"`
	Subject    string    `json:"subject,omitempty"`
	Source     string    `json:"source"` // "trace" or the log file and line
}

// MailLogs reads mail server logs (Postfix…) for the messages an account
// sent after authenticating (internal/ir/bridge reads them with
// internal/logs).
type MailLogs interface {
	SentBy(ctx context.Context, paths []string, account string, since, until time.Time) ([]SentMail, error)
}

// SentByRequest asks who a compromised account wrote to.
type SentByRequest struct {
	Account string   // the compromised account
	Days    int      // how far back (0: 30 days)
	Logs    []string // mail server logs to read besides the trace
	By      string
}

// SentByResult is the mail the account sent and the people to warn.
type SentByResult struct {
	IncidentID     int64      `json:"incident_id"`
	Account        string     `json:"account"`
	Since          time.Time  `json:"since"`
	Until          time.Time  `json:"until"`
	Messages       []SentMail `json:"messages"`
	Correspondents []string   `json:"correspondents"`
}

// correspondentsPrefix starts the journal entry of a SentBy search; the
// entry's accounts are the correspondents.
const correspondentsPrefix = "Correspondants du compte compromis "

// SentBy finds the mail a compromised account sent — in the gateway's
// trace (mail it relayed with that envelope sender or From) and in the
// mail server logs given (Postfix submissions authenticated as the
// account) — and lists everyone it wrote to: the users to warn under the
// InterCERT fiche, action 4.b. Inbound copies of a phishing campaign are
// not counted: only what the account sent.
func (s *Service) SentBy(ctx context.Context, id int64, r SentByRequest) (SentByResult, error) {
	if s.trace == nil && (s.mailLogs == nil || len(r.Logs) == 0) {
		return SentByResult{}, errors.New("incident: neither a message trace nor mail logs to search")
	}
	inc, err := s.repo.Get(ctx, id)
	if err != nil {
		return SentByResult{}, err
	}
	if inc.Status == Closed {
		return SentByResult{}, closedError(inc)
	}
	acct := strings.ToLower(strings.Trim(strings.TrimSpace(r.Account), "<>"))
	if acct == "" && len(inc.Accounts) == 1 { // the incident's one compromised account
		acct = strings.ToLower(inc.Accounts[0])
	}
	if acct == "" {
		return SentByResult{}, fail(nil, "indiquez le compte compromis (--account) : l'incident en a %d", "give the compromised account (--account): the incident has %d", len(inc.Accounts))
	}
	days := r.Days
	if days <= 0 {
		days = 30
	}
	until := s.Now()
	res := SentByResult{IncidentID: id, Account: acct, Until: until, Since: until.Add(-time.Duration(days) * 24 * time.Hour)}
	nTrace, nLogs := 0, 0
	if s.trace != nil {
		recs, err := s.trace.Search(ctx, TraceQuery{Since: res.Since, Until: res.Until, Senders: []string{acct}})
		if err != nil {
			return res, fmt.Errorf("incident %d: sent by %s: %w", id, acct, err)
		}
		for _, t := range recs {
			// The sender query also matches Reply-To and inbound mail
			// naming the account elsewhere: keep what it sent.
			if !strings.EqualFold(t.MailFrom, acct) && !strings.EqualFold(t.From, acct) {
				continue
			}
			res.Messages = append(res.Messages, SentMail{Time: t.Time, Sender: acct, Recipients: t.Recipients, Subject: t.Subject, Source: "trace"})
			nTrace++
		}
	}
	if s.mailLogs != nil && len(r.Logs) > 0 {
		sent, err := s.mailLogs.SentBy(ctx, r.Logs, acct, res.Since, res.Until)
		if err != nil {
			return res, fmt.Errorf("incident %d: sent by %s: %w", id, acct, err)
		}
		res.Messages = append(res.Messages, sent...)
		nLogs = len(sent)
	}
	slices.SortStableFunc(res.Messages, func(a, b SentMail) int { return a.Time.Compare(b.Time) })
	seen := map[string]bool{acct: true}
	for _, m := range res.Messages {
		for _, rc := range m.Recipients {
			rc = strings.ToLower(strings.Trim(rc, "<> "))
			if rc != "" && !seen[rc] {
				seen[rc] = true
				res.Correspondents = append(res.Correspondents, rc)
			}
		}
	}
	slices.Sort(res.Correspondents)
	text := fmt.Sprintf("%s%s (fiche InterCERT, action 4.b) : %d message(s) envoyé(s) du %s au %s (trace de la passerelle : %d, journaux de messagerie : %d) ; %d correspondant(s) à prévenir.",
		correspondentsPrefix, acct, len(res.Messages), journal.FormatTime(res.Since), journal.FormatTime(res.Until), nTrace, nLogs, len(res.Correspondents))
	if _, err := s.Log(ctx, id, journal.Draft{Author: r.By, Kind: journal.Finding, Text: text, Accounts: res.Correspondents}); err != nil {
		return res, err
	}
	return res, nil
}

// Correspondents returns the correspondents of the newest SentBy search
// recorded in the journal (for account, or any account when "").
func Correspondents(entries []journal.Entry, account string) []string {
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Kind != journal.Finding || e.Author == "" || !strings.HasPrefix(e.Text, correspondentsPrefix) {
			continue
		}
		if account != "" && !strings.HasPrefix(e.Text, correspondentsPrefix+strings.ToLower(account)+" ") {
			continue
		}
		return e.Accounts
	}
	return nil
}
