package incident

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
)

// CloseRequest closes an incident.
type CloseRequest struct {
	Resolution Resolution // required
	Reason     string
	// Confirm closes even with P0 actions of the fiche still open; the
	// journal names them.
	Confirm bool
	By      string
}

// Close closes an incident with a resolution class. Open P0 actions (the
// fiche's first containment steps) block it unless confirmed; the journal
// records why, what was left unfinished and who confirmed.
func (s *Service) Close(ctx context.Context, id int64, r CloseRequest) (Incident, error) {
	res, err := ParseResolution(string(r.Resolution))
	if err != nil {
		return Incident{}, err
	}
	var out Incident
	now := s.Now()
	err = s.change(ctx, id, true, func(tx Tx, j *journaler) error {
		inc := tx.Incident()
		if inc.Status == Closed {
			return fail(ErrClosed, "l'incident %d est déjà clos (le %s)", "incident %d is already closed (on %s)",
				id, journal.FormatTime(inc.ClosedAt))
		}
		items, err := tx.Checklist(ctx)
		if err != nil {
			return err
		}
		s.define(items)
		var p0 []string
		open := 0
		for _, it := range items {
			if it.Status.Finished() {
				continue
			}
			open++
			if it.Def.Priority == "P0" {
				p0 = append(p0, it.ItemID+" « "+it.Def.TitleFR+" »")
			}
		}
		if len(p0) > 0 && !r.Confirm && res != FalsePositive && res != Duplicate {
			return fail(nil, "clôture refusée : %d action(s) P0 de la fiche ne sont pas terminées (%s) ; terminez-les, marquez-les sans objet, ou confirmez la clôture (--confirm)",
				"close refused: %d P0 action(s) of the fiche are not finished (%s); finish them, mark them n/a, or confirm (--confirm)",
				len(p0), strings.Join(p0, ", "))
		}
		inc.Status, inc.ClosedAt, inc.ClosedBy, inc.Resolution = Closed, now, r.By, res
		if err := tx.SaveIncident(ctx, inc); err != nil {
			return err
		}
		text := "Clôture de l'incident (" + res.Label("fr") + ")"
		if r.Reason != "" {
			text += " : " + r.Reason
		}
		text += fmt.Sprintf(" ; %d action(s) de la fiche non terminée(s)", open)
		if len(p0) > 0 {
			text += " dont P0 : " + strings.Join(p0, ", ") + " — clôture confirmée par " + r.By
		}
		e, err := j.append(ctx, journal.Draft{Author: r.By, Kind: journal.Decision, Text: text + "."}, now)
		inc.Journal = e.Head()
		out = inc
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident %d: close: %w", id, err)
	}
	return out, nil
}

// Reopen reopens a closed incident; the reason is required and journaled.
func (s *Service) Reopen(ctx context.Context, id int64, reason, by string) (Incident, error) {
	if strings.TrimSpace(reason) == "" {
		return Incident{}, fail(nil, "indiquez pourquoi l'incident est rouvert (--reason)", "say why the incident is reopened (--reason)")
	}
	var out Incident
	now := s.Now()
	err := s.change(ctx, id, true, func(tx Tx, j *journaler) error {
		inc := tx.Incident()
		if inc.Status != Closed {
			return fail(nil, "l'incident %d n'est pas clos", "incident %d is not closed", id)
		}
		was := inc.Resolution
		inc.Status, inc.ClosedAt, inc.ClosedBy, inc.Resolution = Open, time.Time{}, "", ""
		if err := tx.SaveIncident(ctx, inc); err != nil {
			return err
		}
		e, err := j.append(ctx, journal.Draft{Author: by, Kind: journal.Decision,
			Text: fmt.Sprintf("Réouverture de l'incident (il était clos : %s) : %s.", was.Label("fr"), reason)}, now)
		inc.Journal = e.Head()
		out = inc
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident %d: reopen: %w", id, err)
	}
	return out, nil
}

// VerifyRequest anchors a verification outside the database.
type VerifyRequest struct {
	// Anchors are heads published earlier (a report, a manifest, a
	// ticket): each must still be in the chain.
	Anchors []journal.Anchor
	// Key checks the seals instead of the service's sealer (an ed25519
	// public key handed to a CERT, say).
	Key journal.Sealer
}

// VerifyResult says what was checked.
type VerifyResult struct {
	Head      journal.Head `json:"head"`
	Entries   int          `json:"entries"`
	Sealed    string       `json:"sealed_with,omitempty"` // the key that checked every seal
	Anchors   int          `json:"anchors"`               // published heads found in the chain
	Witnessed int          `json:"witnessed"`             // heads of the witness file checked
}

// Verify checks the main courante's hash chain, the case digest its newest
// entry carries (header, checklist, evidence, indicators), the seals when a
// key is configured, the heads kept by the witness file and the anchors
// given. A *journal.ChainError names the first bad entry.
func (s *Service) Verify(ctx context.Context, id int64, r VerifyRequest) (VerifyResult, error) {
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return VerifyResult{}, err
	}
	res := VerifyResult{Head: c.Incident.Journal, Entries: len(c.Journal), Anchors: len(r.Anchors)}
	chk := journal.Check{Head: c.Incident.Journal, State: c.State(), Sealer: r.Key, Anchors: r.Anchors}
	if chk.Sealer == nil {
		chk.Sealer = s.sealer
	}
	if s.witness != nil {
		w, err := s.witness.Heads(id)
		if err != nil {
			return res, err
		}
		w = journal.Latest(w)
		res.Witnessed = len(w)
		chk.Anchors = append(chk.Anchors, w...)
	}
	if chk.Sealer != nil {
		res.Sealed = chk.Sealer.Name()
	}
	if err := journal.Verify(id, c.Journal, chk); err != nil {
		return res, err
	}
	return res, nil
}

// AnchorFromExport reads the journal head an export recorded: path is an
// export directory or its manifest.json. The export's files are checked
// against its SHA256SUMS first.
func AnchorFromExport(path string) (journal.Anchor, int64, error) {
	dir, file := path, filepath.Join(path, evidence.ManifestFile)
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir, file = filepath.Dir(path), path
	}
	if _, err := evidence.VerifyExport(dir); err != nil {
		return journal.Anchor{}, 0, fail(err, "l'export %s a été modifié", "export %s was altered", dir)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return journal.Anchor{}, 0, fail(err, "lecture de %s", "read %s", file)
	}
	return AnchorFromManifest(b, file)
}

