package lure

import (
	"iter"
	"math"
	"slices"
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

// disclaimerKind is a set of kinds of disclaimer block.
type disclaimerKind uint8

const (
	kindConfidential disclaimerKind = 1 << iota // the message is confidential
	kindError                                   // received in error: tell the sender
	kindAntiPhishing                            // we will never ask
	kindLegal                                   // the RGPD information notice
	kindAll          = kindConfidential | kindError | kindAntiPhishing | kindLegal
)

// disclaimerSpares says, per theme, the kinds of disclaimer whose wording
// uses its words: the notice to the wrong addressee to act at once
// ("avertir immédiatement l'expéditeur", "sofort"), the requests the
// anti-phishing reminder says will never come (credentials, an account or
// an identity to verify, a password, bank details, billing information:
// "AOL will never ask for your password or billing information by
// e-mail", as the providers' member mail of the 2000s ended), the legal
// consequences of misuse ("poursuites judiciaires"). A phrase of the
// theme inside a sentence of another kind counts ("ce message est
// confidentiel et urgent" is no notice to a wrong addressee), and the
// other themes always count: a crypto wallet's "we will never ask for your
// recovery phrase" is the wallet's own wording and its phishing's alike
// (a training phishing message says it), and the unsubscribe footer is
// judged for what it is. No catalogue phrase is RGPD wording today: the
// legal notice spares the legal theme only.
var disclaimerSpares = map[string]disclaimerKind{
	"urgency":            kindError,
	"legal_threat":       kindConfidential | kindError | kindLegal,
	"credentials":        kindAntiPhishing,
	"click":              kindAntiPhishing,
	"verify_identity":    kindAntiPhishing,
	"password_expiry":    kindAntiPhishing,
	"password_request":   kindAntiPhishing,
	"account_suspension": kindAntiPhishing,
	"bank_details":       kindAntiPhishing,
	"bank_update":        kindAntiPhishing,
	"billing":            kindAntiPhishing,
	"delivery":           kindAntiPhishing,
}

// disclaimerMarkers are the fixed wordings of each kind of block.
var disclaimerMarkers = map[disclaimerKind][]string{
	// The confidentiality notice: the message and its attachments are
	// confidential, intended for their addressees.
	kindConfidential: {
		"ce message et ses pieces", "ce courriel et ses pieces", "ce message et toutes",
		"ce message est confidentiel", "ce courriel est confidentiel", "sont confidentiels et",
		"a l usage exclusif", "this email and any attachments", "this e mail and any",
		"this message and any attachments", "intended solely for the", "may contain confidential",
		"is confidential and", "are confidential and", "enthalt vertrauliche",
		"este mensaje y sus anexos", "mensagem e confidencial", "dit bericht is vertrouwelijk",
	},
	// Received in error, or not the addressee: tell the sender, delete it.
	kindError: {
		"recu ce message par erreur", "recu ce courriel par erreur", "recu par erreur",
		"recevez ce message par erreur", "recevez ce courriel par erreur", "recevez ce mail par erreur",
		"n etes pas le destinataire", "n etes pas destinataire",
		"received this email in error", "received this e mail in", "received this message in error",
		"received this in error", "not the intended recipient",
		"receive this email in error", "receive this message in error",
		"irrtumlich erhalten", "nicht der richtige adressat",
		"recibido este mensaje por error", "recibido por error", "no es el destinatario",
		"recebeu esta mensagem por engano", "recebido por engano", "nao e o destinatario",
		"niet de geadresseerde", "ten onrechte ontvangen", "per abuis ontvangen",
	},
	// The anti-phishing reminder: a negated request ("ne … jamais",
	// "never", "nie", "nunca", "nooit").
	kindAntiPhishing: {
		"ne vous demandera jamais", "ne vous demanderons jamais", "ne vous demandons jamais",
		"ne vous demande jamais", "ne demandera jamais", "ne demandent jamais",
		"ne vous sollicitera jamais", "ne communiquez jamais", "ne transmettez jamais",
		"ne divulguez jamais", "ne cliquez jamais",
		"will never ask", "never ask you", "we never ask", "will never request",
		"never share your password", "never send you an", "never click on links", "never click links",
		"wird sie niemals", "werden sie niemals", "fragen niemals", "geben sie niemals",
		"nunca le pedira", "nunca le pediremos", "nunca le solicitara", "nunca te pediremos",
		"nunca solicita", "nunca pedimos", "nunca ira solicitar", "nunca partilhe", "nunca compartilhe",
		"zal nooit", "vragen nooit", "deel nooit",
	},
	// The legal footer: the RGPD information notice and its rights.
	kindLegal: {
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
	disclaimerMaxTried     = 24   // sentences with the wording compared with the links
)

var disclaimerDict = func() *textmatch.Dict[disclaimerKind] {
	d := textmatch.New[disclaimerKind]()
	for kind, ms := range disclaimerMarkers {
		for _, m := range ms {
			d.Add(m, kind)
		}
	}
	return d
}()

// afterSignature are the marks after which a block is a signature's or a
// quoted message's: the signature delimiter (RFC 3676 §4.3), the quoted
// headers of Outlook and Thunderbird, a quoted line.
var afterSignature = []string{"\n-- \n", "\n--\n", "-----Original Message-----", "\nDe :", "\nDe:", "\nFrom:", "\n> ", "\n____"}

// disclaimer is a sentence of a disclaimer: where it is, of which kinds,
// and, when it is an anti-phishing reminder, its clauses that no negation
// governs (openClauses), which the reminder does not spare.
type disclaimer struct {
	start, end int
	kinds      disclaimerKind
	open       [][2]int
}

// disclaimers finds the disclaimer sentences of body, last first.
// lineBreaks says a line break ends a sentence (the visible text of HTML,
// where it stands for a block element); in plain text only a blank line
// does. links are the message's links, to refuse a sentence that holds
// one.
func disclaimers(body string, lineBreaks bool, links []message.URL) []disclaimer {
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
	var found []disclaimer
	total, tried := 0, 0
	for i := len(spans) - 1; i >= 0 && len(found) < disclaimerMaxSentences && tried < disclaimerMaxTried; i-- {
		s, e := from+spans[i][0], from+spans[i][1]
		if e-s > disclaimerMaxSentence || total+e-s > disclaimerMaxBytes {
			continue
		}
		kinds := disclaimerWording(body[s:e])
		if kinds&kindAntiPhishing != 0 && namesAmount(body[s:e]) {
			// "Nous ne vous demanderons jamais d'autres frais que les
			// 1,99 EUR de réexpédition": a reminder of what will never be
			// asked names no sum; a lure worded as one names the sum due.
			kinds &^= kindAntiPhishing
		}
		if kinds == 0 {
			continue
		}
		// Each sentence with the wording is compared with every link: a
		// text of thousands of such sentences, each refused for a link
		// (a signature's or a quotation's mark near the top opens the
		// whole body to the search), must not cost sentences × links.
		tried++
		if holdsLink(body[s:e], links) || callToAction(body[s:e]) {
			continue
		}
		d := disclaimer{start: s, end: e, kinds: kinds}
		if kinds&kindAntiPhishing != 0 {
			d.open = openClauses(body[s:e], s)
		}
		found = append(found, d)
		total += e - s
	}
	return found
}

// namesAmount reports a sum of money written with its currency in s
// ("1,99 €", "EUR 1.99", "$5", "3 euros"), read as money.go reads the
// advance-fee family's fortunes.
func namesAmount(s string) bool { return sumBetween(s, 0.01, math.MaxFloat64) != "" }

// without returns body without the disclaimer sentences of one of the
// kinds (each replaced by a line break), and whether it cut any. A
// sentence cut only as an anti-phishing reminder keeps its open clauses
// (each between line breaks): "nous ne vous demanderons jamais votre mot
// de passe : votre compte sera suspendu ce soir" spares the first clause,
// not the second.
func without(body string, found []disclaimer, kinds disclaimerKind) (string, bool) {
	var b strings.Builder
	at := 0
	for i := len(found) - 1; i >= 0; i-- {
		if found[i].kinds&kinds == 0 {
			continue
		}
		if at == 0 {
			b.Grow(len(body))
		}
		b.WriteString(body[at:found[i].start])
		b.WriteByte('\n')
		if found[i].kinds&kinds&^kindAntiPhishing == 0 {
			for _, o := range found[i].open {
				b.WriteString(body[o[0]:o[1]])
				b.WriteByte('\n')
			}
		}
		at = found[i].end
	}
	if at == 0 {
		return body, false
	}
	b.WriteString(body[at:])
	return b.String(), true
}

// disclaimerWording returns the kinds of disclaimer whose wording a
// sentence holds. The sentence is one only when it holds no link and no
// call to action outside a negation (holdsLink, callToAction).
func disclaimerWording(s string) disclaimerKind {
	var kinds disclaimerKind
	disclaimerDict.Find(s, 0, func(k disclaimerKind) bool { kinds |= k; return true })
	if kinds&kindAntiPhishing == 0 && (noneWillAsk(s) || conditionalReminder(s) >= 0) {
		kinds |= kindAntiPhishing
	}
	return kinds
}

// Words of the reminder worded as a condition: "if you receive an email
// asking you to verify your account …, do not click", "si vous recevez un
// message vous invitant à vous connecter …, ne cliquez pas".
var (
	conditionIfs      = wordSet(`if si`)
	conditionChannels = wordSet(`email mail message messages courriel courriels sms text call appel appels`)
	conditionAsks     = wordSet(`asking asks ask requesting requests invitant invite demandant demande demandent sollicitant`)
	conditionNots     = wordSet(`not don never ne n jamais`)
)

// conditionalReminder returns the index, among the words of s
// (foldedWords), of the "if" or "si" that opens a reminder worded as a
// condition, or -1: within the clause before a comma, "if"/"si", a
// message (email, courriel, SMS, call…) and a request ("asking you to",
// "vous invitant à", "vous demande de"); right after that comma, within
// its first three words, a negation ("do not", "don't", "never", "ne …
// pas"). The condition is what will never be a genuine request, the
// negation the instruction. A phisher's "if you receive an email asking
// you to verify your account, please do so today" has no negation after
// its comma and is no reminder; one that writes its call after the
// negated instruction is a call (callToAction) or keeps that clause
// (openClauses).
func conditionalReminder(s string) int {
	if strings.IndexByte(s, ',') < 0 || !strings.Contains(s, "f ") && !strings.Contains(s, "i ") && !strings.Contains(s, "F ") && !strings.Contains(s, "I ") {
		return -1
	}
	// The words, and the number of words before each comma.
	var words []string
	var commas []int
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteString(textmatch.Fold(r))
		case textmatch.Invisible(r):
		default:
			flush()
			if r == ',' {
				commas = append(commas, len(words))
			}
		}
	}
	flush()
	for i, x := range words {
		if !conditionIfs[x] {
			continue
		}
		channel, ask := false, false
		for _, c := range commas {
			if c <= i {
				continue
			}
			for _, y := range words[i+1 : c] {
				channel = channel || conditionChannels[y]
				ask = ask || conditionAsks[y]
			}
			if !channel || !ask {
				break
			}
			for _, y := range words[c:min(len(words), c+3)] {
				if conditionNots[y] {
					return i
				}
			}
		}
	}
	return -1
}

