package incident

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/olemsg"
	"vigie.dev/vigie/internal/scan"
)

// MaxScannedMessage bounds the reported messages scanned for indicators;
// larger evidence is kept but not scanned.
const MaxScannedMessage = 64 << 20

// EvidenceRequest describes a file to attach, with its provenance.
type EvidenceRequest struct {
	Name      string    // original file name
	Content   io.Reader // read once, stored unchanged
	MediaType string    // "": guessed (message/rfc822 for a message)
	Note      string
	// Source is where it was collected (host and path, mailbox, URL);
	// CollectedBy and CollectedAt who collected it and when (zero: By,
	// now). CollectedAt may not lie in the future.
	Source      string
	CollectedBy string
	CollectedAt time.Time
	By          string
}

// AddEvidenceFile attaches a file of the local disk: a symbolic link, a
// device or anything but a regular file is refused, and the size is
// capped. Source defaults to the host and absolute path.
func (s *Service) AddEvidenceFile(ctx context.Context, id int64, path string, r EvidenceRequest) (evidence.Record, []Indicator, error) {
	f, st, err := evidence.OpenFile(path)
	if err != nil {
		return evidence.Record{}, nil, err
	}
	defer f.Close()
	if st.Size() > s.maxEvidence {
		return evidence.Record{}, nil, tooLarge(path, s.maxEvidence)
	}
	r.Content = f
	if r.Name == "" {
		r.Name = path
	}
	if r.Source == "" {
		host, _ := os.Hostname()
		abs, _ := filepath.Abs(path)
		r.Source = host + ":" + abs
	}
	return s.AddEvidence(ctx, id, r)
}

func tooLarge(name string, max int64) error {
	return fail(evidence.ErrTooLarge, "%s dépasse la taille maximale d'une preuve (%d octets)",
		"%s exceeds the evidence size limit (%d bytes)", name, max)
}

