package web

import (
	"encoding/json"
	"net/http"

	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/selftest"
)

// The "why did it get through" page: the latest `vigie posture` report of
// each domain (findings against CERT Santé's mx_sec_conf) and the latest
// `vigie selftest` run through each relay, as recorded in the store.

// postureView is one domain's latest report, localised.
type postureView struct {
	Report *posture.Report
	Counts map[posture.Severity]int
}

// selftestView is one relay's latest selftest run.
type selftestView struct {
	Subject string
	At      any
	Worst   string
	Results []selftest.Result
	Summary []selftest.Summary
}

func (s *Server) posturePage(w http.ResponseWriter, r *http.Request, p *principal) {
	ctx, l := r.Context(), lang(r)
	runs := s.o.Audits
	reports, err := runs.Latest(ctx, "posture")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var pv []postureView
	for _, run := range reports {
		var rep posture.Report
		if json.Unmarshal(run.Body, &rep) != nil {
			continue
		}
		rep.Localize(l)
		v := postureView{Report: &rep, Counts: map[posture.Severity]int{}}
		for _, f := range rep.Findings {
			v.Counts[f.Severity]++
		}
		pv = append(pv, v)
	}
	tests, err := runs.Latest(ctx, "selftest")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sv []selftestView
	for _, run := range tests {
		var body struct {
			Results []selftest.Result  `json:"results"`
			Summary []selftest.Summary `json:"summary"`
		}
		if json.Unmarshal(run.Body, &body) != nil {
			continue
		}
		sv = append(sv, selftestView{Subject: run.Subject, At: run.At, Worst: run.Worst, Results: body.Results, Summary: body.Summary})
	}
	s.render(w, r, p, "posture", http.StatusOK, map[string]any{"Reports": pv, "Selftests": sv,
		"Severities": []posture.Severity{posture.Critical, posture.High, posture.Medium, posture.Low, posture.Info}})
}

// postureFuncs are the page's template helpers.
var postureFuncs = map[string]any{
	"sevName":  func(l string, s posture.Severity) string { return posture.SeverityName(s, l) },
	"outcome":  func(l string, o selftest.Outcome) string { return selftest.OutcomeName(o, l) },
	"category": categoryName,
}

func categoryName(l, key string) string {
	for _, c := range selftest.Categories {
		if c.Key == key {
			if l == "en" {
				return c.EN
			}
			return c.FR
		}
	}
	return key
}

// sevBadge maps a severity to the console's badge colours.
func sevBadge(s posture.Severity) string {
	switch s {
	case posture.Critical, posture.High:
		return "bad"
	case posture.Medium:
		return "warn"
	}
	return ""
}

var postureStrings = map[string]map[string]string{
	"fr": {
		"nav.posture":        "Posture",
		"pos.title":          "Pourquoi le message est passé ? Posture de la messagerie",
		"pos.intro":          "Audits de la configuration de messagerie de l'organisation selon les règles mx_sec_conf du CERT Santé, que la fiche « Agir contre une campagne d'hameçonnage » recommande d'appliquer après une campagne.",
		"pos.reports":        "Derniers audits par domaine (vigie posture)",
		"pos.none":           "Aucun audit enregistré. Lancer : vigie posture --record DOMAINE",
		"pos.clean":          "Aucune faiblesse constatée.",
		"pos.severity":       "Gravité",
		"pos.finding":        "Constat",
		"pos.target":         "Cible",
		"pos.rule":           "Règle mx_sec_conf",
		"pos.fix":            "Correction",
		"pos.observed":       "Constaté",
		"pos.selftests":      "Derniers autotests de la chaîne (vigie selftest)",
		"pos.selftest.none":  "Aucun autotest enregistré. Lancer : vigie selftest --via HÔTE:PORT",
		"pos.case":           "Cas",
		"pos.expected":       "Attendu",
		"pos.outcome":        "Résultat",
		"pos.expect.stop":    "arrêté",
		"pos.expect.deliver": "distribué",
		"pos.category":       "Catégorie",
		"pos.passed":         "conformes",
		"pos.failed":         "À revoir",
	},
	"en": {
		"nav.posture":        "Posture",
		"pos.title":          "Why did it get through? Mail posture",
		"pos.intro":          "Audits of the organisation's mail setup against CERT Santé's mx_sec_conf rules, which the fiche \"Act against a phishing campaign\" asks to apply after a campaign.",
		"pos.reports":        "Latest audits per domain (vigie posture)",
		"pos.none":           "No audit recorded. Run: vigie posture --record DOMAIN",
		"pos.clean":          "No weakness found.",
		"pos.severity":       "Severity",
		"pos.finding":        "Finding",
		"pos.target":         "Target",
		"pos.rule":           "mx_sec_conf rule",
		"pos.fix":            "Fix",
		"pos.observed":       "Observed",
		"pos.selftests":      "Latest selftests of the chain (vigie selftest)",
		"pos.selftest.none":  "No selftest recorded. Run: vigie selftest --via HOST:PORT",
		"pos.case":           "Case",
		"pos.expected":       "Expected",
		"pos.outcome":        "Outcome",
		"pos.expect.stop":    "stopped",
		"pos.expect.deliver": "delivered",
		"pos.category":       "Category",
		"pos.passed":         "as expected",
		"pos.failed":         "To review",
	},
}

func init() {
	for l, m := range postureStrings {
		for k, v := range m {
			catalogue[l][k] = v
		}
	}
}
