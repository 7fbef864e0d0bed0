package mailbox

import (
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox/secrets"
)

// Checklist is what an operation marks in its incident's playbook
// checklist: the items it carries out (an incident type's playbook has
// some of them), their status and the note saying what was done. The
// front ends hand it to incident.Service.Check as it is.
type Checklist struct {
	Items  []string
	Status incident.ItemStatus
	Note   string
}

// PurgeChecklist is what a purge marks: C.9 (the campaign pulled out of
// the mailboxes), done unless copies were not found or mailboxes not
// treated. A dry run marks nothing.
func PurgeChecklist(rep Report) []Checklist {
	if rep.DryRun {
		return nil
	}
	status, note := incident.Done, fmt.Sprintf("purge %s : %d copie(s) déplacée(s), %d déjà en quarantaine", rep.Run, rep.Moved, rep.Already)
	if rep.Failed > 0 || rep.NotFound > 0 {
		status, note = incident.InProgress, note+fmt.Sprintf(", %d introuvable(s), %d boîte(s) non traitée(s)", rep.NotFound, rep.Failed)
	}
	return []Checklist{{Items: []string{"C.9"}, Status: status, Note: note}}
}

// RestoreChecklist is what a restore that put copies back marks: C.9 in
// progress again.
func RestoreChecklist(rep Report) []Checklist {
	if rep.DryRun || rep.Moved == 0 {
		return nil
	}
	return []Checklist{{Items: []string{"C.9"}, Status: incident.InProgress,
		Note: fmt.Sprintf("restauration %s : %d copie(s) remise(s) en place", rep.Run, rep.Moved)}}
}

// AuditRecord is what an audit of mailboxes writes into its incident: the
// main courante's finding (with the audited mailboxes as the accounts
// concerned) and 2.a and R.1 (rules, forwarding and delegations checked),
// done when nothing is left to handle. res are the audits as they stand
// after any fix.
func AuditRecord(res []AuditResult, by string) (journal.Draft, []Checklist) {
	findings, failed := 0, 0
	boxes := make([]string, 0, len(res))
	for _, a := range res {
		boxes = append(boxes, a.Mailbox)
		findings += len(a.Findings)
		if a.Err != "" {
			failed++
		}
	}
	text := fmt.Sprintf("Audit des règles, transferts et délégations de %d boîte(s) : %d constat(s) restant(s), %d boîte(s) non lue(s).", len(res), findings, failed)
	status := incident.Done
	if findings > 0 || failed > 0 {
		status = incident.InProgress
	}
	return journal.Draft{Author: by, Kind: journal.Finding, Accounts: boxes, Text: text},
		[]Checklist{{Items: []string{"2.a", "R.1"}, Status: status, Note: text}}
}

// Checklist is what a sweep marks: 6.a (the account's mail examined),
// done when nothing turned up, and 6.b and C.7 (credentials and sensitive
// files to change), done when no secret or sensitive file turned up.
func (rep SweepReport) Checklist() []Checklist {
	secretsFound := 0
	for _, it := range rep.Items {
		if strings.HasPrefix(it.Signal, "SWEEP_SECRET_") || it.Signal == secrets.SensitiveFile || it.Signal == secrets.QRCode {
			secretsFound++
		}
	}
	note := fmt.Sprintf("examen de %s depuis le %s : %d constat(s), main courante n° %d", rep.User, journal.FormatTime(rep.Since), len(rep.Items), rep.Journal)
	status := incident.Done
	if len(rep.Items) > 0 || len(rep.Errors) > 0 || rep.Truncated {
		status = incident.InProgress
	}
	s := incident.Done
	if secretsFound > 0 {
		s = incident.InProgress
	}
	return []Checklist{{Items: []string{"6.a"}, Status: status, Note: note},
		{Items: []string{"6.b", "C.7"}, Status: s, Note: fmt.Sprintf("%s ; %d secret(s) ou fichier(s) sensible(s) à changer", note, secretsFound)}}
}
