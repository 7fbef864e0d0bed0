package mailbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// Target is one delivered copy to pull out of a mailbox, as the
// retro-hunt over the message trace found it.
type Target struct {
	Mailbox   string    `json:"mailbox"`
	MessageID string    `json:"message_id,omitempty"`
	From      string    `json:"from,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Delivered time.Time `json:"delivered"`
	Matched   []string  `json:"matched,omitempty"`
}

// Copy is a copy found (and moved, unless dry run) in a mailbox.
type Copy struct {
	Target
	Folder string `json:"folder"`
	Dest   string `json:"dest,omitempty"`
	Ref    string `json:"ref,omitempty"` // id in Dest when the server said it
	SHA256 string `json:"sha256,omitempty"`
	By     string `json:"found_by"` // message-id or content
}

// MailboxResult is what happened in one mailbox.
type MailboxResult struct {
	Mailbox  string        `json:"mailbox"`
	Moved    []Copy        `json:"moved,omitempty"`
	Already  []Copy        `json:"already,omitempty"` // found in the quarantine folder
	NotFound []Target      `json:"not_found,omitempty"`
	Err      string        `json:"error,omitempty"` // the mailbox could not be treated (or not completely)
	Commands int           `json:"commands"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Report sums a run.
type Report struct {
	Incident  int64           `json:"incident"`
	Run       string          `json:"run"`
	DryRun    bool            `json:"dry_run"`
	Mailboxes []MailboxResult `json:"mailboxes"`
	Moved     int             `json:"moved"`
	Already   int             `json:"already"`
	NotFound  int             `json:"not_found"`
	Failed    int             `json:"failed_mailboxes"`
	Commands  int             `json:"commands"`
	Elapsed   time.Duration   `json:"elapsed_ns"`
}

// Remediator runs purges, restores and fixes against one connector, and
// writes each change to the journal and the ledger.
type Remediator struct {
	Connector Connector
	Journal   Journal // nil: nothing journaled (tests of the engine alone)
	Ledger    Ledger  // nil: restore impossible
	// Quarantine is the folder copies are moved to (created when missing).
	Quarantine  string
	Concurrency int   // mailboxes treated at once (0: 4)
	MaxFetch    int64 // a copy larger than this is moved without its hash (0: 50 MB)
	Now         func() time.Time
	Log         *slog.Logger
}

// DefaultQuarantine is the quarantine folder's default name.
const DefaultQuarantine = "Quarantaine Vigie"

func (r *Remediator) defaults() {
	if r.Quarantine == "" {
		r.Quarantine = DefaultQuarantine
	}
	if r.Concurrency <= 0 {
		r.Concurrency = 4
	}
	if r.MaxFetch <= 0 {
		r.MaxFetch = 50 << 20
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
}

// PurgeRequest asks for a campaign's copies to be pulled out.
type PurgeRequest struct {
	Incident int64
	Targets  []Target
	// Verify confirms by content a copy found without its Message-ID
	// (same sender, within a day of delivery): the incident's URLs,
	// attachment hashes or body fuzzy hash. nil: Message-ID only.
	Verify func(raw []byte) (bool, string)
	DryRun bool
	By     string
}

// Purge moves every target's copy into the quarantine folder of its
// mailbox. A mailbox that cannot be treated is reported and journaled, and
// the run goes on with the others.
func (r *Remediator) Purge(ctx context.Context, req PurgeRequest) Report {
	r.defaults()
	start := time.Now()
	rep := Report{Incident: req.Incident, Run: newRun(r.Now()), DryRun: req.DryRun}
	byBox := map[string][]Target{}
	var boxes []string
	for _, t := range req.Targets {
		if _, ok := byBox[t.Mailbox]; !ok {
			boxes = append(boxes, t.Mailbox)
		}
		byBox[t.Mailbox] = append(byBox[t.Mailbox], t)
	}
	slices.Sort(boxes)
	rep.Mailboxes = make([]MailboxResult, len(boxes))
	r.each(ctx, len(boxes), func(i int) {
		res := r.purgeOne(ctx, rep.Run, req, boxes[i], byBox[boxes[i]])
		rep.Mailboxes[i] = res
	})
	for _, m := range rep.Mailboxes {
		rep.Moved += len(m.Moved)
		rep.Already += len(m.Already)
		rep.NotFound += len(m.NotFound)
		rep.Commands += m.Commands
		if m.Err != "" {
			rep.Failed++
		}
	}
	rep.Elapsed = time.Since(start)
	r.journal(ctx, req.Incident, req.By, journal.Action, nil, purgeSummary(rep, r.Quarantine))
	return rep
}

// each runs fn for 0..n-1 on Concurrency workers.
func (r *Remediator) each(ctx context.Context, n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(r.Concurrency, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

func newRun(now time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

func (r *Remediator) purgeOne(ctx context.Context, run string, req PurgeRequest, box string, targets []Target) (res MailboxResult) {
	start := time.Now()
	res = MailboxResult{Mailbox: box}
	s, err := r.Connector.Open(ctx, box)
	if err != nil {
		res.Err = err.Error()
		res.Elapsed = time.Since(start)
		r.failed(ctx, run, req.Incident, req.By, KindPurge, box, targets, err, req.DryRun)
		return res
	}
	defer func() {
		s.Close()
		res.Commands = s.Commands()
		res.Elapsed = time.Since(start)
	}()
	if w, ok := s.(Writer); ok && !req.DryRun {
		w.ForWriting()
	}
	claimed := map[Ref]bool{} // copies already taken by a target of this run
	for _, t := range targets {
		c, where, err := r.locate(ctx, s, t, req.Verify, claimed)
		switch {
		case err != nil:
			res.Err = err.Error()
			r.failed(ctx, run, req.Incident, req.By, KindPurge, box, []Target{t}, err, req.DryRun)
			continue
		case where == "":
			res.NotFound = append(res.NotFound, t)
			r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindPurge, Mailbox: box,
				MessageID: t.MessageID, Status: StatusNotFound, Detail: "aucune copie dans la boîte"}, req.DryRun)
			continue
		case claimed[Ref{Folder: where, ID: c.Ref}] && where != r.Quarantine:
			res.NotFound = append(res.NotFound, t)
			continue
		case where == r.Quarantine:
			res.Already = append(res.Already, c)
			r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindPurge, Mailbox: box,
				Folder: where, MessageID: t.MessageID, Status: StatusAlready, Detail: "déjà dans le dossier de quarantaine"}, req.DryRun)
			continue
		}
		claimed[Ref{Folder: c.Folder, ID: c.Ref}] = true
		if raw, err := s.Fetch(ctx, Ref{Folder: c.Folder, ID: c.Ref}, r.MaxFetch); err == nil {
			sum := sha256.Sum256(raw)
			c.SHA256 = hex.EncodeToString(sum[:])
		} else if !errors.Is(err, ErrTooLarge) {
			res.Err = err.Error()
			r.failed(ctx, run, req.Incident, req.By, KindPurge, box, []Target{t}, err, req.DryRun)
			continue
		}
		if !req.DryRun {
			dest, err := s.Move(ctx, []Ref{{Folder: c.Folder, ID: c.Ref}}, r.Quarantine)
			if errors.Is(err, ErrNotFound) { // the user or another run moved it first
				res.NotFound = append(res.NotFound, t)
				r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindPurge, Mailbox: box, Folder: c.Folder,
					MessageID: c.MessageID, SHA256: c.SHA256, Status: StatusNotFound, Detail: "déplacé ou supprimé pendant l'exécution"}, false)
				continue
			}
			if err != nil {
				res.Err = err.Error()
				r.failed(ctx, run, req.Incident, req.By, KindPurge, box, []Target{t}, err, false)
				continue
			}
			c.Dest, c.Ref = r.Quarantine, ""
			if len(dest) == 1 {
				c.Ref = dest[0].ID
			}
			r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindPurge, Mailbox: box,
				Folder: c.Folder, Dest: c.Dest, MessageID: c.MessageID, SHA256: c.SHA256, Ref: c.Ref, Status: StatusDone}, false)
		}
		res.Moved = append(res.Moved, c)
	}
	if !req.DryRun && len(res.Moved)+len(res.Already)+len(res.NotFound) > 0 {
		r.journal(ctx, req.Incident, req.By, journal.Action, []string{box}, movedText(box, res, r.Quarantine))
	}
	return res
}

