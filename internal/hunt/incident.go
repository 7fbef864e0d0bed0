package hunt

import (
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/logs/ingest"
)

// ForIncident gives a hunt's results to the incident service
// (incident.Service.RecordLogHunt): the files read, on host, and the
// findings, their evidence named by each file's absolute path and hash.
func ForIncident(fs []Finding, reports []ingest.Report, host string, attach bool) incident.LogHunt {
	h := incident.LogHunt{Host: host, Accounts: Accounts(fs), Attach: attach}
	byFile := map[string]ingest.Report{}
	for _, rep := range reports {
		byFile[rep.File] = rep
		if !rep.Read() || rep.SHA256 == "" {
			continue
		}
		f := incident.HuntedFile{Path: rep.Path, Format: string(rep.Format), Lines: rep.Lines, Events: rep.Events,
			Errors: rep.Errors, Bytes: rep.Bytes, SHA256: rep.SHA256, ModTime: rep.ModTime}
		if rep.Problem != "" {
			f.Incomplete = rep.Err
		}
		h.Files = append(h.Files, f)
	}
	for _, f := range fs {
		lf := incident.LogFinding{Key: f.Key, ID: f.ID, Severity: f.Severity.French(), User: f.User, Account: f.Account,
			Time: f.Time, Title: f.Title, Detail: f.DetailFR, Advice: f.FR}
		for _, e := range f.Evidence {
			rep := byFile[e.File]
			if rep.Path != "" {
				e.File = rep.Path
			}
			where := e.String()
			if rep.SHA256 != "" {
				where += " (SHA-256 " + rep.SHA256[:16] + "…)"
			}
			lf.Evidence = append(lf.Evidence, where)
		}
		h.Findings = append(h.Findings, lf)
	}
	return h
}
