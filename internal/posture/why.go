package posture

import (
	"fmt"
	"slices"
	"strings"
)

// "Pourquoi le message est passé": the CERT Santé fiche's question after a
// campaign. Explain joins what the trace says of the messages that reached
// users (their verdicts and signals) with the latest audits of the
// organisation (posture findings, selftest categories not stopped) and
// says what to change, each change citing where it comes from.

// Verdict is what the trace recorded of one message of the campaign.
type Verdict struct {
	MessageID string   `json:"message_id,omitempty"`
	From      string   `json:"from,omitempty"`
	Subject   string   `json:"subject,omitempty"`
	Action    string   `json:"action"` // accept, tag, quarantine, reject
	Score     float64  `json:"score"`
	Signals   []string `json:"signals"`
}

// Change is one thing to change and why.
type Change struct {
	FR     string `json:"fr"`
	EN     string `json:"en"`
	Source string `json:"source"` // "verdict", "posture:ID", "selftest:category", "mx_sec_conf:rule"
}

// Passage is the explanation.
type Passage struct {
	Messages     []Verdict `json:"messages"`
	QuarantineAt float64   `json:"quarantine_at"`
	Findings     []Finding `json:"findings"`
	Changes      []Change  `json:"changes"`
}

// ExplainInput is what Explain needs.
type ExplainInput struct {
	Messages     []Verdict
	QuarantineAt float64  // the policy's quarantine threshold
	OrgDomains   []string // the organisation's own domains
	Reports      []*Report
	// SelftestFailed are the categories (selftest.Categories keys) with a
	// case the latest selftest did not handle as expected; SelftestRun
	// says whether there is a selftest at all.
	SelftestFailed []string
	SelftestRun    bool
}

// identityFindings weaken the protection of the organisation's own name.
var identityFindings = []string{"SPF_NONE", "SPF_MULTIPLE", "SPF_SYNTAX", "SPF_TOO_MANY_LOOKUPS", "SPF_PLUS_ALL",
	"SPF_NEUTRAL_ALL", "SPF_SOFTFAIL", "DMARC_NONE", "DMARC_INVALID", "DMARC_POLICY_NONE", "DMARC_PCT_PARTIAL",
	"DMARC_SP_WEAK", "DNSSEC_UNSIGNED", "DKIM_NONE"}

// exposureFindings make a stolen password usable from the internet.
var exposureFindings = []string{"WEBMAIL_EXPOSED", "WEBMAIL_CLEARTEXT", "IMAP_EXPOSED", "IMAP_CLEARTEXT", "SUBMISSION_EXPOSED"}

// gatewayFindings let an oversized or unscanned message through.
var gatewayFindings = []string{"SMTP_NO_SIZE_LIMIT", "SMTP_SIZE_LARGE", "SMTP_OPEN_RELAY"}

// Explain builds the passage of the messages that got through.
func Explain(in ExplainInput) Passage {
	p := Passage{QuarantineAt: in.QuarantineAt}
	var through []Verdict
	for _, m := range in.Messages {
		if m.Action == "accept" || m.Action == "tag" || m.Action == "delivered" || m.Action == "tagged" {
			through = append(through, m)
		}
	}
	p.Messages = through
	add := func(c Change) {
		if !slices.ContainsFunc(p.Changes, func(x Change) bool { return x.Source == c.Source }) {
			p.Changes = append(p.Changes, c)
		}
	}
	signals := map[string]bool{}
	ownDomain := false
	for _, m := range through {
		for _, s := range m.Signals {
			signals[s] = true
		}
		if inDomains(m.From, in.OrgDomains) {
			ownDomain = true
		}
	}
	has := func(names ...string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return signals[n] })
	}
	relevant := map[string]bool{}
	for _, id := range gatewayFindings {
		relevant[id] = true
	}
	if ownDomain || has("ORG_DOMAIN_SPOOF", "FROM_LOOKALIKE_DOMAIN") {
		for _, id := range identityFindings {
			relevant[id] = true
		}
	}
	// Once a message reached users, a stolen password is the risk: the
	// services it opens from the internet matter.
	if len(through) > 0 {
		for _, id := range exposureFindings {
			relevant[id] = true
		}
	}
	for _, r := range in.Reports {
		for _, f := range r.Findings {
			if relevant[f.ID] {
				p.Findings = append(p.Findings, f)
				d, _ := Lookup(f.ID)
				add(Change{FR: d.FixFR, EN: d.FixEN, Source: "posture:" + f.ID})
			}
		}
	}

	if len(through) > 0 {
		explainVerdicts(through, in.QuarantineAt, has, add)
	}
	for _, cat := range in.SelftestFailed {
		add(Change{
			FR:     fmt.Sprintf("Le dernier autotest montre que la catégorie « %s » n'est pas arrêtée : appliquer les règles correspondantes de mx_sec_conf et relancer vigie selftest.", cat),
			EN:     fmt.Sprintf("The latest selftest shows the %q category is not stopped: apply the matching mx_sec_conf rules and run vigie selftest again.", cat),
			Source: "selftest:" + cat})
	}
	if len(in.Reports) == 0 {
		add(Change{FR: "Aucun audit de la messagerie enregistré : lancer vigie posture --record sur chaque domaine de l'organisation.",
			EN: "No mail posture audit recorded: run vigie posture --record on each of the organisation's domains.", Source: "posture:none"})
	}
	if !in.SelftestRun {
		add(Change{FR: "Aucun autotest enregistré : lancer vigie selftest pour vérifier ce que la chaîne arrête.",
			EN: "No selftest recorded: run vigie selftest to check what the chain stops.", Source: "selftest:none"})
	}
	return p
}

