package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
)

// The warnings never quote the incident's title (an internal label that
// may name people or suspicions); what they quote from the attacker (the
// Subject, the sender) is put on one neutral line.
var warningSources = map[string]string{
	"fr": `Objet : [Alerte sécurité] Courriel frauduleux en circulation

Bonjour,

Un courriel frauduleux circule dans l'établissement et a été distribué dans votre boîte aux lettres.
{{if .Subject}}Son objet : « {{.Subject}} »
{{end}}{{if .From}}Il se présente comme venant de : {{.From}}
{{end}}
C'est une tentative d'hameçonnage : elle cherche à obtenir vos identifiants ou à déclencher un paiement.

Ce qu'il faut faire :
  - ne cliquez sur aucun lien et n'ouvrez aucune pièce jointe de ce message ;
  - ne répondez pas à l'expéditeur ;
  - supprimez-le.
{{if .Hosts}}
Les liens de ce message mènent vers : {{.Hosts}} (adresse neutralisée, ne pas la recopier).
{{end}}
Si vous avez cliqué ou saisi votre mot de passe, ce n'est pas une faute : prévenez tout de suite le service informatique{{if .Contact}} ({{.Contact}}){{end}}, qui changera votre mot de passe et vérifiera votre compte. Plus tôt nous sommes prévenus, moins l'attaque a d'effet.

Nos services ne vous demanderont jamais votre mot de passe par courriel.

{{if .Signature}}{{.Signature}}{{else}}Le service informatique{{end}}
(référence {{.ID}})
`,
	"en": `Subject: [Security alert] Fraudulent e-mail going round

Hello,

A fraudulent e-mail is going round our organisation and was delivered to your mailbox.
{{if .Subject}}Its subject: "{{.Subject}}"
{{end}}{{if .From}}It claims to come from: {{.From}}
{{end}}
It is a phishing attempt: it wants your password or a payment.

What to do:
  - do not click any link or open any attachment of this message;
  - do not reply to the sender;
  - delete it.
{{if .Hosts}}
Its links lead to: {{.Hosts}} (address defanged, do not copy it).
{{end}}
If you clicked or typed your password, it is not your fault: tell the IT department at once{{if .Contact}} ({{.Contact}}){{end}}; they will change your password and check your account. The sooner we know, the less harm is done.

We will never ask for your password by e-mail.

{{if .Signature}}{{.Signature}}{{else}}The IT department{{end}}
(reference {{.ID}})
`,
}

var correspondentSources = map[string]string{
	"fr": `Objet : [Alerte sécurité] Messages reçus de {{.Account}}

Bonjour,

Le compte de messagerie {{.Account}} de notre établissement a été utilisé par un tiers malveillant ; nous l'avons constaté le {{.Aware}}.
Vous faites partie des personnes à qui ce compte a écrit récemment{{if .Since}} (depuis le {{.Since}}){{end}}.

Si vous avez reçu de cette adresse un message inattendu — lien vers un document à consulter, pièce jointe, demande de paiement, changement de coordonnées bancaires, demande d'identifiants :
  - ne cliquez pas, n'ouvrez pas la pièce jointe et ne donnez suite à aucune demande ;
  - ne répondez pas au message : contactez-nous par un autre moyen{{if .Contact}} ({{.Contact}}){{end}} ;
  - si vous avez déjà cliqué, saisi un mot de passe ou effectué un paiement, prévenez votre service informatique ou votre banque sans attendre.

Le compte a été sécurisé. Nous vous prions de nous excuser pour la gêne occasionnée.

{{if .Signature}}{{.Signature}}{{else}}Le service informatique{{end}}
(référence {{.ID}})
`,
	"en": `Subject: [Security alert] Messages received from {{.Account}}

Hello,

The mailbox {{.Account}} of our organisation was used by a malicious third party; we found out on {{.Aware}}.
You are one of the people this account wrote to recently{{if .Since}} (since {{.Since}}){{end}}.

If you received an unexpected message from this address — a link to a document, an attachment, a payment request, new bank details, a request for credentials:
  - do not click, do not open the attachment and do not act on any request;
  - do not reply to the message: contact us another way{{if .Contact}} ({{.Contact}}){{end}};
  - if you already clicked, typed a password or made a payment, tell your IT department or your bank at once.

The account has been secured. We apologise for the inconvenience.

{{if .Signature}}{{.Signature}}{{else}}The IT department{{end}}
(reference {{.ID}})
`,
}