// noneWillAsk reports the French reminder whose negation is "aucun":
// "aucun service de la communauté de communes ne vous demandera de …",
// "aucune banque ne demande …" — "aucun" or "aucune", then within eight
// words "ne (vous) demand…". A phrase list cannot hold the words between.
func noneWillAsk(s string) bool {
	if !strings.Contains(s, "ucun") && !strings.Contains(s, "UCUN") {
		return false
	}
	words := foldedWords(s)
	for i, w := range words {
		if w != "aucun" && w != "aucune" {
			continue
		}
		for j := i + 1; j < len(words)-1 && j <= i+8; j++ {
			if words[j] != "ne" {
				continue
			}
			next := words[j+1]
			if next == "vous" && j+2 < len(words) {
				next = words[j+2]
			}
			if strings.HasPrefix(next, "demand") {
				return true
			}
		}
	}
	return false
}

// foldedWords cuts s into its words of letters and digits, folded as the
// matcher folds text ("vérifier" is "verifier").
func foldedWords(s string) []string {
	var words []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		var b strings.Builder
		for _, r := range f {
			b.WriteString(textmatch.Fold(r))
		}
		words = append(words, b.String())
	}
	return words
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

// Words of a call to action (click, sign in, the link, the button, here,
// pay: the parcel-fee family's call),
// negations, and the words after which a negation no longer holds (a new
// clause: "et", "and", "mais"…; punctuation ends one too).
var (
	ctaWords = wordSet(`cliquez cliquer clic click clicking klicken klik klikken clique clicar haga pulse pulsa toca tap
		appuyez scannez scanner scannen scan connectez connecter connect login log sign anmelden einloggen aanmelden inloggen
		identifiez accedez acceder access acesse aceda verify verifiez verifier confirm confirmez update
		lien liens link links bouton button enlace hier here ici aqui below dessous
		payez payer reglez regler pay zahlen pague pagar betaal betalen`)
	negations = wordSet(`ne n ni jamais never not nor don nie niemals nicht noch nunca no nao nooit niet`)
	// Not "e", "y", "en" (Portuguese, Spanish, Dutch "and"): in French
	// they are the "e" of "e-mail", "n'y", "en ligne".
	clauseJoins  = wordSet(`et and mais but puis then und aber dann pero luego mas depois maar dan so donc alors ensuite`)
	clausePuncts = ",;:"
	// urgeWords are the verbs of delay or neglect: negated, they urge
	// rather than deny ("ne tardez pas", "n'hésitez pas à", "ne l'ignorez
	// pas", "do not delay", "don't wait", "never hesitate to"), so what
	// follows them is the ask itself and no negation governs it (urges).
	urgeWords = wordSet(`ignorer ignorez ignore ignoring tarder tardez hesiter hesitez hesitate attendre attendez wait waiting
		oublier oubliez oublie negliger negligez neglect delay miss manquer manquez ratez`)
)