// explainVerdicts reads the verdicts of the messages that reached users.
func explainVerdicts(through []Verdict, quarantineAt float64, has func(...string) bool, add func(Change)) {
	authenticated := has("AUTH_DMARC_PASS", "AUTH_ALIGNED_PASS") && !has("AUTH_DMARC_FAIL", "AUTH_DMARC_FAIL_REJECT", "AUTH_DMARC_FAIL_QUARANTINE", "AUTH_SPF_FAIL")
	tagged := slices.ContainsFunc(through, func(v Verdict) bool { return v.Action == "tag" || v.Action == "tagged" })
	content := false
	for _, v := range through {
		for _, s := range v.Signals {
			if !strings.HasPrefix(s, "AUTH_") && !strings.HasPrefix(s, "RDNS_") && !strings.HasPrefix(s, "HELO_") {
				content = true
			}
		}
	}
	add(Change{
		FR:     fmt.Sprintf("Les indicateurs de la campagne (expéditeurs, domaines, URL, empreintes) doivent être poussés en blocage depuis l'incident : les messages ont obtenu un score sous le seuil de quarantaine (%.1f).", quarantineAt),
		EN:     fmt.Sprintf("Push the campaign's indicators (senders, domains, URLs, hashes) as blocking from the incident: the messages scored below the quarantine threshold (%.1f).", quarantineAt),
		Source: "verdict"})
	if authenticated {
		add(Change{FR: "L'expéditeur était authentifié (SPF/DKIM/DMARC valides) : compte légitime compromis ou domaine sosie enregistré par l'attaquant. Prévenir l'organisation émettrice (fiche CERT Santé, « Alerter des tiers ») et bloquer le domaine s'il est sosie.",
			EN:     "The sender was authenticated (valid SPF/DKIM/DMARC): a compromised legitimate account or a look-alike domain the attacker registered. Warn the sending organisation (CERT Santé fiche, \"alert third parties\") and block the domain if it is a look-alike.",
			Source: "verdict:authenticated"})
	}
	if !content {
		add(Change{FR: "Aucun signal de contenu (lien, pièce jointe, leurre) : Vigie n'a rien vu de suspect. Les URL et pièces jointes des messages signalés doivent alimenter le classifieur (décisions de la console) et les indicateurs ; mx_sec_conf url.md rappelle que le filtrage d'URL a ces limites.",
			EN:     "No content signal (link, attachment, lure): Vigie saw nothing suspicious. Feed the reported messages' URLs and attachments to the classifier (console decisions) and the indicators; mx_sec_conf url.md recalls these limits of URL filtering.",
			Source: "mx_sec_conf:url.md"})
	}
	if tagged {
		add(Change{FR: "Certains messages ont été seulement signalés ([SUSPECT]) puis distribués : rappeler aux utilisateurs la signification du marquage, ou abaisser policy.quarantine si les témoins de vigie selftest restent distribués.",
			EN:     "Some messages were only tagged ([SUSPECT]) and delivered: remind users what the tag means, or lower policy.quarantine if vigie selftest's controls stay delivered.",
			Source: "verdict:tagged"})
	}
	if has("ATTACH_ARCHIVE_ENCRYPTED", "ATTACH_ARCHIVE_ENCRYPTED_PASSWORD_APART", "ATTACH_ARCHIVE_OPAQUE", "ATTACH_PDF_ENCRYPTED") {
		add(Change{FR: "Une pièce jointe n'a pas pu être analysée (archive chiffrée ou opaque) : refuser ces archives venant de l'extérieur (mx_sec_conf attachment.md#filter2).",
			EN:     "An attachment could not be scanned (encrypted or opaque archive): refuse such archives from outside (mx_sec_conf attachment.md#filter2).",
			Source: "mx_sec_conf:attachment.md#filter2"})
	}
}

// inDomains reports whether addr's domain is one of domains or under one.
func inDomains(addr string, domains []string) bool {
	d := strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
	for _, o := range domains {
		o = strings.ToLower(o)
		if d == o || strings.HasSuffix(d, "."+o) {
			return true
		}
	}
	return false
}