// locate finds a target's copy: by Message-ID in INBOX, then in every
// other folder, then in the quarantine folder (already moved); failing
// that by content among the sender's messages of the delivery day. where
// is the folder it is in, "" when there is none.
func (r *Remediator) locate(ctx context.Context, s Session, t Target, verify func([]byte) (bool, string), claimed map[Ref]bool) (Copy, string, error) {
	c := Copy{Target: t}
	if t.MessageID != "" {
		q := Query{MessageID: t.MessageID}
		// INBOX alone first, where nearly every copy is, without listing
		// the folders; then the others.
		f, ref, err := r.searchIn(ctx, s, []string{"INBOX"}, q, t.MessageID)
		if err == nil && f == "" {
			var order []string
			if order, err = r.folderOrder(ctx, s, true); err == nil {
				f, ref, err = r.searchIn(ctx, s, order[1:], q, t.MessageID)
			}
		}
		if err != nil || f != "" {
			c.Folder, c.Ref, c.By = f, ref, "message-id"
			return c, f, err
		}
	}
	if verify == nil || t.From == "" || t.Delivered.IsZero() {
		return c, "", nil
	}
	q := Query{From: t.From, Since: t.Delivered.Add(-24 * time.Hour), Before: t.Delivered.Add(48 * time.Hour)}
	order, err := r.folderOrder(ctx, s, false)
	if err != nil {
		return c, "", err
	}
	for _, f := range order {
		found, err := s.Search(ctx, f, q)
		if errors.Is(err, ErrNoFolder) {
			continue
		}
		if err != nil {
			return c, "", err
		}
		for i, m := range found {
			if i >= maxCandidates {
				break
			}
			if claimed[m.Ref] {
				continue
			}
			raw, err := s.Fetch(ctx, m.Ref, r.MaxFetch)
			if err != nil {
				continue
			}
			if ok, why := verify(raw); ok {
				c.Folder, c.Ref, c.By, c.MessageID = f, m.Ref.ID, "content: "+why, m.MessageID
				return c, f, nil
			}
		}
	}
	return c, "", nil
}