var (
	warningTemplates      = parseAll("warning", warningSources)
	correspondentTemplate = parseAll("correspondents", correspondentSources)
)

func parseAll(name string, src map[string]string) map[string]*texttemplate.Template {
	out := map[string]*texttemplate.Template{}
	for lang, s := range src {
		out[lang] = texttemplate.Must(texttemplate.New(name + "-" + lang).Parse(s))
	}
	return out
}

func pick(m map[string]*texttemplate.Template, lang string) *texttemplate.Template {
	if t, ok := m[lang]; ok {
		return t
	}
	return m["fr"]
}

// WarningOptions personalise the user warnings.
type WarningOptions struct {
	Contact   string // how to reach the help desk
	Signature string
	Lang      string // fr (default) or en
}

// neutral puts attacker text on one line without control characters.
func neutral(s string) string { return journal.Printable(oneLine(s)) }

// Warning writes the message sent to the users who received the campaign
// (the retro-hunt's "to warn" list, CERT Santé fiche: alerting the
// recipients): what arrived — the reported message's own subject and
// sender, never the incident's title —, what not to do, and to report at
// once if they clicked, without blame, so they do.
func Warning(w io.Writer, c incident.Case, o WarningOptions) error {
	d := struct {
		ID                   int64
		Subject, From, Hosts string
		Contact, Signature   string
	}{ID: c.Incident.ID, Contact: o.Contact, Signature: o.Signature}
	var hosts []string
	for _, ind := range c.Indicators {
		switch {
		case ind.Kind == incident.KindEmail && ind.Origin == "From" && d.From == "":
			d.From = neutral(ind.Value)
		case ind.Kind == incident.KindHost && !slices.Contains(hosts, ind.Value):
			hosts = append(hosts, strings.ReplaceAll(ind.Value, ".", "[.]"))
		}
	}
	d.Hosts = neutral(strings.Join(hosts, ", "))
	for _, e := range c.Evidence {
		if incident.IsReportedMessage(e.MediaType) && e.Subject != "" {
			d.Subject = neutral(e.Subject)
			break
		}
	}
	if err := pick(warningTemplates, o.Lang).Execute(w, d); err != nil {
		return fmt.Errorf("report: warning: %w", err)
	}
	return nil
}

// CorrespondentWarning writes the message to the people a compromised
// account wrote to (InterCERT fiche, action 4.b): the account, not a
// campaign subject, is what they must distrust. The recipients are listed
// before the message, for the sender to paste.
func CorrespondentWarning(w io.Writer, c incident.Case, account string, correspondents []string, since time.Time, o WarningOptions) error {
	if account == "" {
		if len(c.Incident.Accounts) != 1 {
			return &reportError{en: "warning-correspondents: give the compromised account (--account)",
				fr: "avertissement des correspondants : indiquez le compte compromis (--account)"}
		}
		account = c.Incident.Accounts[0]
	}
	d := struct {
		ID                    int64
		Account, Aware, Since string
		Contact, Signature    string
	}{ID: c.Incident.ID, Account: neutral(account), Aware: journal.Paris(c.Incident.AwareAt).Format("02/01/2006 15:04"),
		Contact: o.Contact, Signature: o.Signature}
	if !since.IsZero() {
		d.Since = journal.Paris(since).Format("02/01/2006")
	}
	if o.Lang == "en" {
		fmt.Fprintf(w, "Recipients (%d): %s\n\n", len(correspondents), neutral(strings.Join(correspondents, ", ")))
	} else {
		fmt.Fprintf(w, "Destinataires (%d) : %s\n\n", len(correspondents), neutral(strings.Join(correspondents, ", ")))
	}
	if err := pick(correspondentTemplate, o.Lang).Execute(w, d); err != nil {
		return fmt.Errorf("report: correspondents warning: %w", err)
	}
	return nil
}

