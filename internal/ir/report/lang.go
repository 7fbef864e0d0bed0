package report

import (
	"fmt"

	"vigie.dev/vigie/internal/ir/incident"
)

// The documents written for people are French unless the request asks for
// English (ReportRequest.Lang "en"). Their templates and code keep the
// French text, the way the reader sees it; english maps each French
// phrase to its English. A phrase missing from the map fails the English
// rendering (templates) or shows in the tests of every format in English.
var english = map[string]string{
	// Incident report (Markdown and HTML).
	"Type":                          "Type",
	"Gravité":                       "Severity",
	"Statut":                        "Status",
	"Ouvert":                        "Opened",
	"le":                            "on",
	"par":                           "by",
	"Responsable":                   "Owner",
	"Prise de connaissance":         "Aware since",
	"Comptes affectés":              "Affected accounts",
	"Machines affectées":            "Affected machines",
	"Main courante":                 "Incident log",
	"entrées, tête sha256":          "entries, head sha256",
	"Résumé":                        "Summary",
	"Déclarations":                  "Notifications",
	"Fiche":                         "Playbook",
	"Priorité":                      "Priority",
	"Action":                        "Action",
	"Intitulé":                      "Title",
	"Qui":                           "Who",
	"Note":                          "Note",
	"Indicateurs":                   "Indicators",
	"poussés":                       "pushed",
	"Valeur":                        "Value",
	"Origine":                       "Origin",
	"État":                          "State",
	"Expiration":                    "Expires",
	"proposé":                       "proposed",
	"Preuves":                       "Evidence",
	"Taille":                        "Size",
	"Fichier":                       "File",
	"Ajouté par":                    "Added by",
	"Le":                            "On",
	"Chronologie (main courante)":   "Timeline (incident log)",
	"Heure (UTC, Paris)":            "Time (UTC, Paris)",
	"Auteur":                        "Author",
	"Nature":                        "Kind",
	"Description":                   "Description",
	"Empreinte":                     "Hash",
	"survenu":                       "happened",
	"comptes :":                     "accounts:",
	"machines :":                    "machines:",
	"Rapport produit par Vigie le":  "Report produced by Vigie on",
	"périmètre":                     "perimeter",
	"impact":                        "impact",
	"urgence":                       "urgency",
	" : ":                           ": ",
	"Pourquoi le message est passé": "Why the message got through",
	"message":                       "message",
	"expéditeur":                    "sender",
	"verdict":                       "verdict",
	"score":                         "score",
	"signaux":                       "signals",
	"gravité":                       "severity",
	"constat":                       "finding",
	"cible":                         "target",
	"règle mx_sec_conf":             "mx_sec_conf rule",
	"Ce qu'il faut changer :":       "What to change:",
	"Constats des derniers audits (vigie posture) qui s'y rapportent :":                                             "Findings of the latest audits (vigie posture) that bear on it:",
	"Messages de la campagne distribués (seuil de quarantaine":                                                      "The campaign's messages that were delivered (quarantine threshold",
	"Aucun message distribué de la campagne n'a été retrouvé dans la trace à partir des indicateurs de l'incident.": "No delivered message of the campaign was found in the trace from the incident's indicators.",

	// Declarations.
	"Déclarations — incident": "Notifications — incident",
	"connaissance":            "aware since",
	"sans objet (pas de données personnelles en cause)": "not applicable (no personal data involved)",
	"sans délai fixé": "no set deadline",
	"échéance":        "deadline",
	"DÉPASSÉE de":     "OVERDUE by",
	"reste":           "left:",

	// CERT Santé / ARS report.
	"DÉCLARATION D'INCIDENT DE SÉCURITÉ DES SYSTÈMES D'INFORMATION — ÉTABLISSEMENT DE SANTÉ":                                               "INFORMATION SYSTEM SECURITY INCIDENT REPORT — HEALTH ESTABLISHMENT",
	"(art. L.1111-8-2 du code de la santé publique ; à saisir sur %s ; transmise à l'ARS et au CERT Santé)":                                "(art. L.1111-8-2 of the French public health code; to be entered on %s; forwarded to the ARS and CERT Santé)",
	"NB : aucun numéro FINESS n'est configuré (incidents.profile.finess) ; cette déclaration ne concerne que les établissements de santé.": "NB: no FINESS number is configured (incidents.profile.finess); this report concerns health establishments only.",
	"à renseigner":                  "to be filled in",
	"1. Établissement et déclarant": "1. Establishment and reporter",
	"Établissement":                 "Establishment",
	"N° FINESS":                     "FINESS number",
	"Région (ARS)":                  "Region (ARS)",
	"Déclarant":                     "Reporter",
	"Courriel":                      "E-mail",
	"Téléphone":                     "Telephone",
	"2. Incident":                   "2. Incident",
	"Référence interne":             "Internal reference",
	"incident %d":                   "incident %d",
	"Date de détection (prise de connaissance)":       "Detected (aware since)",
	"Date de la déclaration":                          "Reported on",
	"Gravité (grille InterCERT)":                      "Severity (InterCERT grid)",
	"Comptes concernés":                               "Accounts involved",
	"Machines concernées":                             "Machines involved",
	"Impact sur la prise en charge des patients":      "Impact on patient care",
	"Activités ou services perturbés":                 "Activities or services disrupted",
	"non établie à ce stade":                          "not established at this stage",
	"possible — notification CNIL avant le":           "possible — CNIL notification before",
	"Atteinte à des données de santé ou personnelles": "Health or personal data breached",
	"3. Éléments techniques":                          "3. Technical details",
	"URL malveillantes (neutralisées)":                "Malicious URLs (defanged)",
	"Adresses IP":                                     "IP addresses",
	"Expéditeurs":                                     "Senders",
	"Preuves conservées":                              "Evidence kept",
	"%d fichier(s), empreintes SHA-256 dans l'export": "%d file(s), SHA-256 hashes in the export",
	"4. Mesures":                                      "4. Measures",
	"Mesures prises":                                  "Measures taken",
	"Mesures en cours":                                "Measures in progress",
	"Demande d'appui du CERT Santé":                   "Support requested from CERT Santé",
	"Main courante : %d entrées, tête sha256 %s (à citer pour authentifier ce dossier).": "Incident log: %d entries, head sha256 %s (quote it to authenticate this file).",
}

