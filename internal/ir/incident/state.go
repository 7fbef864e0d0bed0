package incident

import (
	"context"
	"strconv"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
)

// StateOf is the digest of everything a case holds besides its journal:
// the incident header (aware_at, qualification, status, resolution…), the
// checklist, the evidence rows and the indicators. Every change is
// journaled in the same transaction with the digest of the state it
// leaves, so Verify catches a row edited behind Vigie's back.
func StateOf(inc Incident, items []ChecklistItem, ev []evidence.Record, inds []Indicator) string {
	d := journal.NewDigest("vigie-case-v1").
		Int(inc.ID).Str(string(inc.Type)).Str(inc.Title).Str(inc.Summary).Str(string(inc.Status)).
		Int(int64(inc.Perimeter)).Int(int64(inc.Impact)).Int(int64(inc.Urgency)).Int(int64(inc.Severity)).
		Str(inc.Assignee).List(inc.Accounts).List(inc.Machines).Str(strconv.FormatBool(inc.PersonalData)).
		Time(inc.AwareAt).Str(inc.Playbook).Time(inc.OpenedAt).Str(inc.OpenedBy).Time(inc.ClosedAt).
		Str(inc.ClosedBy).Str(string(inc.Resolution))
	d.Int(int64(len(items)))
	for _, it := range items {
		d.Str(it.Playbook).Str(it.ItemID).Str(string(it.Status)).Str(it.Assignee).Str(it.Note).
			Time(it.UpdatedAt).Str(it.UpdatedBy)
	}
	d.Int(int64(len(ev)))
	for _, r := range ev {
		d.Int(r.ID).Str(r.SHA256).Int(r.Size).Str(r.Name).Str(r.MediaType).Time(r.AddedAt).Str(r.AddedBy).
			Str(r.Note).Str(r.Source).Str(r.CollectedBy).Time(r.CollectedAt).Str(r.Subject)
	}
	d.Int(int64(len(inds)))
	for _, i := range inds {
		d.Int(i.ID).Str(i.Kind).Str(i.Value).Str(i.Origin).Str(i.Evidence).Str(i.Suggested).Str(i.Note).
			Str(i.State).Str(i.Mode).Int(i.IOCID).Time(i.ExpiresAt).Time(i.PushedAt).Str(i.PushedBy).Time(i.AddedAt)
	}
	return d.Sum()
}

// State is the digest of a loaded case.
func (c Case) State() string { return StateOf(c.Incident, c.Checklist, c.Evidence, c.Indicators) }

// txState reads the case inside a transaction and digests it.
func txState(ctx context.Context, tx Tx) (string, error) {
	items, err := tx.Checklist(ctx)
	if err != nil {
		return "", err
	}
	ev, err := tx.Evidence(ctx)
	if err != nil {
		return "", err
	}
	inds, err := tx.Indicators(ctx)
	if err != nil {
		return "", err
	}
	return StateOf(tx.Incident(), items, ev, inds), nil
}
