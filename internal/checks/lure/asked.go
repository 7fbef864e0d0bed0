package lure

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// askWords are the verbs that ask the reader for what follows them, as
// textmatch.Normalize reads them: the imperative and the infinitive of
// the French requests ("saisissez", "veuillez confirmer", "merci de
// renseigner") and the English ones ("enter", "confirm", "re-enter" read
// as "re enter"). The credential-phishing family as Cybermalveillance.gouv.fr's
// fiche on hameçonnage and CERT-FR's alerts describe it is this ask: the
// message asks the reader to type the mailbox password, or to confirm,
// verify, update or use it. "Mettre à jour", "connectez-vous avec" and
// "log in with" are read by askedIn.
var askWords = map[string]bool{
	"saisir": true, "saisissez": true, "resaisir": true, "ressaisir": true, "ressaisissez": true,
	"entrer": true, "entrez": true, "confirmer": true, "confirmez": true,
	"valider": true, "validez": true, "verifier": true, "verifiez": true,
	"indiquer": true, "indiquez": true, "communiquer": true, "communiquez": true,
	"fournir": true, "fournissez": true, "renseigner": true, "renseignez": true,
	"taper": true, "tapez": true, "utiliser": true, "utilisez": true,
	// The gerund of the request: "merci de nous répondre en indiquant
	// l'adresse et le mot de passe de votre messagerie".
	"saisissant": true, "entrant": true, "confirmant": true, "validant": true,
	"verifiant": true, "indiquant": true, "communiquant": true, "fournissant": true,
	"renseignant": true, "tapant": true, "utilisant": true,
	"enter": true, "confirm": true, "verify": true, "provide": true, "type": true,
	"reenter": true, "update": true, "submit": true, "use": true,
	"entering": true, "confirming": true, "verifying": true, "providing": true,
	"typing": true, "submitting": true, "updating": true,
}

// askedIn reports whether the normalised words hold an ask (askWords),
// "mettre/mettez à jour", or the sign-in that names the password to
// type: "identifiez-vous" or "connectez-vous" with "avec" after it in the
// sentence, "log in", "sign in" or "login" with "with" after it. An ask
// verb right after a negation is the awareness reminder's warning, not an
// ask ("never enter your network username and password on a page reached
// from a link", "ne saisissez jamais", "n'entrez jamais", "do not
// enter", "don't enter"), as calledIn reads "ne cliquez pas".
func askedIn(words []string) bool {
	for i, w := range words {
		if askWords[w] && !negatedAt(words, i) {
			return true
		}
		switch w {
		case "mettre", "mettez":
			if i+2 < len(words) && words[i+1] == "a" && words[i+2] == "jour" {
				return true
			}
		case "identifiez", "identifier", "connectez", "connecter", "authentifiez", "authentifier":
			// "identifiez-vous avec votre adresse et votre mot de passe",
			// "connectez-vous à votre espace avec le mot de passe de
			// votre messagerie".
			if slices.Contains(words[i+1:], "avec") {
				return true
			}
		case "log", "sign":
			if i+1 < len(words) && words[i+1] == "in" && slices.Contains(words[i+2:], "with") {
				return true
			}
		case "login", "signin":
			if slices.Contains(words[i+1:], "with") {
				return true
			}
		}
	}
	return false
}

// unasked removes from distinct the password-request phrases that name
// the mailbox password without asking it: a hosting provider's "le mot de
// passe de messagerie de la boîte … a été modifié", a provider's "votre
// adresse et votre mot de passe de messagerie restent les mêmes" are the
// providers' own statements, and the catalogue's five words cannot tell
// them from the kit's "confirmez votre mot de passe de messagerie". A
// phrase counts when its own words ask ("verify your master password"),
// when a sentence that holds it asks (askedIn), or when the message's
// HTML holds a password field to fill in; and it is let go only in a
// sentence that states the password's state (statedIn: changed, the
// same, never asked). A phrase the matcher found in
// no sentence read here (its words broken across a line the matcher
// reads through) still counts.
func (c *Check) unasked(in *scan.Input, distinct map[phrase]int, body, subject string) {
	if c.passwordRequest < 0 {
		return
	}
	var bare []phrase
	for p := range distinct {
		if p.theme == c.passwordRequest && p.id >= 0 && !askedIn(strings.Fields(textmatch.Normalize(c.entries[p.id].Text))) {
			bare = append(bare, p)
		}
	}
	if len(bare) == 0 || passwordField(in.Msg.HTML) {
		return
	}
	seen := map[int]bool{}   // phrases met in some sentence
	counts := map[int]bool{} // phrases met in a sentence that asks or states nothing
	calls := false           // some sentence asks or calls the reader to act
	read := func(text string) {
		for _, s := range sentences(text) {
			var in []int
			c.dict.Find(s, 0, func(p phrase) bool {
				if p.theme == c.passwordRequest {
					in = append(in, p.id)
				}
				return true
			})
			if len(in) == 0 {
				if !calls {
					words := strings.Fields(textmatch.Normalize(s))
					calls = askedIn(words) || calledIn(words)
				}
				continue
			}
			words := strings.Fields(textmatch.Normalize(s))
			count := askedIn(words) || !statedIn(words)
			for _, id := range in {
				seen[id] = true
				counts[id] = counts[id] || count
			}
		}
	}
	read(subject)
	read(body)
	read(in.Msg.FromAddr().Name)
	for _, a := range in.Msg.ImageAlts {
		read(a)
	}
	// The kit's copy of a provider's "your mailbox password was changed"
	// keeps the statement and asks in the next sentence ("if this wasn't
	// you, sign in to secure your account", "si vous n'êtes pas à
	// l'origine de cette modification, cliquez ici") — towards its own
	// page. The provider's notice sends its reader to its own site
	// (Gandi's interface and helpdesk on gandi.net, Orange's assistance on
	// orange.fr: testdata/hebergeur); a statement beside an ask leading
	// off the sender's domain (leadsOutside) is not let go, nor one
	// beside an ask from a sender whose name is not known (no top site):
	// the kit's look-alike owns the page it links to as well.
	if calls && (leadsOutside(in) || !in.TopSite(in.FromOrg)) {
		return
	}
	for _, p := range bare {
		if seen[p.id] && !counts[p.id] {
			delete(distinct, p)
		}
	}
}

