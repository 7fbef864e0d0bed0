package mailbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// Severity of an audit finding.
type Severity string

const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Label names the severity in lang.
func (s Severity) Label(lang string) string {
	if lang == "en" {
		return string(s)
	}
	return map[Severity]string{High: "élevée", Medium: "moyenne", Low: "faible"}[s]
}

// Finding is one rule or setting an audit calls out, named by a stable
// signal like the gateway's checks.
type Finding struct {
	Mailbox  string   `json:"mailbox"`
	Signal   string   `json:"signal"`
	Severity Severity `json:"severity"`
	FR       string   `json:"fr"`
	EN       string   `json:"en"`
	Rule     Rule     `json:"rule"`
}

// Audit signals (docs/mailbox.md).
const (
	SigForwardExternal = "MAILBOX_FORWARD_EXTERNAL"
	SigForwardInternal = "MAILBOX_FORWARD_INTERNAL"
	SigRuleDelete      = "MAILBOX_RULE_DELETE"
	SigRuleMarkRead    = "MAILBOX_RULE_MARK_READ"
	SigRuleMove        = "MAILBOX_RULE_MOVE"
	SigRuleReject      = "MAILBOX_RULE_REJECT"
	SigRuleUnreadable  = "MAILBOX_RULE_UNREADABLE"
	SigDelegate        = "MAILBOX_DELEGATE"
	SigAppPassword     = "MAILBOX_APP_PASSWORD"
	SigForwardAddress  = "MAILBOX_FORWARD_ADDRESS"
)