// AccountingAlert writes the alert to the accounting and purchasing teams
// that a Chorus Pro lure calls for: the campaign aims at invoice payments
// and supplier bank details, so recent changes of bank details and the
// payments made since are checked by calling the supplier back on a
// number already known (MailSecure write-up on Chorus Pro phishing:
// credential theft, bank-detail substitution, fake payment urgency).
func AccountingAlert(w io.Writer, c incident.Case, now time.Time, o WarningOptions) error {
	since := journal.Paris(c.Incident.AwareAt.AddDate(0, 0, -30)).Format("02/01/2006")
	var hosts []string
	for _, ind := range c.Indicators {
		if ind.Kind == incident.KindHost && !slices.Contains(hosts, ind.Value) {
			hosts = append(hosts, strings.ReplaceAll(ind.Value, ".", "[.]"))
		}
	}
	fake := neutral(strings.Join(hosts, ", "))
	if o.Lang == "en" {
		fmt.Fprintf(w, `Subject: [Security alert] Fake Chorus Pro invoices — check bank details and payments

Hello,

A phishing campaign imitating Chorus Pro (fake invoice or notification) reached our organisation. It aims at the accounting and purchasing teams: stealing Chorus Pro credentials, substituting a supplier's bank details, pressing for an urgent payment.

Please, today:
  1. list the changes of supplier bank details (RIB/IBAN) received or made since %s, and confirm each by calling the supplier on a number you already had — never one given in the message;
  2. check the payments made since %s to bank details changed recently, and tell us about any doubt so the bank can try to recall the transfer;
  3. reach Chorus Pro only by typing chorus-pro.gouv.fr yourself, never through a link in a message;
  4. forward any similar message to the IT department%s, without clicking.
%s
%s
(reference %d)
`, since, since, paren(o.Contact), hostsLine(fake, "This campaign's fake portal: %s (defanged).\n"), signature(o, "The IT department"), c.Incident.ID)
		return nil
	}
	fmt.Fprintf(w, `Objet : [Alerte sécurité] Fausses factures Chorus Pro — vérifier RIB et paiements

Bonjour,

Une campagne d'hameçonnage imitant Chorus Pro (fausse facture ou notification) a atteint l'établissement. Elle vise la comptabilité et les achats : vol des identifiants Chorus Pro, substitution des coordonnées bancaires d'un fournisseur, demande de paiement pressante.

Merci, dès aujourd'hui :
  1. de relever les changements de coordonnées bancaires (RIB/IBAN) de fournisseurs reçus ou saisis depuis le %s, et de confirmer chacun par un appel au fournisseur sur un numéro déjà connu — jamais celui donné dans le message ;
  2. de vérifier les paiements émis depuis le %s vers des coordonnées modifiées récemment, et de nous signaler tout doute pour que la banque tente un rappel du virement ;
  3. de n'accéder à Chorus Pro qu'en tapant vous-même chorus-pro.gouv.fr, jamais par un lien reçu ;
  4. de transférer tout message semblable au service informatique%s, sans cliquer.
%s
%s
(référence %d)
`, since, since, paren(o.Contact), hostsLine(fake, "Faux portail de cette campagne : %s (adresse neutralisée).\n"), signature(o, "Le service informatique"), c.Incident.ID)
	return nil
}

func hostsLine(hosts, format string) string {
	if hosts == "" {
		return ""
	}
	return "\n" + fmt.Sprintf(format, hosts)
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func signature(o WarningOptions, def string) string {
	if o.Signature != "" {
		return o.Signature
	}
	return def
}
