package lure

import (
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/textmatch"
)

// Boilerplate that legitimate mail appends uses the words of fraud: the
// confidentiality notice of every corporate and hospital signature asks to
// "avertir immédiatement l'expéditeur", a bank's anti-phishing reminder
// says what it will "never ask", a legal footer lists the reader's rights.
// A lure phrase inside such a block is not a lure. The blocks are
// recognised by their own fixed wording, written for Vigie from what the
// public guidance asks those notices to say — the CNIL's guidance on the
// information notice of the RGPD (articles 13 and 14: the rights of access,
// rectification and objection, the data protection officer), the banks'
// and the Fédération bancaire française's security pages and
// Cybermalveillance.gouv.fr's hameçonnage fiche ("votre banque ne vous
// demandera jamais vos codes"), the FTC's and the large providers' help on
// phishing ("we will never ask for your password") — not copied from any
// project or message.
//
// What a phisher could do with it: wrap the lure in a fake disclaimer. So
// the exemption is one sentence at a time, only the sentence that holds the
// disclaimer's wording, never one that also holds a link or a call to
// action not under a negation ("ne cliquez jamais sur un lien" is the
// disclaimer; "ce message est confidentiel, cliquez ici" is not), never a
// long one, only in the second half of the text, its last 2,500 bytes or
// after a signature or quotation mark, and at most a few sentences
// (disclaimerMaxSentences, disclaimerMaxBytes) counted from the end. The
// phish keeps its links and its other sentences, which the other families
// read.

// disclaimerThemes are the themes whose words a disclaimer uses: the
// notice to act at once ("avertir immédiatement l'expéditeur", "sofort"),
// the request it says will never come (credentials, an account or an
// identity to verify, a password, bank details), the legal consequences of
// misuse ("poursuites judiciaires"). A crypto wallet's "we will never ask
// for your recovery phrase" is the wallet's own wording and its phishing's
// alike: the other themes always count, as does the unsubscribe footer,
// which is judged for what it is.
var disclaimerThemes = map[string]bool{
	"urgency": true, "credentials": true, "verify_identity": true, "password_expiry": true,
	"account_suspension": true, "bank_details": true, "legal_threat": true,
}

// disclaimerMarkers are the fixed wordings, grouped by kind of block for
// the reader: every kind is treated alike.
var disclaimerMarkers = map[string][]string{
	// The confidentiality notice: the message and its attachments are
	// confidential, intended for their addressees; received in error,
	// tell the sender and delete it.
	"confidentiality": {
		"ce message et ses pieces", "ce courriel et ses pieces", "ce message et toutes",
		"ce message est confidentiel", "ce courriel est confidentiel", "sont confidentiels et",
		"recu ce message par erreur", "recu ce courriel par erreur", "recu par erreur",
		"n etes pas le destinataire", "n etes pas destinataire", "a l usage exclusif",
		"this email and any attachments", "this e mail and any", "this message and any attachments",
		"received this email in error", "received this e mail in", "received this message in error",
		"received this in error", "not the intended recipient", "intended solely for the",
		"may contain confidential", "is confidential and", "are confidential and",
		"irrtumlich erhalten", "nicht der richtige adressat", "enthalt vertrauliche",
		"este mensaje y sus anexos", "recibido este mensaje por error", "recibido por error",
		"no es el destinatario", "mensagem e confidencial", "recebeu esta mensagem por engano",
		"recebido por engano", "nao e o destinatario", "dit bericht is vertrouwelijk",
		"niet de geadresseerde", "ten onrechte ontvangen", "per abuis ontvangen",
	},
	// The anti-phishing reminder: a negated request ("ne … jamais",
	// "never", "nie", "nunca", "nooit").
	"antiphishing": {
		"ne vous demandera jamais", "ne vous demanderons jamais", "ne vous demandons jamais",
		"ne vous demande jamais", "ne demandera jamais", "ne demandent jamais",
		"ne vous sollicitera jamais", "ne communiquez jamais", "ne transmettez jamais",
		"ne divulguez jamais", "ne cliquez jamais",
		"will never ask", "never ask you", "we never ask", "will never request",
		"never share your password", "never send you an",
		"wird sie niemals", "werden sie niemals", "fragen niemals", "geben sie niemals",
		"nunca le pedira", "nunca le pediremos", "nunca le solicitara", "nunca te pediremos",
		"nunca solicita", "nunca pedimos", "nunca ira solicitar", "nunca partilhe", "nunca compartilhe",
		"zal nooit", "vragen nooit", "deel nooit",
	},
	// The legal footer: the RGPD information notice and its rights.
	"legal": {
		"vous disposez d un droit", "droit d acces de rectification", "droit d acces et de",
		"protection des donnees", "loi informatique et libertes", "rgpd",
		"general data protection regulation", "gdpr", "data protection officer",
		"you have the right to access", "datenschutz grundverordnung", "dsgvo",
		"proteccion de datos", "lgpd",
	},
}