// AnchorFromManifest reads the journal head an export's manifest.json
// recorded (b, read from name) and the incident it belongs to. Unlike
// AnchorFromExport it has only the manifest: the exported files are not
// checked.
func AnchorFromManifest(b []byte, name string) (journal.Anchor, int64, error) {
	var m evidence.Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.JournalHead == "" {
		return journal.Anchor{}, 0, fail(err, "%s n'est pas un manifeste d'export Vigie", "%s is not a Vigie export manifest", name)
	}
	return journal.Anchor{Head: journal.Head{Seq: m.JournalSeq, Hash: m.JournalHead}, From: name}, m.IncidentID, nil
}

// ParseAnchor reads a head given by hand: "HASH" or "SEQ:HASH".
func ParseAnchor(s string) (journal.Anchor, error) {
	s = strings.TrimSpace(s)
	a := journal.Anchor{From: "--head"}
	if n, h, ok := strings.Cut(s, ":"); ok {
		var seq int64
		if _, err := fmt.Sscanf(n, "%d", &seq); err != nil || seq <= 0 {
			return a, fail(nil, "tête %q : NUMÉRO:EMPREINTE ou EMPREINTE attendu", "head %q: want SEQ:HASH or HASH", s)
		}
		a.Seq, s = seq, h
	}
	s = strings.ToLower(s)
	if _, err := hex.DecodeString(s); err != nil || len(s) < 16 || len(s) > 64 {
		return a, fail(nil, "tête %q : une empreinte SHA-256 en hexadécimal est attendue (16 caractères au moins)",
			"head %q: want a hex SHA-256 (at least 16 characters)", s)
	}
	a.Hash = s
	return a, nil
}
