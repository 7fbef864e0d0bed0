package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/ir/incident"
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

// record hands the hunt's results to the incident service, which writes
// them into the main courante (incident.Service.RecordLogHunt).
func (r *recorder) record(ctx context.Context, fs []hunt.Finding, reports []ingest.Report, _ lang) (recordResult, error) {
	host, _ := os.Hostname()
	rec, err := r.svc.RecordLogHunt(ctx, r.id, hunt.ForIncident(fs, reports, host, r.attach), r.author)
	return recordResult{Incident: r.id, Findings: rec.Findings, Already: rec.Already, Files: rec.Files,
		Attached: rec.Attached, Accounts: rec.Accounts}, err
}