// urges reports the word x, the k-th of its sentence, after the word
// prev, as a verb of delay or neglect (urgeWords) within two words of the
// negation that was the neg-th and not the infinitive another verb
// governs: "ne l'ignorez", "do not delay", "don't wait", not "we will
// never ask you to wait" nor "ne … jamais d'attendre". The word after it
// that repeats the negation ("n'hésitez jamais") belongs to it (urgedAt).
func urges(x, prev string, k, neg int) bool {
	return urgeWords[x] && neg > 0 && k-neg <= 2 && prev != "d" && prev != "de" && prev != "to"
}

// urgedAt reports the negation word right after an urging verb
// ("n'hésitez jamais à vérifier"): it is the urge's, not a new denial.
func urgedAt(k, urged int) bool { return urged > 0 && k == urged+1 }

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// callToAction reports a call-to-action word that no negation of its
// clause governs (the condition of a reminder worded as one governs its
// clause too: conditionalReminder): "never click a link" and "ne cliquez
// jamais sur un lien" are the disclaimer's, "cliquez ici" is a call, and
// so is "we never ask for it, click here" (the comma ends the negation's clause). A comma
// inside the list of what will never be asked by mail does not end it
// (negatedList): "we will never ask you to verify your account, confirm
// your password or update your payment details by email"; but a pointer
// to a link after such a comma ("…, open the link below or …") is a
// call all the same.
func callToAction(s string) bool {
	listed := negatedList(s)
	c := clauseWalk{cond: conditionalReminder(s)}
	for t := range clauseTokens(s) {
		x := t.word
		if x == "" {
			if t.sep == ',' && c.negated && listed {
				c.carried = true
			} else if strings.ContainsRune(clausePuncts, t.sep) {
				c.negated, c.carried = false, false
			}
			continue
		}
		switch c.step(x) {
		case wordNegation:
			c.negate()
		case wordOther:
			switch {
			case clauseJoins[x], c.carried && clauseVerbs[x]:
				c.negated, c.carried = false, false
			case ctaWords[x] && (!c.negated || c.carried && pointerWords[x]):
				return true
			}
		}
	}
	return false
}