// searchIn looks for a Message-ID in folders, in order.
func (r *Remediator) searchIn(ctx context.Context, s Session, folders []string, q Query, id string) (string, string, error) {
	for _, f := range folders {
		found, err := s.Search(ctx, f, q)
		if errors.Is(err, ErrNoFolder) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		for _, m := range found {
			if sameMessageID(m.MessageID, id) {
				return f, m.Ref.ID, nil
			}
		}
	}
	return "", "", nil
}

// maxCandidates bounds the messages of one sender fetched to confirm a
// copy by content.
const maxCandidates = 20

// folderOrder is INBOX first, then the other folders, then (when
// withQuarantine) the quarantine folder.
func (r *Remediator) folderOrder(ctx context.Context, s Session, withQuarantine bool) ([]string, error) {
	folders, err := s.Folders(ctx)
	if err != nil {
		return nil, err
	}
	order := []string{"INBOX"}
	hasQ := false
	for _, f := range folders {
		switch {
		case f.Name == r.Quarantine:
			hasQ = true
		case !strings.EqualFold(f.Name, "INBOX"):
			order = append(order, f.Name)
		}
	}
	if withQuarantine && hasQ {
		order = append(order, r.Quarantine)
	}
	return order, nil
}

func sameMessageID(a, b string) bool {
	return strings.EqualFold(strings.Trim(a, "<> "), strings.Trim(b, "<> "))
}

func (r *Remediator) record(ctx context.Context, a Action, dryRun bool) {
	if dryRun || r.Ledger == nil {
		return
	}
	a.At, a.Connector = r.Now().UTC(), r.Connector.Name()
	if _, err := r.Ledger.Record(ctx, a); err != nil {
		r.Log.Error("mailbox ledger not written", "mailbox", a.Mailbox, "err", err)
	}
}

func (r *Remediator) journal(ctx context.Context, incident int64, by string, kind journal.Kind, accounts []string, text string) {
	if r.Journal == nil || incident == 0 {
		return
	}
	if _, err := r.Journal.Log(ctx, incident, journal.Draft{Author: by, Kind: kind, Accounts: accounts, Text: text}); err != nil {
		r.Log.Error("mailbox action not journaled", "incident", incident, "err", err)
	}
}

