package mailbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// RestoreRequest asks for an incident's purge to be undone, in every
// mailbox or in those listed.
type RestoreRequest struct {
	Incident  int64
	Mailboxes []string // nil: all
	DryRun    bool
	By        string
}

// Restore moves back every copy a purge of the incident moved, into the
// folder it came from. A copy is moved back only when the message found in
// the quarantine folder has the hash recorded at purge time; the ledger
// line of the purge is then marked restored.
func (r *Remediator) Restore(ctx context.Context, req RestoreRequest) (Report, error) {
	r.defaults()
	start := time.Now()
	rep := Report{Incident: req.Incident, Run: newRun(r.Now()), DryRun: req.DryRun}
	if r.Ledger == nil {
		return rep, fmt.Errorf("mailbox: no ledger: nothing to restore from")
	}
	done, err := r.Ledger.Actions(ctx, req.Incident, KindPurge, StatusDone)
	if err != nil {
		return rep, err
	}
	byBox := map[string][]Action{}
	var boxes []string
	for _, a := range done {
		if a.Connector != r.Connector.Name() || req.Mailboxes != nil && !slices.Contains(req.Mailboxes, a.Mailbox) {
			continue
		}
		if _, ok := byBox[a.Mailbox]; !ok {
			boxes = append(boxes, a.Mailbox)
		}
		byBox[a.Mailbox] = append(byBox[a.Mailbox], a)
	}
	slices.Sort(boxes)
	rep.Mailboxes = make([]MailboxResult, len(boxes))
	r.each(ctx, len(boxes), func(i int) {
		rep.Mailboxes[i] = r.restoreOne(ctx, rep.Run, req, boxes[i], byBox[boxes[i]])
	})
	for _, m := range rep.Mailboxes {
		rep.Moved += len(m.Moved)
		rep.NotFound += len(m.NotFound)
		rep.Commands += m.Commands
		if m.Err != "" {
			rep.Failed++
		}
	}
	rep.Elapsed = time.Since(start)
	what := "Restauration"
	if req.DryRun {
		what = "Simulation de restauration (rien n'a été déplacé)"
	}
	r.journal(ctx, req.Incident, req.By, journal.Action, nil, fmt.Sprintf(
		"%s (%s) : %d boîte(s), %d copie(s) remise(s) à leur place, %d introuvable(s) en quarantaine, %d boîte(s) non traitée(s).",
		what, rep.Run, len(rep.Mailboxes), rep.Moved, rep.NotFound, rep.Failed))
	return rep, nil
}

func (r *Remediator) restoreOne(ctx context.Context, run string, req RestoreRequest, box string, acts []Action) (res MailboxResult) {
	start := time.Now()
	res = MailboxResult{Mailbox: box}
	targets := func(as []Action) []Target {
		var ts []Target
		for _, a := range as {
			ts = append(ts, Target{Mailbox: box, MessageID: a.MessageID})
		}
		return ts
	}
	s, err := r.Connector.Open(ctx, box)
	if err != nil {
		res.Err = err.Error()
		res.Elapsed = time.Since(start)
		r.failed(ctx, run, req.Incident, req.By, KindRestore, box, targets(acts), err, req.DryRun)
		return res
	}
	defer func() {
		s.Close()
		res.Commands = s.Commands()
		res.Elapsed = time.Since(start)
	}()
	for _, a := range acts {
		ref, err := r.findPurged(ctx, s, a)
		if err != nil {
			res.Err = err.Error()
			r.failed(ctx, run, req.Incident, req.By, KindRestore, box, targets([]Action{a}), err, req.DryRun)
			continue
		}
		t := Target{Mailbox: box, MessageID: a.MessageID}
		if ref == nil {
			res.NotFound = append(res.NotFound, t)
			r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindRestore, Mailbox: box,
				Folder: a.Dest, Dest: a.Folder, MessageID: a.MessageID, SHA256: a.SHA256, Status: StatusNotFound,
				Detail: "introuvable dans le dossier de quarantaine (déjà restauré ou supprimé)"}, req.DryRun)
			continue
		}
		c := Copy{Target: t, Folder: a.Dest, Dest: a.Folder, SHA256: a.SHA256, By: "ledger"}
		if !req.DryRun {
			dest, err := s.Move(ctx, []Ref{*ref}, a.Folder)
			if err != nil {
				res.Err = err.Error()
				r.failed(ctx, run, req.Incident, req.By, KindRestore, box, []Target{t}, err, false)
				continue
			}
			if len(dest) == 1 {
				c.Ref = dest[0].ID
			}
			r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindRestore, Mailbox: box,
				Folder: a.Dest, Dest: a.Folder, MessageID: a.MessageID, SHA256: a.SHA256, Ref: c.Ref, Status: StatusDone}, false)
			if r.Ledger != nil {
				if err := r.Ledger.SetStatus(ctx, a.ID, StatusRestored, "restauré par "+run); err != nil {
					r.Log.Error("mailbox ledger not updated", "id", a.ID, "err", err)
				}
			}
		}
		res.Moved = append(res.Moved, c)
	}
	if len(res.Moved) > 0 && !req.DryRun {
		var parts []string
		for _, c := range res.Moved {
			parts = append(parts, fmt.Sprintf("Message-ID <%s> → %s, sha256 %s", strings.Trim(c.MessageID, "<>"), c.Dest, c.SHA256))
		}
		r.journal(ctx, req.Incident, req.By, journal.Action, []string{box}, fmt.Sprintf(
			"Restauration : boîte %s — %d copie(s) sortie(s) de « %s » et remise(s) à leur place : %s.",
			box, len(res.Moved), r.Quarantine, strings.Join(parts, " ; ")))
	}
	return res
}

// findPurged finds in the quarantine folder the message a purge moved: by
// the id the server gave it, else by Message-ID, and only if its hash is
// the one recorded.
func (r *Remediator) findPurged(ctx context.Context, s Session, a Action) (*Ref, error) {
	match := func(ref Ref) (bool, error) {
		raw, err := s.Fetch(ctx, ref, r.MaxFetch)
		if err != nil {
			return false, err
		}
		if a.SHA256 == "" {
			return true, nil
		}
		sum := sha256.Sum256(raw)
		return hex.EncodeToString(sum[:]) == a.SHA256, nil
	}
	if a.Ref != "" {
		ref := Ref{Folder: a.Dest, ID: a.Ref}
		if ok, err := match(ref); err == nil && ok {
			return &ref, nil
		}
	}
	if a.MessageID == "" {
		return nil, nil
	}
	found, err := s.Search(ctx, a.Dest, Query{MessageID: a.MessageID})
	if err != nil {
		if errorsIsNoFolder(err) {
			return nil, nil
		}
		return nil, err
	}
	for _, m := range found {
		if !sameMessageID(m.MessageID, a.MessageID) {
			continue
		}
		ok, err := match(m.Ref)
		if err != nil {
			return nil, err
		}
		if ok {
			ref := m.Ref
			return &ref, nil
		}
	}
	return nil, nil
}