// clauseToken is a word of a sentence, folded, or the separator after
// it (word "").
type clauseToken struct {
	at   int // the byte offset of the word or separator
	word string
	sep  rune
}

// clauseTokens yields the words of s, folded as textmatch reads them
// (invisible characters left out), and every other rune between them.
func clauseTokens(s string) iter.Seq[clauseToken] {
	return func(yield func(clauseToken) bool) {
		var w strings.Builder
		at := 0
		flush := func() bool {
			if w.Len() == 0 {
				return true
			}
			x := w.String()
			w.Reset()
			return yield(clauseToken{at: at, word: x})
		}
		for i, r := range s {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if w.Len() == 0 {
					at = i
				}
				w.WriteString(textmatch.Fold(r))
			case textmatch.Invisible(r):
			default:
				if !flush() || !yield(clauseToken{at: i, sep: r}) {
					return
				}
			}
		}
		flush()
	}
}

// clauseWalk is what callToAction and openClauses both keep as they read
// a reminder's sentence word by word: whether a negation governs the
// clause, whether a list's comma or "and" carries it, and where the last
// negation and urge stand.
type clauseWalk struct {
	cond, n          int    // the reminder's condition word (conditionalReminder); the words read
	negAt, urged     int    // the word numbers of the last negation and urge
	last             string // the word before
	negated, carried bool
}

