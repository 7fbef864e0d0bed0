package engine

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// zeroFontPhish is a password-expiry lure written with the ZeroFont
// technique (Avanan, "ZeroFont Phishing: Manipulating Font Size to Get Past
// Office 365 Security", June 2018): letters in a zero font size, or hidden
// otherwise, inside the words the reader sees, so that a filter reads
// "mot de paxksse expiqlre".
const zeroFontPhish = `<html><body>
<p>Bonjour,</p>
<p>Votre mot de pa<span style="font-size:0px">xk</span>sse expi<span style="FONT-SIZE: 0">ql</span>re aujourd'hui.
Pour con<span style="display:none">wq</span>server le même mot de passe, con<span style="color:#ffffff;background-color:#ffffff">zz</span>firmez
avant 17 h.</p>
<p><a href="https://assistance-messagerie-exemple.com/owa/auth">Conserver mon mot de passe</a></p>
<p>Service informatique</p>
</body></html>`

// TestZeroFontLureIsRead: the lure matcher reads the words the reader sees,
// the hidden letters left out, and the message is flagged; the same words
// with the letters shown stay unread, which is what the technique is for.
func TestZeroFontLureIsRead(t *testing.T) {
	s := modernConfig(t)
	mail := commercialMail{
		name:       "zerofont mot de passe",
		from:       "Service informatique <support@assistance-messagerie-exemple.com>",
		returnPath: "support@assistance-messagerie-exemple.com",
		subject:    "Action requise sur votre messagerie",
		html:       zeroFontPhish,
	}
	v := s.Scan(t.Context(), mail.raw(), scan.Envelope{})
	t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
	if !hasSignal(v, "LURE_PASSWORD_EXPIRY") {
		t.Errorf("the hidden letters hid the lure: %s", weighted(v))
	}
	if v.Action == scan.Accept {
		t.Errorf("accepted (%.2f): %s", v.Score, weighted(v))
	}

	// The control: the same letters drawn, the words are not the lure's.
	mail.html = regexp.MustCompile(`<span style="[^"]*">`).ReplaceAllString(zeroFontPhish, "<span>")
	v = s.Scan(t.Context(), mail.raw(), scan.Envelope{})
	t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
	if hasSignal(v, "LURE_PASSWORD_EXPIRY") {
		t.Errorf("visible letters read as the lure: %s", weighted(v))
	}
}

// TestZeroFontNewsletterIsAccepted: a newsletter's own uses of a zero font
// size — a hidden preheader, its padding, column wrappers whose text sets
// its size again — hide no lure and are accepted.
func TestZeroFontNewsletterIsAccepted(t *testing.T) {
	s := modernConfig(t)
	const espAuth = "dkim=pass header.d=%[1]s header.s=s1; spf=pass smtp.mailfrom=bounce.envoi-exemple.net; dmarc=pass (p=none dis=none) header.from=%[1]s"
	pad := strings.Repeat("&zwnj;&nbsp;", 40)
	mail := commercialMail{
		name:        "lettre hygiene preheader zero font",
		from:        "Réseau Hygiène Exemple <lettre@reseau-hygiene-exemple.fr>",
		returnPath:  "b.5e21.achats=chu-exemple.fr@bounce.envoi-exemple.net",
		auth:        fmt.Sprintf(espAuth, "reseau-hygiene-exemple.fr"),
		subject:     "Journées régionales d'hygiène hospitalière : le programme",
		unsubscribe: "<https://www.reseau-hygiene-exemple.fr/desinscription?u=4410>",
		html: `<html><body style="margin:0;background-color:#f4f4f4">
<div style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden;mso-hide:all">Programme, inscriptions et ateliers des journées de juin` + pad + `</div>
<span style="color:#f4f4f4;background-color:#f4f4f4;font-size:0px">Lettre n° 58 — avril 2026</span>
<table width="100%" bgcolor="#f4f4f4"><tr><td style="font-size:0px;line-height:0" align="center">
<div style="display:inline-block;max-width:300px;font-size:0"><span style="font-size:15px;color:#333333">Journées régionales d'hygiène hospitalière</span></div>
<div style="display:inline-block;max-width:300px;font-size:0"><span style="font-size:15px;color:#333333">16 et 17 juin 2026, Lyon</span></div>
</td></tr></table>
<p style="font-size:15px">Au programme : prévention des infections associées aux soins, bon usage des antibiotiques et retours d'expérience des équipes opérationnelles d'hygiène.
<a href="https://www.reseau-hygiene-exemple.fr/journees-2026/programme">Consulter le programme</a></p>
<p style="font-size:15px">Les inscriptions sont ouvertes jusqu'au 31 mai. <a href="https://www.reseau-hygiene-exemple.fr/journees-2026/inscription">Je m'inscris</a></p>
<p style="font-size:12px;color:#777777">Vous recevez cette lettre en tant que membre du réseau.
<a href="https://www.reseau-hygiene-exemple.fr/desinscription?u=4410">Se désinscrire</a></p>
</body></html>`,
	}
	v := s.Scan(t.Context(), mail.raw(), scan.Envelope{})
	t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
	if v.Action != scan.Accept {
		t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
	for _, sig := range v.Signals {
		if strings.HasPrefix(sig.Name, "LURE_") || sig.Name == "HIDDEN_CONTENT" {
			t.Errorf("%s raised (%s): %s", sig.Name, sig.Detail, weighted(v))
		}
	}
}

func hasSignal(v *scan.Verdict, name string) bool {
	for _, sig := range v.Signals {
		if sig.Name == name {
			return true
		}
	}
	return false
}
