// Package hunt looks for the traces of a mailbox compromise in normalised log
// events (internal/logs): who clicked an incident's link, who signed in from the
// attacker's addresses, unusual sign-ins (new country or network, impossible
// travel, odd hours, failures then success, MFA fatigue), inbox rules and mailbox
// settings that forward or hide mail, delegations, OAuth consents and outbound
// mail spikes — measures 6 to 8 of the InterCERT "compromission de messagerie"
// fiche. Each finding has a stable ID, a severity, the user, the evidence lines
// and an explanation in French and English. The package also holds the fast
// indicator sweep over raw log files (Sweep).
package hunt

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Severity orders findings.
type Severity int

const (
	Low Severity = iota + 1
	Medium
	High
)

func (s Severity) String() string {
	switch s {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return "info"
}

// MarshalText makes JSON output readable.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding IDs: stable names used in docs, config, incident journals and the UI.
const (
	IOCURLClick        = "HUNT_IOC_URL_CLICK"
	IOCLogHit          = "HUNT_IOC_LOG_HIT"
	SignInIOCIP        = "HUNT_SIGNIN_IOC_IP"
	ImpossibleTravel   = "HUNT_IMPOSSIBLE_TRAVEL"
	NewCountry         = "HUNT_NEW_COUNTRY"
	NewASN             = "HUNT_NEW_ASN"
	UnusualHour        = "HUNT_UNUSUAL_HOUR"
	FailThenSuccess    = "HUNT_FAIL_THEN_SUCCESS"
	MFAFatigue         = "HUNT_MFA_FATIGUE"
	InboxRuleForward   = "HUNT_INBOX_RULE_FORWARD"
	InboxRuleDelete    = "HUNT_INBOX_RULE_DELETE"
	InboxRuleMarkRead  = "HUNT_INBOX_RULE_MARKREAD"
	InboxRuleMove      = "HUNT_INBOX_RULE_MOVE"
	InboxRuleShortName = "HUNT_INBOX_RULE_SHORTNAME"
	MailboxForwarding  = "HUNT_MAILBOX_FORWARDING"
	Delegation         = "HUNT_DELEGATION"
	OAuthConsent       = "HUNT_OAUTH_CONSENT"
	OutboundSpike      = "HUNT_OUTBOUND_SPIKE"
)

// explanations holds, per ID, the French and English text; %s is the detail.
var explanations = map[string][2]string{
	IOCURLClick:        {"Accès à une URL ou un domaine de l'incident (%s) : ce poste ou cet utilisateur a probablement cliqué sur le lien ; une requête POST laisse penser que des identifiants ont été saisis (fiche InterCERT, mesure 6).", "Request to an incident URL or domain (%s): this machine or user probably clicked the link; a POST suggests credentials were submitted (InterCERT fiche, measure 6)."},
	IOCLogHit:          {"Un indicateur de l'incident apparaît dans les journaux (%s).", "An incident indicator appears in the logs (%s)."},
	SignInIOCIP:        {"Connexion depuis une adresse IP de l'attaquant (%s) ; si elle a réussi, le compte est compromis : réinitialiser le mot de passe et révoquer les sessions (mesure 7).", "Sign-in from an attacker IP address (%s); if it succeeded the account is compromised: reset the password and revoke sessions (measure 7)."},
	ImpossibleTravel:   {"Deux connexions réussies trop éloignées pour le temps écoulé (%s) : l'une des deux vient probablement d'un tiers.", "Two successful sign-ins too far apart for the time between them (%s): one of them is probably someone else."},
	NewCountry:         {"Connexion réussie depuis un pays jamais vu pour cet utilisateur pendant la période de référence (%s).", "Successful sign-in from a country not seen for this user during the baseline (%s)."},
	NewASN:             {"Connexion réussie depuis un réseau (AS) jamais vu pour cet utilisateur pendant la période de référence (%s).", "Successful sign-in from a network (AS) not seen for this user during the baseline (%s)."},
	UnusualHour:        {"Connexion réussie à une heure inhabituelle pour cet utilisateur (%s, heure de Paris).", "Successful sign-in at an hour unusual for this user (%s, Paris time)."},
	FailThenSuccess:    {"Série d'échecs d'authentification suivie d'une réussite (%s) : mot de passe deviné ou obtenu.", "A burst of failed sign-ins followed by a success (%s): a guessed or stolen password."},
	MFAFatigue:         {"Refus ou absence de réponse répétés au second facteur (%s) : bombardement de notifications MFA, le mot de passe est connu de l'attaquant.", "Repeated MFA denials or unanswered prompts (%s): push fatigue, the attacker knows the password."},
	InboxRuleForward:   {"Règle de boîte de réception qui transfère le courrier hors de l'organisation (%s) (mesure 8).", "Inbox rule forwarding mail outside the organisation (%s) (measure 8)."},
	InboxRuleDelete:    {"Règle de boîte de réception qui supprime des messages (%s) : l'attaquant cache souvent ainsi les réponses et alertes.", "Inbox rule deleting messages (%s): attackers use this to hide replies and alerts."},
	InboxRuleMarkRead:  {"Règle de boîte de réception qui marque des messages comme lus (%s).", "Inbox rule marking messages as read (%s)."},
	InboxRuleMove:      {"Règle qui déplace des messages vers un dossier peu consulté (%s), technique classique pour masquer le courrier.", "Rule moving mail to a rarely opened folder (%s), a classic way to hide mail."},
	InboxRuleShortName: {"Règle de boîte de réception au nom d'un ou deux caractères (%s), typique des règles créées par un attaquant.", "Inbox rule with a one- or two-character name (%s), typical of attacker-made rules."},
	MailboxForwarding:  {"Transfert de la boîte aux lettres vers une adresse externe (%s).", "Mailbox forwarding to an external address (%s)."},
	Delegation:         {"Nouvelle délégation ou permission sur une boîte aux lettres (%s) : vérifier qu'elle est légitime.", "New delegation or permission on a mailbox (%s): check it is legitimate."},
	OAuthConsent:       {"Consentement OAuth accordé à une application inconnue (%s) : elle garde l'accès même après changement du mot de passe.", "OAuth consent granted to an unknown application (%s): it keeps access even after a password change."},
	OutboundSpike:      {"Pic d'envoi de courrier depuis ce compte (%s) : compte probablement utilisé pour du spam ou du hameçonnage.", "Outbound mail spike from this account (%s): the account is probably sending spam or phishing."},
}

// IDs lists every finding ID.
func IDs() []string {
	ids := make([]string, 0, len(explanations))
	for id := range explanations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// maxEvidence bounds the evidence lines kept per finding.
const maxEvidence = 20

// Finding is one detection.
type Finding struct {
	ID       string        `json:"id"`
	Severity Severity      `json:"severity"`
	User     string        `json:"user"`
	Time     time.Time     `json:"time"` // first event, UTC
	Detail   string        `json:"detail"`
	Evidence []logs.Source `json:"evidence"`
	// Count is how many events the finding groups (more than len(Evidence) when capped).
	Count     int    `json:"count"`
	Indicator string `json:"indicator,omitempty"`
	IP        string `json:"ip,omitempty"`
	FR        string `json:"fr"`
	EN        string `json:"en"`
}

func newFinding(id string, sev Severity, user string, t time.Time, detail string, src ...logs.Source) *Finding {
	f := &Finding{ID: id, Severity: sev, User: user, Time: t, Detail: detail, Count: 1}
	f.addEvidence(src...)
	f.explain()
	return f
}

func (f *Finding) explain() {
	e := explanations[f.ID]
	f.FR = fmt.Sprintf(e[0], f.Detail)
	f.EN = fmt.Sprintf(e[1], f.Detail)
}

func (f *Finding) addEvidence(src ...logs.Source) {
	for _, s := range src {
		if len(f.Evidence) < maxEvidence && s.File != "" {
			f.Evidence = append(f.Evidence, s)
		}
	}
}

// Sort orders findings by severity (highest first), then time, ID and user.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.User < b.User
	})
}

// Users returns the distinct users of findings, for a caller that records them
// in an incident.
func Users(fs []Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		u := strings.ToLower(f.User)
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// UnmarshalText reads what MarshalText writes.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*s = Low
	case "medium":
		*s = Medium
	case "high":
		*s = High
	default:
		return fmt.Errorf("hunt: unknown severity %q", b)
	}
	return nil
}