// words translates the French phrases of one document.
type words string

func wordsFor(lang string) words {
	if lang == "en" {
		return "en"
	}
	return "fr"
}

// t returns the phrase in the document's language.
func (w words) t(fr string) string {
	if w == "en" {
		if s, ok := english[fr]; ok {
			return s
		}
	}
	return fr
}

// must is t for the templates: a phrase with no English fails the
// rendering rather than leaving French in an English document.
func (w words) must(fr string) (string, error) {
	if w == "en" {
		if _, ok := english[fr]; !ok {
			return "", fmt.Errorf("report: no English for %q", fr)
		}
	}
	return w.t(fr), nil
}

// funcsFor returns the template functions of one language.
func funcsFor(lang string) map[string]any {
	w := wordsFor(lang)
	f := map[string]any{"T": w.must, "lang": func() string { return string(w) }}
	for k, v := range funcs {
		f[k] = v
	}
	f["perimeter"] = func(l incident.Level) string { return l.In(incident.Perimeter, string(w)) }
	f["impact"] = func(l incident.Level) string { return l.In(incident.Impact, string(w)) }
	f["urgency"] = func(l incident.Level) string { return l.In(incident.Urgency, string(w)) }
	f["title"] = func(fr, en string) string {
		if w == "en" && en != "" {
			return en
		}
		return fr
	}
	f["due"] = func(d Declaration) string { return d.DueIn(string(w)) }
	return f
}
