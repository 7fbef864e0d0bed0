package attach

import (
	"regexp"
	"strings"
	"unicode"
)

// passwordGiven tells whether the message's own text gives a password:
// "Mot de passe : 4521", "mdp = Facture2026", "Password: ABC123", "the
// password is 7781". CERT Santé's MX controls (mx_sec_conf
// rules/attachment.md, "Faux positifs") tell the two cases apart: an
// encrypted attachment whose password sits in the same message is the
// malware campaigns' way past the anti-virus (CLAM_DETECT_ENCRYPTED_WITH_PASS,
// kept high), while one whose password travels by another channel, as the
// CNIL and the ANS ask of health data sent by e-mail, may weigh less
// (CLAM_DETECT_ENCRYPTED, lowered). "Le mot de passe vous est communiqué
// par SMS" or "est votre date de naissance" gives none.
func passwordGiven(texts ...string) bool {
	for _, t := range texts {
		if len(t) > maxPasswordScan {
			t = t[:maxPasswordScan]
		}
		for _, m := range passwordRE.FindAllStringSubmatch(t, 8) {
			sep, token := strings.ToLower(strings.TrimSpace(m[1])), strings.Trim(m[2], ".,;!?)(»”\"'")
			if token == "" || passwordNotGiven[strings.ToLower(token)] {
				continue
			}
			// After a colon or an equals sign any word is the password;
			// after "est"/"is" it must look like one (a digit, a capital
			// or a symbol), not like the sentence going on.
			if strings.ContainsAny(sep, ":=") || looksLikePassword(token) {
				return true
			}
		}
	}
	return false
}

// passwordApart tells whether the message says its attachment's password
// travels apart — by SMS, by telephone, in a second e-mail, by another
// channel, or is one the reader chose or already has — and gives none:
// neither as passwordGiven reads it nor in any other form a password or
// code word is followed by ("Mot de passe 2026", "PIN: 2026", "Code
// d'ouverture : 2026", "le mot de passe est le 2026"). The weaker signal
// is for what the CNIL's guide describes (the secret passed by a separate
// channel) and the sender says so; a message that says nothing of it
// leaves the password to an image, a second message or a form
// passwordGiven does not read, the campaigns' ways past it, and counts
// as giving it (TestEncryptedAttachmentPasswordForms).
func passwordApart(texts ...string) bool {
	return !passwordGiven(texts...) && !passwordHinted(texts...) && saysApart(texts...)
}

// saysApart tells whether a text says the password travels by another
// channel or is the reader's own (apartRE).
func saysApart(texts ...string) bool {
	for _, t := range texts {
		if len(t) > maxPasswordScan {
			t = t[:maxPasswordScan]
		}
		if apartRE.MatchString(t) {
			return true
		}
	}
	return false
}

// apartRE finds a password said to travel by another channel or to be
// the reader's own, in the same sentence as the word.
var apartRE = regexp.MustCompile(`(?i)\b(?:mot de passe|mdp|password|passwort|kennwort|contraseña)\b[^.!?]{0,160}?` + apartWords)

// apartWords are the channels and known secrets a sender names for the
// password it does not give (CNIL, Guide de la sécurité des données
// personnelles: SMS, telephone, a separate message).
const apartWords = `\b(?:sms|texto|text message|t[ée]l[ée]phone|telephone|phone|vive voix|oralement|autre canal|another channel|second (?:courriel|e-?mail|message)|separate (?:e-?mail|message)|s[ée]par[ée]ment|separately|teams|signal|whatsapp|choisi|chosen|date de naissance|date of birth)\b`

// hintRE finds a password or code word and the words after it, up to the
// end of its sentence.
var hintRE = regexp.MustCompile(`(?i)\b(?:mot de passe|mdp|password|passwort|kennwort|contraseña|pwd|passcode|pass|code|pin)\b([^.!?\n]{0,60})`)

var channelRE = regexp.MustCompile(`(?i)` + apartWords)

// passwordHinted tells a password or code word followed in its sentence,
// before any channel it names, by a token that looks like a password (a
// digit, an inner capital or a symbol): the forms passwordGiven leaves
// out because they have no separator or more words before it.
func passwordHinted(texts ...string) bool {
	for _, t := range texts {
		if len(t) > maxPasswordScan {
			t = t[:maxPasswordScan]
		}
		if hinted(t) {
			return true
		}
	}
	return false
}

// hinted is passwordHinted of one text.
func hinted(t string) bool {
	for _, m := range hintRE.FindAllStringSubmatch(t, 16) {
		rest := m[1]
		if loc := channelRE.FindStringIndex(rest); loc != nil {
			rest = rest[:loc[0]]
		}
		for _, w := range strings.Fields(rest) {
			w = strings.Trim(w, ".,;:!?)(»«”“\"'-")
			if len(w) >= 3 && len(w) <= 40 && looksLikePassword(w) {
				return true
			}
		}
	}
	return false
}

// passwordSaid is what the message's texts say of a password, read once
// and only when an encrypted attachment asks: the expressions run over
// the whole text, and most messages carry no such attachment.
type passwordSaid struct {
	texts         []string
	read          bool
	giving, apart bool
}

func (p *passwordSaid) load() {
	if p.read {
		return
	}
	p.read = true
	p.giving = passwordGiven(p.texts...) || passwordHinted(p.texts...)
	p.apart = !p.giving && saysApart(p.texts...)
}

// gives: the message gives a password (passwordGiven, passwordHinted).
func (p *passwordSaid) gives() bool { p.load(); return p.giving }

// given: the message may hold the password (not passwordApart).
func (p *passwordSaid) given() bool { p.load(); return !p.apart }

// maxPasswordScan bounds the text read for a password.
const maxPasswordScan = 64 << 10

// passwordRE finds a password announced in French, English, German or
// Spanish, with an optional "of the archive/file/document" between the word
// and the separator; the second group is the token that follows.
var passwordRE = regexp.MustCompile(`(?i)\b(?:mot de passe|mdp|password|passwort|kennwort|contraseña|pwd)\b(?:\s+(?:de l'archive|de l’archive|du fichier|du document|du zip|de la pièce jointe|of the (?:archive|file|document|attachment)|for the (?:archive|file|document|attachment)))?\s*((?:\b(?:est|is|ist|es)\b)?\s*[:=]|\b(?:est|is|ist|es)\b)\s*[«“"']?\s*(\S{3,40})`)

// passwordNotGiven are the words that follow "mot de passe est" or
// "password is" when the sentence says where the password is, not what it is.
var passwordNotGiven = map[string]bool{
	"votre": true, "vos": true, "le": true, "la": true, "les": true, "un": true, "une": true,
	"communiqué": true, "communique": true, "transmis": true, "envoyé": true, "envoye": true,
	"adressé": true, "adresse": true, "indiqué": true, "fourni": true, "celui": true, "identique": true,
	"habituel": true, "inchangé": true, "personnel": true, "requis": true, "nécessaire": true,
	"your": true, "the": true, "sent": true, "being": true, "provided": true, "required": true,
	"unchanged": true, "separately": true, "same": true, "not": true, "pas": true,
	"vous": true, "il": true, "sera": true, "par": true, "will": true, "to": true, "by": true,
}

// looksLikePassword tells a token with a digit, a capital after its first
// letter, or a symbol from a word of the sentence.
func looksLikePassword(s string) bool {
	for i, r := range s {
		if unicode.IsDigit(r) || (i > 0 && unicode.IsUpper(r)) || strings.ContainsRune("#$%&*+-=@_!?", r) {
			return true
		}
	}
	return false
}
