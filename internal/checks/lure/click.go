package lure

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// clickWindow is how many words on either side of a call to click are read
// for what it is for: a sentence's worth ("to verify your e-mail address",
// "pour accéder à votre compte, cliquez ici").
const clickWindow = 8

// clickPurposes are the words saying that a call to click is a call to
// sign in: to sign in or log in, to verify, confirm, validate, activate,
// reactivate or unlock an account or an address, to access one's account —
// what the FTC's advice on recognising phishing ("click on a link to
// confirm some personal information", "verify your account"),
// Cybermalveillance.gouv.fr's hameçonnage fiche ("cliquez pour vous
// connecter / vérifier votre compte") and Google's Gmail help (answer
// 8253: asks you to sign in or confirm) describe, in the catalogue's
// languages. What a newsletter asks a click for — read on, order,
// download, see the web version, unsubscribe, forward to a friend — is
// not among them, nor is a password noun alone: a "forgot your password?"
// footer is no call to sign in (password expiry is its own theme).
var clickPurposes = []string{
	// English
	"sign in", "signin", "log in", "login", "log on", "logon", "verify", "verification",
	"confirm", "validate", "activate", "reactivate", "unlock", "your account",
	// French
	"connecter", "connectez", "connexion", "identifier", "identifiez", "verifier", "verifiez",
	"confirmer", "confirmez", "valider", "validez", "activer", "activez", "reactiver",
	"debloquer", "votre compte", "votre espace",
	// German
	"anmelden", "einloggen", "bestatigen", "verifizieren", "aktivieren", "entsperren", "ihr konto",
	// Portuguese and Spanish
	"acesse", "acessar", "acceder", "iniciar sesion", "confirmar", "verificar",
	"validar", "ativar", "activar", "desbloquear", "sua conta", "su cuenta", "tu cuenta",
	// Dutch and Italian
	"inloggen", "bevestigen", "verifieren", "activeren", "uw account", "accedi", "verifica",
	"conferma", "il tuo account",
}

// purposes is clickPurposes as a dictionary.
var purposes = func() *textmatch.Dict[struct{}] {
	d := textmatch.New[struct{}]()
	for _, p := range clickPurposes {
		d.Add(p, struct{}{})
	}
	return d
}()

// callsToSignIn reports whether one of the calls to click (the click
// theme's phrases, as word lists) has a purpose word within clickWindow
// words of it. Web addresses are left out first: a newsletter's tracking
// link ("…/servlet/url?login=…") is no sentence.
func callsToSignIn(text string, calls [][]string) bool {
	const head, tail = 64 << 10, 8 << 10
	if len(text) > head+tail {
		text = text[:head] + " . " + text[len(text)-tail:]
	}
	words := clickWords(text)
	for i := range words {
		for _, call := range calls {
			if !hasWordsAt(words, i, call) {
				continue
			}
			before := words[max(0, i-clickWindow):i]
			after := words[i+len(call) : min(len(words), i+len(call)+clickWindow)]
			if purposes.Contains(strings.Join(before, " "), 0) || purposes.Contains(strings.Join(after, " "), 0) {
				return true
			}
		}
	}
	return false
}

// clickWords returns the words of text as textmatch.Normalize reads them,
// leaving out the blank-separated fields that are web or mail addresses
// (holding "://" or "@", or starting with "www."). It is
// strings.Fields(textmatch.Normalize(text without those fields)) in one
// pass over text and one folded copy: it runs on every message that says
// "click here", bodies of tens of kilobytes.
func clickWords(text string) []string {
	var b strings.Builder
	b.Grow(len(text))
	for rest := text; ; {
		var field string
		if field, rest = nextField(rest); field == "" {
			break
		}
		if strings.Contains(field, "://") || strings.Contains(field, "@") || hasPrefixFold(field, "www.") {
			continue
		}
		in := false // inside a word of letters and digits
		for i := 0; i < len(field); {
			c := field[i]
			if c < utf8.RuneSelf {
				i++
				lower := c | 0x20 // Fold of an ASCII letter
				if 'a' <= lower && lower <= 'z' || '0' <= c && c <= '9' {
					if !in && b.Len() > 0 {
						b.WriteByte(' ')
					}
					in = true
					if c > '9' {
						c = lower
					}
					b.WriteByte(c)
					continue
				}
				in = false
				continue
			}
			r, size := utf8.DecodeRuneInString(field[i:])
			i += size
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if !in && b.Len() > 0 {
					b.WriteByte(' ')
				}
				in = true
				b.WriteString(textmatch.Fold(r))
				continue
			}
			in = false
		}
	}
	return strings.Fields(b.String())
}

// nextField returns the first field of s as strings.Fields splits (runs
// of characters other than unicode.IsSpace) and what follows it.
func nextField(s string) (field, rest string) {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		space := unicode.IsSpace(r)
		switch {
		case start < 0 && !space:
			start = i
		case start >= 0 && space:
			return s[start:i], s[i:]
		}
		i += size
	}
	if start < 0 {
		return "", ""
	}
	return s[start:], ""
}

// hasPrefixFold reports whether s starts with the lower-case ASCII prefix
// in any case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// callsFor counts the calls to click found (perTheme's click theme) as
// credential lures when one of them says what for, and drops them
// otherwise: "click here to verify your account" is a credential lure,
// "click here to unsubscribe" or "to read on" is not.
// The subject, the body and the image alt texts are read apart: a call in
// one does not take its purpose from another.
func (c *Check) callsFor(perTheme []int, in *scan.Input, body, subject string) {
	if c.click < 0 || perTheme[c.click] == 0 {
		return
	}
	n := perTheme[c.click]
	perTheme[c.click] = 0
	if c.credentials < 0 {
		return
	}
	for _, text := range []string{body, subject, strings.Join(in.Msg.ImageAlts, " . ")} {
		if callsToSignIn(text, c.calls) {
			perTheme[c.credentials] += n
			return
		}
	}
}

// hasWordsAt reports whether words holds seq from i.
func hasWordsAt(words []string, i int, seq []string) bool {
	if i+len(seq) > len(words) {
		return false
	}
	for j, w := range seq {
		if words[i+j] != w {
			return false
		}
	}
	return true
}
