package mailbox

import (
	"reflect"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox/secrets"
)

// What each operation marks in the incident's checklist, and when it
// leaves an item in progress.
func TestChecklist(t *testing.T) {
	since := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  []Checklist
		want []Checklist
	}{
		{"purge, every copy moved", PurgeChecklist(Report{Run: "r1", Moved: 3, Already: 1}),
			[]Checklist{{[]string{"C.9"}, incident.Done, "purge r1 : 3 copie(s) déplacée(s), 1 déjà en quarantaine"}}},
		{"purge, a mailbox not treated", PurgeChecklist(Report{Run: "r1", Moved: 3, Failed: 1}),
			[]Checklist{{[]string{"C.9"}, incident.InProgress, "purge r1 : 3 copie(s) déplacée(s), 0 déjà en quarantaine, 0 introuvable(s), 1 boîte(s) non traitée(s)"}}},
		{"purge, dry run", PurgeChecklist(Report{Run: "r1", DryRun: true, Moved: 3}), nil},
		{"restore", RestoreChecklist(Report{Run: "r2", Moved: 2}),
			[]Checklist{{[]string{"C.9"}, incident.InProgress, "restauration r2 : 2 copie(s) remise(s) en place"}}},
		{"restore, nothing put back", RestoreChecklist(Report{Run: "r2"}), nil},
		{"sweep, a secret found", SweepReport{User: "alice", Since: since, Journal: 7,
			Items: []SweepItem{{Signal: secrets.SensitiveFile}}}.Checklist(),
			[]Checklist{{[]string{"6.a"}, incident.InProgress, "examen de alice depuis le " + journal.FormatTime(since) + " : 1 constat(s), main courante n° 7"},
				{[]string{"6.b", "C.7"}, incident.InProgress, "examen de alice depuis le " + journal.FormatTime(since) + " : 1 constat(s), main courante n° 7 ; 1 secret(s) ou fichier(s) sensible(s) à changer"}}},
		{"sweep, nothing found", SweepReport{User: "alice", Since: since, Journal: 7}.Checklist(),
			[]Checklist{{[]string{"6.a"}, incident.Done, "examen de alice depuis le " + journal.FormatTime(since) + " : 0 constat(s), main courante n° 7"},
				{[]string{"6.b", "C.7"}, incident.Done, "examen de alice depuis le " + journal.FormatTime(since) + " : 0 constat(s), main courante n° 7 ; 0 secret(s) ou fichier(s) sensible(s) à changer"}}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, tt.got, tt.want)
		}
	}
}

func TestAuditRecord(t *testing.T) {
	res := []AuditResult{{Mailbox: "alice@chu-exemple.fr", Findings: []Finding{{Signal: "RULE_FORWARD_EXTERNAL"}}},
		{Mailbox: "bob@chu-exemple.fr", Err: "mail server unreachable"}}
	d, marks := AuditRecord(res, "rssi")
	text := "Audit des règles, transferts et délégations de 2 boîte(s) : 1 constat(s) restant(s), 1 boîte(s) non lue(s)."
	want := journal.Draft{Author: "rssi", Kind: journal.Finding, Accounts: []string{"alice@chu-exemple.fr", "bob@chu-exemple.fr"}, Text: text}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("journal entry %+v, want %+v", d, want)
	}
	if !reflect.DeepEqual(marks, []Checklist{{[]string{"2.a", "R.1"}, incident.InProgress, text}}) {
		t.Errorf("checklist %+v", marks)
	}
	if _, marks := AuditRecord(res[:0], "rssi"); marks[0].Status != incident.Done {
		t.Errorf("nothing left to handle: %+v, want done", marks)
	}
}