const (
	disclaimerMaxSentence  = 600  // bytes: a sentence, not the rest of the message
	disclaimerMaxSentences = 6    // exempt sentences, counted from the end
	disclaimerMaxBytes     = 2400 // exempt bytes in all
	disclaimerTail         = 2500 // bytes from the end that count as near it
	disclaimerMaxLinks     = 100  // links compared with a sentence
)

var disclaimerDict = func() *textmatch.Dict[struct{}] {
	d := textmatch.New[struct{}]()
	for _, ms := range disclaimerMarkers {
		for _, m := range ms {
			d.Add(m, struct{}{})
		}
	}
	return d
}()

// afterSignature are the marks after which a block is a signature's or a
// quoted message's: the signature delimiter (RFC 3676 §4.3), the quoted
// headers of Outlook and Thunderbird, a quoted line.
var afterSignature = []string{"\n-- \n", "\n--\n", "-----Original Message-----", "\nDe :", "\nDe:", "\nFrom:", "\n> ", "\n____"}

// withoutDisclaimers returns body with its disclaimer sentences cut out
// (replaced by a line break), and whether it cut any. lineBreaks says a
// line break ends a sentence (the visible text of HTML, where it stands
// for a block element); in plain text only a blank line does. links are
// the message's links, to refuse a sentence that holds one.
func withoutDisclaimers(body string, lineBreaks bool, links []message.URL) (string, bool) {
	// Only sentences near the end or after a signature are read: the
	// text is cut into sentences from there (the sentence that straddles
	// that point is not one of them).
	from := min(len(body)/2, max(0, len(body)-disclaimerTail))
	for _, m := range afterSignature {
		if i := strings.Index(body, m); i >= 0 && i < from {
			from = i
		}
	}
	spans := sentenceSpans(body[from:], lineBreaks)
	if from > 0 && len(spans) > 0 {
		spans = spans[1:]
	}
	var cut [][2]int
	total := 0
	for i := len(spans) - 1; i >= 0 && len(cut) < disclaimerMaxSentences; i-- {
		s, e := from+spans[i][0], from+spans[i][1]
		if e-s > disclaimerMaxSentence || total+e-s > disclaimerMaxBytes {
			continue
		}
		if isDisclaimer(body[s:e], links) {
			cut = append(cut, [2]int{s, e})
			total += e - s
		}
	}
	if len(cut) == 0 {
		return body, false
	}
	var b strings.Builder
	b.Grow(len(body))
	at := 0
	for i := len(cut) - 1; i >= 0; i-- {
		b.WriteString(body[at:cut[i][0]])
		b.WriteByte('\n')
		at = cut[i][1]
	}
	b.WriteString(body[at:])
	return b.String(), true
}

// isDisclaimer reports a sentence in a disclaimer's wording with neither a
// link nor a call to action outside a negation.
func isDisclaimer(s string, links []message.URL) bool {
	return disclaimerDict.Contains(s, 0) && !holdsLink(s, links) && !callToAction(s)
}

