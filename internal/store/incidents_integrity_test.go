package store_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/store"
)

// integrityCase opens an incident with a checklist change, a piece of
// evidence and a few journal entries, through a service with a witness
// file and, when key is set, a sealing key.
func integrityCase(t *testing.T, db *store.DB, key journal.Sealer) (*incident.Service, incident.Incident, journal.Head) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	ev, err := evidence.Open(filepath.Join(dir, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := incident.New(incident.Options{Repo: db.Incidents(), Evidence: ev, Sealer: key,
		Witness: journal.OpenWitness(filepath.Join(dir, "witness"))})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.MailboxCompromise, Title: "Boîte compta compromise",
		PersonalData: true, Accounts: []string{"compta@example-hopital.fr"}, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	done := incident.Done
	if _, err := svc.Check(ctx, inc.ID, "1.a", incident.ItemChange{Status: &done}, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "connexions.csv", Source: "m365:audit",
		Content: bytes.NewReader([]byte("2024-03-12T08:14:02Z,compta,198.51.100.9\n")), By: "bob"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"appel au CERT Santé", "mot de passe réinitialisé", "règle de transfert supprimée"} {
		if _, err := svc.Log(ctx, inc.ID, journal.Draft{Author: "bob", Text: s}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := svc.Verify(ctx, inc.ID, incident.VerifyRequest{})
	if err != nil {
		t.Fatalf("intact case: %v", err)
	}
	return svc, inc, res.Head
}

// rechain rewrites every entry's links after entry n was edited, and the
// head: what someone with the database, but not the key, would do.
func rechain(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64, n int, text string) {
	t.Helper()
	c, err := svc.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	es := c.Journal
	es[n-1].Text = text
	prev := journal.Genesis(id)
	for i := range es {
		es[i].Prev = prev
		es[i].Hash = es[i].Sum()
		prev = es[i].Hash
		if _, err := db.Exec(ctx, `UPDATE incident_journal SET text = ?, prev_hash = ?, hash = ? WHERE incident_id = ? AND seq = ?`,
			es[i].Text, es[i].Prev, es[i].Hash, id, es[i].Seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `UPDATE incidents SET journal_head = ? WHERE id = ?`, prev, id); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrityTampering edits the database behind Vigie's back in each
// way issue 16 lists, and checks verify names it.
func TestIntegrityTampering(t *testing.T) {
	hmacKey, err := journal.NewHMAC([]byte("clé HMAC de test, trente-deux octets au moins"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		key    journal.Sealer
		tamper func(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64)
		// anchor verifies against the head published before tampering
		// rather than relying on the witness file.
		anchor  bool
		noWit   bool
		wantSub string
	}{
		{name: "aware_at moved back two days", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`UPDATE incidents SET aware_at = aware_at - 172800000 WHERE id = ?`)},
		{name: "personal data unset", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`UPDATE incidents SET personal_data = 0 WHERE id = ?`)},
		{name: "checklist item reopened", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`UPDATE incident_checklist SET status = 'todo' WHERE incident_id = ? AND item_id = '1.a'`)},
		{name: "evidence hash replaced", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`UPDATE incident_evidence SET sha256 = '` + strings.Repeat("0", 64) + `' WHERE incident_id = ?`)},
		{name: "evidence row deleted", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`DELETE FROM incident_evidence WHERE incident_id = ?`)},
		{name: "evidence provenance edited", wantSub: "modifiés hors de Vigie",
			tamper: sqlTamper(`UPDATE incident_evidence SET collected_by = 'mallory' WHERE incident_id = ?`)},
		{name: "last entry deleted, head rewound (witness)", wantSub: "tronquée ou réécrite", tamper: truncate},
		{name: "last entry deleted, head rewound (published head)", wantSub: "tronquée ou réécrite", tamper: truncate, anchor: true, noWit: true},
		{name: "full re-chain (published head)", wantSub: "tronquée ou réécrite", anchor: true, noWit: true,
			tamper: func(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64) {
				rechain(t, ctx, db, svc, id, 2, "rien à signaler")
			}},
		{name: "full re-chain (HMAC seal)", key: hmacKey, wantSub: "sceau", noWit: true,
			tamper: func(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64) {
				rechain(t, ctx, db, svc, id, 2, "rien à signaler")
			}},
		{name: "full re-chain (witness)", wantSub: "tronquée ou réécrite",
			tamper: func(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64) {
				rechain(t, ctx, db, svc, id, 2, "rien à signaler")
			}},
	}
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				svc, inc, head := integrityCase(t, db, tt.key)
				tt.tamper(t, ctx, db, svc, inc.ID)
				check := svc
				if tt.noWit {
					// A service without the witness file: the database alone.
					var err error
					if check, err = incident.New(incident.Options{Repo: db.Incidents(), Sealer: tt.key}); err != nil {
						t.Fatal(err)
					}
				}
				var r incident.VerifyRequest
				if tt.anchor {
					r.Anchors = []journal.Anchor{{Head: head, From: "rapport envoyé au CERT"}}
				}
				_, err := check.Verify(ctx, inc.ID, r)
				var ce *journal.ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("Verify after tampering = %v, want a chain error", err)
				}
				if msg := incident.Message(err, "fr"); !strings.Contains(msg, tt.wantSub) {
					t.Errorf("Verify = %q, want it to say %q", msg, tt.wantSub)
				}
				if tt.noWit && !tt.anchor && tt.key == nil {
					t.Fatal("a test must anchor the chain somehow")
				}
			})
		}
		// The same truncation without any anchor goes unseen: that is why
		// heads are published and sealed.
		t.Run("truncation without anchor", func(t *testing.T) {
			ctx := context.Background()
			_, inc, _ := integrityCase(t, db, nil)
			truncate(t, ctx, db, nil, inc.ID)
			bare, _ := incident.New(incident.Options{Repo: db.Incidents()})
			if _, err := bare.Verify(ctx, inc.ID, incident.VerifyRequest{}); err != nil {
				t.Errorf("expected an unanchored truncation of a plain entry to pass, got %v", err)
			}
		})
	})
}

func sqlTamper(q string) func(t *testing.T, ctx context.Context, db *store.DB, svc *incident.Service, id int64) {
	return func(t *testing.T, ctx context.Context, db *store.DB, _ *incident.Service, id int64) {
		t.Helper()
		if _, err := db.Exec(ctx, q, id); err != nil {
			t.Fatal(err)
		}
	}
}

// truncate deletes the newest entry and rewinds the stored head to the
// one before, so the chain in the database is consistent again.
func truncate(t *testing.T, ctx context.Context, db *store.DB, _ *incident.Service, id int64) {
	t.Helper()
	if _, err := db.Exec(ctx, `DELETE FROM incident_journal WHERE incident_id = ? AND seq = (SELECT MAX(seq) FROM incident_journal WHERE incident_id = ?)`, id, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE incidents SET journal_seq = journal_seq - 1,
		journal_head = (SELECT hash FROM incident_journal WHERE incident_id = ? AND seq = incidents.journal_seq - 1) WHERE id = ?`, id, id); err != nil {
		t.Fatal(err)
	}
}