// What step reads a word as.
const (
	wordOther    = iota
	wordUrge     // an urging verb under a negation: it ends the negation
	wordHeld     // the negation right after an urge: it is the urge's
	wordNegation // a negation, or the end of the reminder's condition: negate opens it
)

// step reads the next word x.
func (c *clauseWalk) step(x string) int {
	c.n++
	prev := c.last
	c.last = x
	switch {
	case c.negated && urges(x, prev, c.n, c.negAt):
		c.negated, c.carried, c.urged = false, false, c.n
		return wordUrge
	case urgedAt(c.n, c.urged) && negations[x]:
		return wordHeld
	case negations[x], c.n-1 == c.cond:
		return wordNegation
	}
	return wordOther
}

// negate opens the negation step found at the word just read.
func (c *clauseWalk) negate() { c.negated, c.carried, c.negAt = true, false, c.n }

// clauseVerbs are the words of a clause of its own — an auxiliary or a
// modal, a deadline, a condition — that no item of a list of requests
// holds: after a list's comma ("we will never ask for your password, or
// your PIN, your account will be suspended unless …", "…, verify your
// account now or …") or after "and" they end the negation.
var clauseVerbs = wordSet(`will would shall must is are be been was were
	sera seront serait serez est sont etait doit doivent devez devrez
	wird werden muss mussen ist sind
	now today immediately tonight maintenant immediatement aujourd sofort heute
	unless otherwise sinon faute sauf except before within avant`)

// clauseBreaks are the joins after which a clause no longer says what
// will never be asked: an opposition, a consequence, an exception ("…
// jamais votre mot de passe, mais vous devez …", "… so …", "… sauf …").
var clauseBreaks = wordSet(`mais but donc so alors then puis however toutefois cependant pourtant therefore
	thus aber dann pero luego maar dan unless sinon sauf except otherwise faute`)

// additiveJoins join one request to the next inside a negation ("vos
// codes et votre mot de passe"); a clause verb after them ends it.
var additiveJoins = wordSet(`et and und`)