// sentenceSpans cuts text into sentences: after ".", "!", "?" or "…"
// followed by a space, at a blank line, and at every line break when
// lineBreaks. Leading and trailing spaces are left out of each span.
func sentenceSpans(text string, lineBreaks bool) [][2]int {
	var spans [][2]int
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && isSpaceByte(text[s]) {
			s++
		}
		for e > s && isSpaceByte(text[e-1]) {
			e--
		}
		if e > s {
			spans = append(spans, [2]int{s, e})
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '.', '!', '?':
			if i+1 == len(text) || isSpaceByte(text[i+1]) {
				emit(i + 1)
			}
		case '\n':
			if lineBreaks || blankLineFollows(text, i+1) {
				emit(i + 1)
			}
		case 0xE2: // "…" is E2 80 A6
			if strings.HasPrefix(text[i:], "…") && (i+3 == len(text) || isSpaceByte(text[i+3])) {
				emit(i + 3)
			}
		}
	}
	emit(len(text))
	return spans
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// blankLineFollows reports that the line starting at i holds only spaces.
func blankLineFollows(text string, i int) bool {
	for ; i < len(text); i++ {
		switch text[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}

// holdsLink reports a web address in the sentence, or one of the message's
// links: its address, its host, or its visible text (an HTML link's text is
// what the reader sees; a sentence inside a link's text holds the link).
func holdsLink(s string, links []message.URL) bool {
	lower := strings.ToLower(s)
	if strings.Contains(lower, "http") || strings.Contains(lower, "www.") {
		return true
	}
	sentence := strings.Join(strings.Fields(lower), " ")
	for i, u := range links {
		if i == disclaimerMaxLinks {
			break
		}
		if len(u.Raw) >= 4 && strings.Contains(s, u.Raw) || len(u.Host) >= 4 && strings.Contains(lower, u.Host) {
			return true
		}
		if t := strings.Join(strings.Fields(strings.ToLower(u.Text)), " "); len(t) >= 2 && (strings.Contains(sentence, t) || strings.Contains(t, sentence)) {
			return true
		}
	}
	return false
}

// Words of a call to action (click, sign in, the link, the button, here),
// negations, and the words after which a negation no longer holds (a new
// clause: "et", "and", "mais"…; punctuation ends one too).
var (
	ctaWords = wordSet(`cliquez cliquer clic click clicking klicken klik klikken clique clicar haga pulse pulsa toca tap
		appuyez scannez scanner scannen scan connectez connecter connect login log sign anmelden einloggen aanmelden inloggen
		identifiez accedez acceder access acesse aceda verify verifiez verifier confirm confirmez update
		lien liens link links bouton button enlace hier here ici aqui below dessous`)
	negations = wordSet(`ne n ni jamais never not nor don nie niemals nicht noch nunca no nao nooit niet`)
	// Not "e", "y", "en" (Portuguese, Spanish, Dutch "and"): in French
	// they are the "e" of "e-mail", "n'y", "en ligne".
	clauseJoins  = wordSet(`et and mais but puis then und aber dann pero luego mas depois maar dan so donc alors ensuite`)
	clausePuncts = ",;:"
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// callToAction reports a call-to-action word that no negation of its
// clause governs: "never click a link" and "ne cliquez jamais sur un lien"
// are the disclaimer's, "cliquez ici" is a call, and so is "we never ask
// for it, click here" (the comma ends the negation's clause).
func callToAction(s string) bool {
	negated := false
	var w strings.Builder
	word := func() bool {
		if w.Len() == 0 {
			return false
		}
		x := w.String()
		w.Reset()
		switch {
		case negations[x]:
			negated = true
		case clauseJoins[x]:
			negated = false
		case ctaWords[x] && !negated:
			return true
		}
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteString(textmatch.Fold(r))
		case textmatch.Invisible(r):
		default:
			if word() {
				return true
			}
			if strings.ContainsRune(clausePuncts, r) {
				negated = false
			}
		}
	}
	return word()
}