// Assess turns a mailbox's rules into findings. Disabled rules and
// automatic replies are left out; a forward to the organisation's own
// domains is still reported (a hidden copy to another account is one of
// the fiche's examples), one step lower.
func Assess(box string, rules []Rule, ownDomains []string) []Finding {
	var out []Finding
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		add := func(sig string, sev Severity, fr, en string) {
			if !r.Fixable {
				nfr, nen := r.NoFix()
				fr += " Non désactivable par Vigie (" + nfr + ") : à traiter à la main, Vigie ne supprime rien."
				en += " Vigie cannot disable it (" + nen + "): handle it by hand, Vigie deletes nothing."
			}
			out = append(out, Finding{Mailbox: box, Signal: sig, Severity: sev, FR: fr, EN: en, Rule: r})
		}
		cond := func(fr bool) string {
			if r.When == "" {
				if fr {
					return "pour tout message"
				}
				return "for every message"
			}
			if fr {
				return "si " + r.When
			}
			return "when " + r.When
		}
		switch r.Kind {
		case KindDelegate:
			add(SigDelegate, Medium, fmt.Sprintf("Délégation : %s a accès à la boîte (%s) — à confirmer avec son titulaire (InterCERT 2.a).", strings.Join(r.Targets, ", "), r.Name),
				fmt.Sprintf("Delegation: %s has access to the mailbox (%s) — confirm with its owner (InterCERT 2.a).", strings.Join(r.Targets, ", "), r.Name))
			continue
		case KindForwardAddress:
			sev := Medium
			if len(ownDomains) > 0 && len(r.Targets) > 0 && inDomains(r.Targets[0], ownDomains) {
				sev = Low
			}
			add(SigForwardAddress, sev, fmt.Sprintf("Adresse de transfert enregistrée et vérifiée : %s — aucun filtre ni transfert ne s'en sert pour l'instant, mais elle est prête à servir ; à confirmer avec le titulaire (InterCERT 2.a).", strings.Join(r.Targets, ", ")),
				fmt.Sprintf("Forwarding address registered and verified: %s — no filter or forwarding uses it yet, but it is ready to; confirm with the owner (InterCERT 2.a).", strings.Join(r.Targets, ", ")))
			continue
		case KindAppPassword:
			whenFR, whenEN := "", ""
			if r.When != "" { // "creation → last use", ISO dates
				whenFR, whenEN = " (créé → dernier usage : "+r.When+")", " (created → last used: "+r.When+")"
			}
			add(SigAppPassword, Medium, fmt.Sprintf("Mot de passe d'application « %s »%s : il contourne le MFA ; le révoquer s'il n'est pas reconnu (InterCERT 1.c).", r.Name, whenFR),
				fmt.Sprintf("Application password %q%s: it bypasses MFA; revoke it unless recognised (InterCERT 1.c).", r.Name, whenEN))
			continue
		}
		eff := r.Effects
		if slices.Contains(eff, "forward") {
			var ext, inn []string
			for _, t := range r.Targets {
				if len(ownDomains) > 0 && inDomains(t, ownDomains) {
					inn = append(inn, t)
				} else {
					ext = append(ext, t)
				}
			}
			copyFR, copyEN := "", ""
			if slices.Contains(eff, "copy") {
				copyFR, copyEN = " (copie silencieuse : l'utilisateur ne voit rien)", " (silent copy: the user sees nothing)"
			}
			if len(ext) > 0 || len(r.Targets) == 0 {
				add(SigForwardExternal, High, fmt.Sprintf("Transfert automatique vers l'extérieur : %s, %s%s — typique d'une boîte compromise (InterCERT 2.a, CERT Santé).", strings.Join(ext, ", "), cond(true), copyFR),
					fmt.Sprintf("Automatic forwarding outside: %s, %s%s — typical of a compromised mailbox (InterCERT 2.a, CERT Santé).", strings.Join(ext, ", "), cond(false), copyEN))
			}
			if len(inn) > 0 {
				add(SigForwardInternal, Medium, fmt.Sprintf("Copie automatique vers une autre boîte interne : %s, %s%s — à confirmer (copies cachées, InterCERT 2.a).", strings.Join(inn, ", "), cond(true), copyFR),
					fmt.Sprintf("Automatic copy to another internal mailbox: %s, %s%s — confirm it (hidden copies, InterCERT 2.a).", strings.Join(inn, ", "), cond(false), copyEN))
			}
		}
		if slices.Contains(eff, "delete") {
			add(SigRuleDelete, High, fmt.Sprintf("Règle qui supprime les messages reçus, %s — sert à cacher les réponses des personnes contactées pendant l'usurpation (InterCERT 6.a).", cond(true)),
				fmt.Sprintf("Rule that deletes incoming mail, %s — used to hide the replies of the people contacted during the impersonation (InterCERT 6.a).", cond(false)))
		}
		if slices.Contains(eff, "mark-read") {
			add(SigRuleMarkRead, Medium, fmt.Sprintf("Règle qui marque les messages comme lus, %s — l'utilisateur ne les remarque pas (InterCERT 6.a).", cond(true)),
				fmt.Sprintf("Rule that marks mail as read, %s — the user does not notice it (InterCERT 6.a).", cond(false)))
		}
		if slices.Contains(eff, "move") && r.When != "" {
			add(SigRuleMove, Low, fmt.Sprintf("Règle qui range des messages dans « %s », %s — à vérifier si elle vise des réponses (InterCERT 6.a).", r.Folder, cond(true)),
				fmt.Sprintf("Rule that files mail into %q, %s — check whether it targets replies (InterCERT 6.a).", r.Folder, cond(false)))
		}
		if slices.Contains(eff, "reject") {
			add(SigRuleReject, Medium, fmt.Sprintf("Règle qui renvoie les messages à l'expéditeur, %s.", cond(true)),
				fmt.Sprintf("Rule that bounces mail to the sender, %s.", cond(false)))
		}
		if slices.Contains(eff, "unreadable") {
			add(SigRuleUnreadable, Medium, "Script de filtrage que Vigie ne sait pas lire ("+r.When+") : à examiner à la main.",
				"Filter script Vigie cannot read ("+r.When+"): examine it by hand.")
		}
	}
	return out
}

// AuditResult is the audit of one mailbox.
type AuditResult struct {
	Mailbox  string    `json:"mailbox"`
	Rules    int       `json:"rules"`
	Findings []Finding `json:"findings"`
	Fixed    []string  `json:"fixed,omitempty"` // what --fix did, in French
	Err      string    `json:"error,omitempty"` // not read, or not wholly when Rules > 0
}

// AuditRequest audits mailboxes and disables the rules named in Fix.
type AuditRequest struct {
	Incident   int64
	Mailboxes  []string
	OwnDomains []string
	Fix        []string // rule ids to disable (the admin's selection)
	By         string
	// Keep stores a selected rule that cannot be disabled in the
	// incident (its evidence) and returns the stored file's SHA-256:
	// the definition the admin needs to handle it by hand, and to put it
	// back if a person deletes it wrongly. nil: kept in the journal only.
	Keep func(ctx context.Context, name string, data []byte) (string, error)
}

// MaxJournalDefinition bounds a rule's definition quoted in the journal
// (the whole of it goes to the incident's evidence).
const MaxJournalDefinition = 2000