// failed records and journals a mailbox (or copies) that could not be
// treated.
func (r *Remediator) failed(ctx context.Context, run string, incident int64, by, kind, box string, targets []Target, err error, dryRun bool) {
	for _, t := range targets {
		r.record(ctx, Action{IncidentID: incident, Run: run, Actor: by, Kind: kind, Mailbox: box, MessageID: t.MessageID,
			Status: StatusFailed, Detail: err.Error()}, dryRun)
	}
	if dryRun {
		return
	}
	what := "Purge"
	if kind == KindRestore {
		what = "Restauration"
	}
	r.journal(ctx, incident, by, journal.Action, []string{box},
		fmt.Sprintf("%s : boîte %s NON TRAITÉE (%d copie(s)) — %s : %v.", what, box, len(targets), ErrorFR(err), err))
}

// ErrorFR says in French what kind of failure err is.
func ErrorFR(err error) string {
	switch {
	case errors.Is(err, ErrUnreachable):
		return "serveur injoignable"
	case errors.Is(err, ErrCredentials):
		return "identifiants d'administration refusés"
	case errors.Is(err, ErrNoMailbox):
		return "boîte inexistante (supprimée ?)"
	case errors.Is(err, ErrNoFolder):
		return "dossier disparu"
	case errors.Is(err, ErrUnsupported):
		return "non pris en charge par le serveur"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrompu"
	}
	return "erreur"
}

// ErrorEN is ErrorFR in English.
func ErrorEN(err error) string {
	switch {
	case errors.Is(err, ErrUnreachable):
		return "server unreachable"
	case errors.Is(err, ErrCredentials):
		return "administrator credentials refused"
	case errors.Is(err, ErrNoMailbox):
		return "no such mailbox (removed?)"
	case errors.Is(err, ErrNoFolder):
		return "folder gone"
	case errors.Is(err, ErrUnsupported):
		return "not supported by the server"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrupted"
	}
	return "error"
}

// movedText says what a purge did and did not do in one mailbox.
func movedText(box string, res MailboxResult, dest string) string {
	var parts []string
	for _, c := range res.Moved {
		h := c.SHA256
		if h == "" {
			h = "non calculée (message trop volumineux)"
		}
		parts = append(parts, fmt.Sprintf("%s, Message-ID <%s>, trouvé par %s, sha256 %s", c.Folder, strings.Trim(c.MessageID, "<>"), c.By, h))
	}
	s := fmt.Sprintf("Purge : boîte %s — %d copie(s) déplacée(s) vers « %s » (rien n'est supprimé)", box, len(res.Moved), dest)
	if len(parts) > 0 {
		s += " : " + strings.Join(parts, " ; ")
	}
	var not []string
	for _, c := range res.Already {
		not = append(not, fmt.Sprintf("<%s> déjà dans « %s »", strings.Trim(c.MessageID, "<>"), dest))
	}
	for _, t := range res.NotFound {
		id := strings.Trim(t.MessageID, "<>")
		if id == "" {
			id = "(sans Message-ID, de " + t.From + ")"
		}
		not = append(not, fmt.Sprintf("<%s> introuvable (supprimé, ou déplacé par l'utilisateur pendant l'exécution)", id))
	}
	if len(not) > 0 {
		s += ". Non fait : " + strings.Join(not, " ; ")
	}
	return s + "."
}

func purgeSummary(rep Report, dest string) string {
	what := "Purge de la campagne"
	if rep.DryRun {
		what = "Simulation de purge (rien n'a été déplacé)"
	}
	s := fmt.Sprintf("%s (%s) : %d boîte(s), %d copie(s) %s vers « %s », %d déjà en quarantaine, %d introuvable(s), %d boîte(s) non traitée(s)",
		what, rep.Run, len(rep.Mailboxes), rep.Moved, map[bool]string{true: "à déplacer", false: "déplacée(s)"}[rep.DryRun], dest,
		rep.Already, rep.NotFound, rep.Failed)
	var failed []string
	for _, m := range rep.Mailboxes {
		if m.Err != "" {
			failed = append(failed, m.Mailbox)
		}
	}
	if len(failed) > 0 {
		if len(failed) > 20 {
			failed = append(failed[:20], "…")
		}
		s += " (" + strings.Join(failed, ", ") + ")"
	}
	return s + "."
}

func errorsIsNoFolder(err error) bool { return errors.Is(err, ErrNoFolder) }