// callWords call the reader to act on the link of an account notice:
// click it, sign in, secure or protect the account, cancel the change
// ("cliquez ici", "connectez-vous", "sécurisez votre compte", "sign in to
// secure your account", "annulez la modification"). Read by calledIn, in
// sentences that do not name the mailbox password, only to keep a
// statement's phrase when the message leads elsewhere (unasked).
var callWords = map[string]bool{
	"cliquez": true, "cliquer": true, "connectez": true, "connecter": true, "identifiez": true,
	"securisez": true, "securiser": true, "protegez": true, "proteger": true,
	"annulez": true, "annuler": true, "bloquez": true, "bloquer": true,
	"click": true, "tap": true, "secure": true, "protect": true, "cancel": true,
	"login": true, "signin": true,
}

// calledIn reports a sentence that calls the reader to act (callWords,
// "sign in", "log in"), not one that warns against it ("ne cliquez pas",
// "don't click").
func calledIn(words []string) bool {
	for i, w := range words {
		if negatedAt(words, i) {
			continue // "ne cliquez pas", "don't click"
		}
		if callWords[w] {
			return true
		}
		if (w == "sign" || w == "log") && i+1 < len(words) && words[i+1] == "in" {
			return true
		}
	}
	return false
}

// negatedAt reports a word right after a negation: "ne", "n'", "don't"
// (Normalize reads "don t"), "not", "never".
func negatedAt(words []string, i int) bool {
	if i == 0 {
		return false
	}
	switch words[i-1] {
	case "ne", "n", "t", "not", "never":
		return true
	}
	return false
}

// stateWords mark a sentence that reports the mailbox password's state
// rather than its deadline: it was changed ("a été modifié", "changed",
// the subject's "Modification du mot de passe"), it stays the same
// ("restent les mêmes", "inchangé", "remains"), or it will never be asked
// ("ne vous demandera jamais", "never"). Only such a sentence, when it
// asks nothing, lets a bare phrase go: a kit's "Votre mot de passe de
// messagerie expire aujourd'hui." above a "Conserver" button, its
// subject "Mot de passe de messagerie expiré", a bullet "votre mot de
// passe de messagerie" under "munissez-vous de", a typo'd ask ("veuillez
// confirmé") or "reply with your mailbox password" state none of these
// and still count (review4: each had fallen from quarantine to tag or
// accept under one trust or both).
var stateWords = map[string]bool{
	"modifie": true, "modifiee": true, "modification": true, "change": true, "changee": true,
	"reinitialise": true, "reinitialisation": true, "reste": true, "restent": true, "restera": true,
	"inchange": true, "inchanges": true, "jamais": true,
	"changed": true, "unchanged": true, "remains": true, "remain": true, "never": true,
}

// statedIn reports a sentence that reports the password's state
// (stateWords), or warns against an ask ("do not enter": negatedAt).
func statedIn(words []string) bool {
	for i, w := range words {
		if stateWords[w] || askWords[w] && negatedAt(words, i) {
			return true
		}
	}
	return false
}

// sentences cuts text at the end of its sentences: a full stop, question
// or exclamation mark, or semicolon followed by a space or the end, and a
// blank line. A colon does not end one ("votre mot de passe expire :
// confirmez-le ici" is one ask).
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '.', '!', '?', ';':
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\r' || text[i+1] == '\t' {
				out = append(out, text[start:i+1])
				start = i + 1
			}
		case '\n':
			j := i + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j < len(text) && text[j] == '\n' {
				out = append(out, text[start:i])
				start = j
			}
		}
	}
	return append(out, text[start:])
}

// passwordField reports an HTML input whose tag names a password: the
// form that asks it in the message itself.
func passwordField(html string) bool {
	for rest := html; ; {
		i := strings.Index(rest, "<")
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
		if len(rest) < 5 || !strings.EqualFold(rest[:5], "input") {
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			end = len(rest)
		}
		if strings.Contains(strings.ToLower(rest[:min(end, 400)]), "password") {
			return true
		}
	}
}