// AddEvidence stores a file's original bytes (up to the size cap), records
// its hash and provenance, and, when it is a message and a scanner is
// wired, proposes the indicators it carries. Both steps are journaled.
func (s *Service) AddEvidence(ctx context.Context, id int64, r EvidenceRequest) (evidence.Record, []Indicator, error) {
	if s.evidence == nil {
		return evidence.Record{}, nil, errors.New("incident: no evidence store configured")
	}
	now := s.Now()
	if err := journal.CheckNotFuture("la date de collecte", r.CollectedAt, now); err != nil {
		return evidence.Record{}, nil, err
	}
	inc, err := s.repo.Get(ctx, id)
	if err != nil {
		return evidence.Record{}, nil, err
	}
	if inc.Status == Closed {
		return evidence.Record{}, nil, closedError(inc)
	}
	sum, size, err := s.evidence.Put(r.Content, s.maxEvidence)
	if errors.Is(err, evidence.ErrTooLarge) {
		return evidence.Record{}, nil, tooLarge(filepath.Base(r.Name), s.maxEvidence)
	}
	if err != nil {
		return evidence.Record{}, nil, fmt.Errorf("incident %d: add evidence: %w", id, err)
	}
	rec := evidence.Record{IncidentID: id, SHA256: sum, Size: size, Name: filepath.Base(r.Name),
		MediaType: r.MediaType, AddedAt: now, AddedBy: r.By, Note: r.Note, Source: r.Source,
		CollectedBy: r.CollectedBy, CollectedAt: r.CollectedAt.UTC().Truncate(time.Millisecond)}
	if rec.CollectedBy == "" {
		rec.CollectedBy = r.By
	}
	if rec.CollectedAt.IsZero() {
		rec.CollectedAt = now
	}
	var raw []byte
	if size <= MaxScannedMessage {
		if raw, err = s.evidence.ReadAll(sum); err != nil {
			return evidence.Record{}, nil, fmt.Errorf("incident %d: add evidence: %w", id, err)
		}
	}
	if rec.MediaType == "" && raw != nil {
		rec.MediaType = sniffMessage(raw)
	}
	var proposals []Indicator
	var verdict *scan.Verdict
	// A .msg declared as one that does not read is kept, not analysed.
	if msg, err := ReportedMessageBytes(rec.MediaType, raw); IsReportedMessage(rec.MediaType) && s.scanner != nil && raw != nil && err == nil {
		verdict = s.scanner.Scan(ctx, msg, scan.Envelope{})
		proposals = Propose(verdict, sum)
		rec.Subject = verdict.Indicators.Subject
	}
	proposals, dropped, err := s.vet(ctx, proposals)
	if err != nil {
		return evidence.Record{}, nil, fmt.Errorf("incident %d: add evidence: %w", id, err)
	}
	var saved []Indicator
	err = s.change(ctx, id, false, func(tx Tx, j *journaler) error {
		var err error
		if rec, err = tx.AddEvidence(ctx, rec); err != nil {
			return err
		}
		text := fmt.Sprintf("Preuve ajoutée : %s (%d octets, SHA-256 %s) ; collectée par %s le %s", rec.Name, rec.Size,
			rec.SHA256, rec.CollectedBy, journal.FormatTime(rec.CollectedAt))
		if rec.Source != "" {
			text += ", provenance " + rec.Source
		}
		if rec.Note != "" {
			text += " — " + rec.Note
		}
		if verdict == nil {
			_, err := j.append(ctx, journal.Draft{Author: r.By, Kind: journal.Action, Text: text + "."}, now)
			return err
		}
		existing, err := tx.Indicators(ctx)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, x := range existing {
			have[x.Key()] = true
		}
		var fresh []string
		for _, p := range proposals {
			if have[p.Key()] {
				continue
			}
			p.IncidentID, p.AddedAt = id, now
			p, err := tx.SaveIndicator(ctx, p)
			if err != nil {
				return err
			}
			saved = append(saved, p)
			fresh = append(fresh, p.Kind+" "+p.Value)
		}
		if _, err := j.append(ctx, journal.Draft{Author: r.By, Kind: journal.Action, Text: text + "."}, now); err != nil {
			return err
		}
		in := verdict.Indicators
		text = fmt.Sprintf("Analyse du message signalé (%s, objet « %s », expéditeur %s) : verdict %s, score %.1f ; %d indicateur(s) proposé(s)",
			in.MessageID, in.Subject, in.FromAddress, actionFR(string(verdict.Action)), verdict.Score, len(fresh))
		if len(fresh) > 0 {
			text += " : " + strings.Join(fresh, ", ")
		}
		if len(dropped) > 0 {
			text += fmt.Sprintf(" ; %d écarté(s) : %s", len(dropped), strings.Join(dropped, " ; "))
		}
		_, err = j.append(ctx, journal.Draft{Author: "vigie", Kind: journal.Finding, Text: text + "."}, now)
		return err
	})
	if err != nil {
		return evidence.Record{}, nil, fmt.Errorf("incident %d: add evidence: %w", id, err)
	}
	if verdict != nil {
		if err := s.attachSupplierHistory(ctx, id, raw, verdict, r.By); err != nil {
			return rec, saved, fmt.Errorf("incident %d: supplier history: %w", id, err)
		}
	}
	return rec, saved, nil
}

// actionFR names a gateway action in French for the journal.
func actionFR(a string) string {
	switch strings.ToLower(a) {
	case "accept":
		return "accepté"
	case "delivered":
		return "distribué"
	case "tag", "tagged":
		return "marqué"
	case "quarantine", "quarantined":
		return "mis en quarantaine"
	case "reject", "rejected":
		return "rejeté"
	case "tempfail", "deferred":
		return "différé"
	}
	return a
}

// Vetter judges a proposed indicator against what must never be blocked
// (the warning lists and the organisation's own assets, known to the
// indicator store). The sink implements it when it can.
type Vetter interface {
	// Vet returns "" to keep the proposal as suggested, "watch" to demote
	// it (shared infrastructure), or "drop"; why says it in French.
	Vet(ctx context.Context, kind, value string) (action, why string, err error)
}

