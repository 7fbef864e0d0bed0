package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/logs/ingest"
)

// recorder writes a hunt's results into an incident through the incident
// service: one main-courante entry per log file read (absolute path, host,
// size, SHA-256) and per finding, each marked with a key so that a second run
// over the same logs adds nothing; the real accounts concerned join the
// incident's accounts.
type recorder struct {
	c      *incidentCmd
	svc    *incident.Service
	id     int64
	author string
	attach bool
}

// recordResult says what a run added to the incident.
type recordResult struct {
	Incident int64    `json:"incident"`
	Findings int      `json:"findings_added"`
	Already  int      `json:"findings_already_recorded"`
	Files    int      `json:"files_added"`
	Attached int      `json:"files_attached,omitempty"`
	Accounts []string `json:"accounts"`
}

func (r recordResult) say(l lang, id int64) string {
	return l.f("incident n° %d : %d constats ajoutés à la main courante, %d déjà enregistrés, %d fichiers de journaux consignés",
		"incident #%d: %d findings added to the main courante, %d already recorded, %d log files logged", id, r.Findings, r.Already, r.Files)
}

// openRecorder opens the incident service and checks that the incident
// exists and is open, before any log is read.
func openRecorder(ctx context.Context, f huntFlags, stderr io.Writer) (*recorder, error) {
	c := newIncidentCmd("hunt", nil, stderr)
	c.config, c.by, c.lang = f.cfgPath, f.by, f.lang
	if f.storeDSN != "" && f.storeDSN != "default" {
		c.store = f.storeDSN
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		if c.done != nil {
			c.done()
		}
		return nil, err
	}
	inc, err := svc.Get(ctx, f.incidentID)
	if err != nil {
		c.done()
		return nil, c.localize(fmt.Errorf("--incident %d: %w", f.incidentID, err))
	}
	if inc.Status == incident.Closed {
		c.done()
		return nil, usageErr("%s", lang(f.lang).f("l'incident n° %d est clos : le rouvrir avant d'y consigner une recherche", "incident #%d is closed: reopen it before recording a hunt", f.incidentID))
	}
	return &recorder{c: c, svc: svc, id: f.incidentID, author: operator(f.by), attach: f.attachLogs}, nil
}

func (r *recorder) close() {
	if r.c.done != nil {
		r.c.done()
	}
}

// marker tags the entries this command writes: f: a file by its hash, k: a
// finding by its key.
var marker = regexp.MustCompile(`\[vigie hunt ([fk]):([0-9a-f]{8,64})\]`)

func (r *recorder) record(ctx context.Context, fs []hunt.Finding, reports []ingest.Report, l lang) (recordResult, error) {
	res := recordResult{Incident: r.id, Accounts: []string{}}
	c, err := r.svc.Load(ctx, r.id)
	if err != nil {
		return res, err
	}
	done := map[string]bool{}
	for _, e := range c.Journal {
		for _, m := range marker.FindAllStringSubmatch(e.Text, -1) {
			done[m[1]+":"+m[2]] = true
		}
	}
	stored := map[string]bool{}
	for _, ev := range c.Evidence {
		stored[ev.SHA256] = true
	}
	host, _ := os.Hostname()
	byFile := map[string]ingest.Report{}
	for _, rep := range reports {
		byFile[rep.File] = rep
		if !rep.Read() || rep.SHA256 == "" {
			continue
		}
		key := "f:" + rep.SHA256[:16]
		if !done[key] {
			text := fmt.Sprintf("[vigie hunt %s] Journal analysé : %s:%s — format %s, %d lignes, %d événements, %d mauvaises lignes ; %d octets, SHA-256 %s, modifié le %s (UTC).",
				key, host, rep.Path, rep.Format, rep.Lines, rep.Events, rep.Errors, rep.Bytes, rep.SHA256, rep.ModTime.Format("2006-01-02 15:04:05"))
			if rep.Problem != "" {
				text += " Lecture incomplète : " + rep.Err
			}
			if _, err := r.svc.Log(ctx, r.id, journal.Draft{Author: r.author, Kind: journal.Action, Text: text}); err != nil {
				return res, err
			}
			done[key] = true
			res.Files++
		}
		if r.attach && !stored[rep.SHA256] && rep.Path != "-" {
			if _, _, err := r.svc.AddEvidenceFile(ctx, r.id, rep.Path, incident.EvidenceRequest{By: r.author, Note: "journal analysé par vigie hunt"}); err != nil {
				return res, err
			}
			stored[rep.SHA256] = true
			res.Attached++
		}
	}
	now := r.svc.Now()
	for _, f := range fs {
		key := "k:" + f.Key
		if done[key] {
			res.Already++
			continue
		}
		d := journal.Draft{Author: r.author, Kind: journal.Finding, Text: findingText(key, f, byFile)}
		if !f.Time.IsZero() && !f.Time.After(now) {
			d.EventAt = f.Time
		}
		if f.Account != "" {
			d.Accounts = []string{f.Account}
		}
		if _, err := r.svc.Log(ctx, r.id, d); err != nil {
			return res, err
		}
		done[key] = true
		res.Findings++
	}
	if accounts := hunt.Accounts(fs); len(accounts) > 0 {
		inc, err := r.svc.Update(ctx, r.id, incident.Changes{AddAccounts: accounts}, r.author)
		if err != nil {
			return res, err
		}
		res.Accounts = inc.Accounts
	}
	return res, nil
}

// findingText is a finding as the main courante keeps it: what, who, why, and
// the evidence lines with the absolute path and hash of their file.
func findingText(key string, f hunt.Finding, byFile map[string]ingest.Report) string {
	var ev []string
	for i, e := range f.Evidence {
		if i == 5 {
			ev = append(ev, fmt.Sprintf("… %d de plus", len(f.Evidence)-5))
			break
		}
		rep := byFile[e.File]
		where := e.String()
		if rep.Path != "" {
			e.File = rep.Path
			where = e.String()
		}
		if rep.SHA256 != "" {
			where += " (SHA-256 " + rep.SHA256[:16] + "…)"
		}
		ev = append(ev, where)
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
		key, f.ID, f.Severity.French(), who, when, f.Title, f.DetailFR, f.FR, strings.Join(ev, ", "))
}
