package incident

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// LogHunt is what a hunt through the logs (`vigie hunt --incident`,
// package hunt) brings to an incident: the files it read and what it found.
type LogHunt struct {
	Host     string // the machine the files were read on
	Files    []HuntedFile
	Findings []LogFinding
	// Accounts are the real accounts concerned; they join the incident's.
	Accounts []string
	// Attach stores each file read as evidence (by its absolute path).
	Attach bool
}

// HuntedFile is one log file a hunt read to the end or in part.
type HuntedFile struct {
	Path                         string // absolute; "-" for standard input
	Format                       string
	Lines, Events, Errors, Bytes int64
	SHA256                       string
	ModTime                      time.Time
	// Incomplete says why the file was not read to its end ("" when it was).
	Incomplete string
}

// LogFinding is one finding of a hunt, as the main courante keeps it.
type LogFinding struct {
	// Key identifies the finding across runs over the same logs: recorded
	// once, it is not recorded again.
	Key      string
	ID       string // HUNT_…
	Severity string // in French
	User     string // who or what the logs name ("" unknown)
	Account  string // the real account concerned ("" when none)
	Time     time.Time
	Title    string
	Detail   string // what was seen
	Advice   string // what it means and what to do
	// Evidence are the log lines, "file:line" with the file's absolute
	// path and hash; the main courante names the first five.
	Evidence []string
}

// LogHuntRecord says what recording a hunt added to the incident.
type LogHuntRecord struct {
	Findings int // findings added to the main courante
	Already  int // findings recorded by an earlier run
	Files    int // files logged
	Attached int // files stored as evidence
	// Accounts are the incident's accounts afterwards.
	Accounts []string
}

// huntMarker tags the entries RecordLogHunt writes: f: a file by its hash,
// k: a finding by its key.
var huntMarker = regexp.MustCompile(`\[vigie hunt ([fk]):([0-9a-f]{8,64})\]`)

// RecordLogHunt writes a hunt's results into incident id's main courante:
// one entry per file read (host, absolute path, format, counts, size,
// modification time, SHA-256) and per finding, each marked with a key so
// that a second run over the same logs adds nothing; h.Accounts join the
// incident's, and with h.Attach the files become evidence.
func (s *Service) RecordLogHunt(ctx context.Context, id int64, h LogHunt, by string) (LogHuntRecord, error) {
	res := LogHuntRecord{Accounts: []string{}}
	c, err := s.Load(ctx, id)
	if err != nil {
		return res, err
	}
	done := map[string]bool{}
	for _, e := range c.Journal {
		for _, m := range huntMarker.FindAllStringSubmatch(e.Text, -1) {
			done[m[1]+":"+m[2]] = true
		}
	}
	stored := map[string]bool{}
	for _, ev := range c.Evidence {
		stored[ev.SHA256] = true
	}
	for _, f := range h.Files {
		if f.SHA256 == "" {
			continue
		}
		key := "f:" + f.SHA256[:min(16, len(f.SHA256))]
		if !done[key] {
			if _, err := s.Log(ctx, id, journal.Draft{Author: by, Kind: journal.Action, Text: fileText(key, h.Host, f)}); err != nil {
				return res, err
			}
			done[key] = true
			res.Files++
		}
		if h.Attach && !stored[f.SHA256] && f.Path != "-" {
			if _, _, err := s.AddEvidenceFile(ctx, id, f.Path, EvidenceRequest{By: by, Note: "journal analysé par vigie hunt"}); err != nil {
				return res, err
			}
			stored[f.SHA256] = true
			res.Attached++
		}
	}
	now := s.Now()
	for _, f := range h.Findings {
		key := "k:" + f.Key
		if done[key] {
			res.Already++
			continue
		}
		d := journal.Draft{Author: by, Kind: journal.Finding, Text: findingText(key, f)}
		if !f.Time.IsZero() && !f.Time.After(now) {
			d.EventAt = f.Time
		}
		if f.Account != "" {
			d.Accounts = []string{f.Account}
		}
		if _, err := s.Log(ctx, id, d); err != nil {
			return res, err
		}
		done[key] = true
		res.Findings++
	}
	if len(h.Accounts) > 0 {
		inc, err := s.Update(ctx, id, Changes{AddAccounts: h.Accounts}, by)
		if err != nil {
			return res, err
		}
		res.Accounts = inc.Accounts
	}
	return res, nil
}

// fileText is the main-courante entry of a file read.
func fileText(key, host string, f HuntedFile) string {
	text := fmt.Sprintf("[vigie hunt %s] Journal analysé : %s:%s — format %s, %d lignes, %d événements, %d mauvaises lignes ; %d octets, SHA-256 %s, modifié le %s (UTC).",
		key, host, f.Path, f.Format, f.Lines, f.Events, f.Errors, f.Bytes, f.SHA256, f.ModTime.Format("2006-01-02 15:04:05"))
	if f.Incomplete != "" {
		text += " Lecture incomplète : " + f.Incomplete
	}
	return text
}

// findingText is a finding as the main courante keeps it: what, who, why,
// and the evidence lines.
func findingText(key string, f LogFinding) string {
	ev := f.Evidence
	if len(ev) > 5 {
		ev = append(slices.Clone(ev[:5]), fmt.Sprintf("… %d de plus", len(f.Evidence)-5))
	}
	who := f.User
	if who == "" {
		who = "?"
	}
	when := "date inconnue"
	if !f.Time.IsZero() {
		when = journal.FormatTime(f.Time)
	}
	return fmt.Sprintf("[vigie hunt %s] %s (%s), %s, %s — %s : %s. %s Preuves : %s.",
		key, f.ID, f.Severity, who, when, f.Title, f.Detail, f.Advice, strings.Join(ev, ", "))
}