// vet applies the sink's Vetter to proposals: the ones to drop are
// returned as "kind value (why)" for the journal, the shared ones are
// proposed in watch mode with the reason in their note.
func (s *Service) vet(ctx context.Context, proposals []Indicator) (kept []Indicator, dropped []string, err error) {
	v, ok := s.sink.(Vetter)
	if !ok {
		return proposals, nil, nil
	}
	for _, p := range proposals {
		action, why, err := v.Vet(ctx, p.Kind, p.Value)
		if err != nil {
			return nil, nil, err
		}
		switch action {
		case "drop":
			dropped = append(dropped, fmt.Sprintf("%s %s (%s)", p.Kind, p.Value, why))
			continue
		case "watch":
			p.Suggested, p.Note = "watch", why
		}
		kept = append(kept, p)
	}
	return kept, dropped, nil
}

// sniffMessage gives the media type of evidence that is a reported
// message: message/rfc822 for an RFC 5322 message, Outlook's for a .msg
// file (a user reporting from Outlook drags the message out as one);
// "" for anything else.
func sniffMessage(raw []byte) string {
	switch {
	case LooksLikeMessage(raw):
		return "message/rfc822"
	case olemsg.IsCompound(raw):
		if _, err := olemsg.Read(raw, olemsg.Limits{MaxBytes: MaxScannedMessage}); err == nil {
			return olemsg.MediaType
		}
	}
	return ""
}

// IsReportedMessage reports whether evidence of that media type is a
// reported message: an RFC 5322 message, or an Outlook .msg file.
func IsReportedMessage(mediaType string) bool {
	return mediaType == "message/rfc822" || mediaType == olemsg.MediaType
}

// ReportedMessageBytes returns a reported message as RFC 5322 bytes: the
// evidence itself, or a .msg rebuilt by internal/olemsg. The evidence
// keeps the bytes the user gave, and its hash is theirs.
func ReportedMessageBytes(mediaType string, raw []byte) ([]byte, error) {
	if mediaType != olemsg.MediaType {
		return raw, nil
	}
	msg, err := olemsg.Convert(raw, olemsg.Limits{MaxBytes: MaxScannedMessage})
	if err != nil {
		return nil, fail(err, "le fichier .msg ne se lit pas", "the .msg file does not read")
	}
	return msg, nil
}

// LooksLikeMessage reports whether b starts with an RFC 5322 header block
// carrying at least one of the headers every message has.
func LooksLikeMessage(b []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(b[:min(len(b), 64<<10)]))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	fields, known := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line == "\r" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return false
		}
		fields++
		switch strings.ToLower(name) {
		case "from", "received", "message-id", "return-path", "date", "subject":
			known++
		}
	}
	return fields >= 2 && known >= 1
}

// BlockRequest selects indicators to push to the indicator store.
type BlockRequest struct {
	Values []string      // indicator values (or "kind:value"); unknown ones are added
	All    bool          // every proposed indicator
	Mode   string        // block or watch; "": each indicator's suggested mode
	TTL    time.Duration // 0: the store's default (7 days for incident blocks)
	By     string
}