// openClauses returns the clauses of the reminder s (at offset base in
// the body) that no negation governs: before its first negation, after a
// comma, colon or semicolon that no list carries, an opposition or a
// consequence (clauseBreaks), or a clause verb after a list's comma or
// "and" (clauseVerbs). The reminder spares only what it negates; a
// phisher's "we will never ask for your password by email; your account
// will be suspended tonight" keeps its second clause for the lure
// families.
func openClauses(s string, base int) [][2]int {
	listed := negatedList(s)
	c := clauseWalk{cond: conditionalReminder(s)}
	var open [][2]int
	// start is where the current clause begins, carryAt where the list's
	// item or the "and" that carries its negation begins.
	start, carryAt := 0, 0
	cut := func(at, next int) {
		if !c.negated && at > start {
			open = append(open, [2]int{base + start, base + at})
		}
		start, c.negated, c.carried = next, false, false
	}
	for t := range clauseTokens(s) {
		x := t.word
		if x == "" {
			if t.sep == ',' && c.negated && listed {
				c.carried, carryAt = true, t.at+1
			} else if strings.ContainsRune(clausePuncts, t.sep) {
				cut(t.at, t.at+1)
			}
			continue
		}
		switch c.step(x) {
		case wordUrge:
			// "…, n'hésitez pas à vérifier votre compte": the clause
			// from the urge on is the ask.
			start = t.at
		case wordNegation:
			if !c.negated && start > 0 {
				// A later clause's negation governs what follows it:
				// "…, votre compte sera suspendu si vous ne …".
				cut(t.at, t.at)
			}
			c.negate()
		case wordOther:
			switch {
			case clauseBreaks[x]:
				cut(t.at, t.at)
			case c.carried && clauseVerbs[x]:
				cut(carryAt, carryAt)
			case additiveJoins[x] && c.negated && !c.carried:
				c.carried, carryAt = true, t.at
			}
		}
	}
	cut(len(s), len(s))
	return open
}

// pointerWords are the call-to-action words that point at a link or a
// button rather than name a request.
var pointerWords = wordSet(`lien liens link links bouton button enlace hier here ici aqui below dessous`)

// channelEnds are the last words of an anti-phishing reminder's list: the
// channel by which the requests will never come ("by email", "par
// courriel", "par téléphone"), folded as callToAction reads words.
var channelEnds = [][]string{
	{"by", "email"}, {"by", "e", "mail"}, {"by", "mail"}, {"via", "email"}, {"by", "phone"},
	{"by", "telephone"}, {"by", "text"}, {"by", "sms"}, {"over", "the", "phone"},
	{"par", "courriel"}, {"par", "mail"}, {"par", "email"}, {"par", "e", "mail"},
	{"par", "telephone"}, {"par", "sms"}, {"par", "message"},
}

// requestFrames are the words that open the list of requests a reminder
// warns of, before its first comma: "(never click on links) asking you
// to …", "(ne vous demandera jamais) de …" is read by the channel instead.
var requestFrames = []string{" asking you to ", " asks you to ", " ask you to ", " requesting you to ", " vous demandant de ", " vous demandant d "}

// apostrophes reads "d'" and "d’" as the word "d".
var apostrophes = strings.NewReplacer("'", " ", "’", " ")

// negatedList reports a sentence shaped as the list of what will never be
// asked: a disjunction ("or", "ou", "ni", "nor") after its first comma,
// and the channel at its very end ("… or update your payment details by
// email.") or a request frame before that comma ("never click on links
// asking you to confirm your login details, verify your account or
// update your payment information"). A phisher's "we never ask for your
// password, click here to sign in" is no such list, and its comma still
// ends the negation.
func negatedList(s string) bool {
	comma := strings.IndexByte(s, ',')
	if comma < 0 {
		return false
	}
	framed := false
	if head := " " + strings.ToLower(s[:comma]) + " "; strings.Contains(head, " you to ") || strings.Contains(head, " vous demandant ") {
		for _, f := range requestFrames {
			if strings.Contains(apostrophes.Replace(head), f) {
				framed = true
				break
			}
		}
	}
	words := foldedWords(s[comma:])
	disjunction := false
	for _, x := range words {
		switch x {
		case "or", "ou", "ni", "nor":
			disjunction = true
		}
	}
	if !disjunction {
		return false
	}
	if framed {
		return true
	}
	for _, end := range channelEnds {
		if len(words) >= len(end) && slices.Equal(words[len(words)-len(end):], end) {
			return true
		}
	}
	return false
}