// Audit reads each mailbox's rules, assesses them and disables the rules
// the admin named, journaling each change.
func (r *Remediator) Audit(ctx context.Context, req AuditRequest) []AuditResult {
	r.defaults()
	run := newRun(r.Now())
	out := make([]AuditResult, len(req.Mailboxes))
	r.each(ctx, len(req.Mailboxes), func(i int) {
		out[i] = r.auditOne(ctx, run, req, req.Mailboxes[i])
	})
	return out
}

func (r *Remediator) auditOne(ctx context.Context, run string, req AuditRequest, box string) AuditResult {
	res := AuditResult{Mailbox: box}
	s, err := r.Connector.Open(ctx, box)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer s.Close()
	rules, err := s.Rules(ctx)
	if err != nil {
		// What was read before the error is still assessed (Gmail's
		// filters when the Admin SDK refuses), the mailbox reported as
		// not wholly read.
		res.Err = err.Error()
		if len(rules) == 0 {
			return res
		}
	}
	res.Rules = len(rules)
	res.Findings = Assess(box, rules, req.OwnDomains)
	for _, id := range req.Fix {
		i := slices.IndexFunc(rules, func(x Rule) bool { return x.ID == id })
		if i < 0 {
			continue
		}
		rule := rules[i]
		if !rule.Enabled {
			res.Fixed = append(res.Fixed, fmt.Sprintf("%s : inactive (désactivée ou non vérifiée) — rien à faire", id))
			continue
		}
		if !rule.Fixable {
			res.Fixed = append(res.Fixed, r.leave(ctx, run, req, box, rule))
			continue
		}
		said, err := s.Disable(ctx, rule)
		status, detail := StatusDone, said
		if err != nil {
			status, detail = StatusFailed, err.Error()
			said = fmt.Sprintf("%s : ÉCHEC de la désactivation — %v", id, err)
		}
		res.Fixed = append(res.Fixed, said)
		r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindDisable, Mailbox: box,
			Ref: id, Status: status, Detail: detail}, false)
		r.journal(ctx, req.Incident, req.By, journal.Action, []string{box},
			fmt.Sprintf("Audit de la boîte %s : règle %s (%s, %s) — %s.", box, id, strings.Join(rule.Effects, "+"), strings.Join(rule.Targets, ", "), said))
	}
	return res
}

// leave records a selected rule Vigie does not disable because the system
// can only delete it: the ledger and the journal say so and why, and the
// rule's definition is kept in the incident for the person who handles it.
func (r *Remediator) leave(ctx context.Context, run string, req AuditRequest, box string, rule Rule) string {
	why, _ := rule.NoFix()
	said := fmt.Sprintf("%s : non désactivable par Vigie (%s) — laissé en place, à traiter à la main ; Vigie ne supprime rien", rule.ID, why)
	kept := ""
	if req.Keep != nil && req.Incident != 0 {
		export, _ := json.MarshalIndent(struct {
			Mailbox   string    `json:"mailbox"`
			Connector string    `json:"connector"`
			Exported  time.Time `json:"exported_at"`
			Rule      Rule      `json:"rule"`
		}{box, r.Connector.Name(), r.Now().UTC(), rule}, "", "  ")
		sum, err := req.Keep(ctx, "regle-"+fileSafe(box)+"-"+fileSafe(rule.ID)+".json", export)
		if err != nil {
			kept = fmt.Sprintf(" ; définition NON gardée dans les preuves : %v", err)
		} else {
			kept = " ; définition gardée dans les preuves de l'incident (sha256 " + sum + ")"
		}
	}
	said += kept
	r.record(ctx, Action{IncidentID: req.Incident, Run: run, Actor: req.By, Kind: KindDisable, Mailbox: box,
		Ref: rule.ID, Status: StatusManual, Detail: said}, false)
	def := strings.Join(strings.Fields(rule.Text), " ")
	if len(def) > MaxJournalDefinition {
		def = def[:MaxJournalDefinition] + "…"
	}
	if def == "" {
		def = strings.Join(rule.Targets, ", ")
	}
	r.journal(ctx, req.Incident, req.By, journal.Decision, []string{box},
		fmt.Sprintf("Audit de la boîte %s : règle %s (%s) sélectionnée pour désactivation mais laissée en place — %s%s. Définition : %s",
			box, rule.ID, rule.Source, why, kept, def))
	return said
}

// fileSafe keeps the letters, digits and -._@ of s for a file name.
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._@", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}