// Block pushes the selected indicators to the indicator store, so the
// gateway applies them to the next message, and journals what it did.
func (s *Service) Block(ctx context.Context, id int64, r BlockRequest) ([]Indicator, error) {
	if s.sink == nil {
		return nil, errors.New("incident: no indicator store configured")
	}
	if r.Mode != "" && r.Mode != "block" && r.Mode != "watch" {
		return nil, fail(nil, "mode %q : block (blocage) ou watch (détection) attendu", "mode %q: want block or watch", r.Mode)
	}
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Incident.Status == Closed {
		return nil, closedError(c.Incident)
	}
	byKey := map[string]Indicator{}
	for _, ind := range c.Indicators {
		byKey[ind.Key()] = ind
		byKey[strings.ToLower(ind.Value)] = ind
	}
	var sel []Indicator
	picked := map[string]bool{}
	pick := func(ind Indicator) {
		if !picked[ind.Key()] {
			picked[ind.Key()] = true
			sel = append(sel, ind)
		}
	}
	if r.All {
		for _, ind := range c.Indicators {
			if ind.State == Proposed {
				pick(ind)
			}
		}
	}
	for _, v := range r.Values {
		kind, value := SplitIndicator(v)
		if ind, ok := byKey[kind+" "+value]; ok {
			pick(ind)
		} else if ind, ok := byKey[strings.ToLower(value)]; ok && kind == GuessKind(value) {
			pick(ind)
		} else {
			pick(Indicator{IncidentID: id, Kind: kind, Value: value, Origin: "manual", Suggested: "block", State: Proposed})
		}
	}
	if len(sel) == 0 {
		return nil, fail(nil, "aucun indicateur choisi (--indicator V ou --all)", "no indicator selected (give --indicator or --all)")
	}
	now := s.Now()
	var done []Indicator
	var failures []string
	for _, ind := range sel {
		mode := r.Mode
		if mode == "" {
			mode = ind.Suggested
		}
		if mode == "" {
			mode = "block"
		}
		res, err := s.sink.AddIndicator(ctx, Push{Kind: ind.Kind, Value: ind.Value, Mode: mode, TTL: r.TTL,
			Source: fmt.Sprintf("incident:%d", id), AddedBy: r.By,
			Reason: fmt.Sprintf("incident %d « %s » (%s)", id, c.Incident.Title, ind.Origin)})
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: %v", ind.Kind, ind.Value, err))
			continue
		}
		ind.State, ind.Mode, ind.IOCID, ind.ExpiresAt, ind.PushedAt, ind.PushedBy = Pushed, mode, res.ID, res.ExpiresAt, now, r.By
		if ind.AddedAt.IsZero() {
			ind.AddedAt = now
		}
		done = append(done, ind)
	}
	var saved []Indicator
	err = s.change(ctx, id, false, func(tx Tx, j *journaler) error {
		var lines []string
		for _, ind := range done {
			ind, err := tx.SaveIndicator(ctx, ind)
			if err != nil {
				return err
			}
			saved = append(saved, ind)
			exp := "sans expiration"
			if !ind.ExpiresAt.IsZero() {
				exp = "jusqu'au " + journal.FormatTime(ind.ExpiresAt)
			}
			lines = append(lines, fmt.Sprintf("%s %s %s (%s)", modeFR(ind.Mode), ind.Kind, ind.Value, exp))
		}
		text := fmt.Sprintf("Indicateurs poussés vers la liste de blocage : %s.", strings.Join(lines, " ; "))
		if len(done) == 0 {
			text = "Échec de l'envoi des indicateurs."
		}
		if len(failures) > 0 {
			text += " Refusés : " + strings.Join(failures, " ; ") + "."
		}
		_, err := j.append(ctx, journal.Draft{Author: r.By, Kind: journal.Action, Text: text}, now)
		return err
	})
	if err != nil {
		return saved, fmt.Errorf("incident %d: block: %w", id, err)
	}
	if len(failures) > 0 {
		return saved, fail(nil, "%d indicateur(s) refusé(s) par la liste de blocage : %s", "%d indicator(s) refused by the indicator store: %s",
			len(failures), strings.Join(failures, " ; "))
	}
	return saved, nil
}

func modeFR(mode string) string {
	if mode == "watch" {
		return "détection"
	}
	return "blocage"
}

// SplitIndicator reads "kind:value" (kind among the indicator kinds) or a
// bare value whose kind is guessed.
func SplitIndicator(s string) (kind, value string) {
	s = strings.TrimSpace(s)
	if k, v, ok := strings.Cut(s, ":"); ok {
		switch k {
		case KindIP, KindDomain, KindHost, KindURL, KindEmail, KindSHA256, KindFuzzy:
			return k, v
		}
	}
	return GuessKind(s), s
}

// GuessKind guesses an indicator's kind from its spelling.
func GuessKind(v string) string {
	switch {
	case strings.Contains(v, "://"):
		return KindURL
	case strings.HasPrefix(v, "v1:"):
		return KindFuzzy
	case strings.Contains(v, "@"):
		return KindEmail
	case evidence.ValidSum(strings.ToLower(v)):
		return KindSHA256
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return KindIP
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return KindIP
	}
	return KindDomain
}
