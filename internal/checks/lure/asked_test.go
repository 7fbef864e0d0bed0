package lure

import (
	"fmt"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// A mailbox-password phrase counts only where the password is asked: in
// the phrase itself, in a sentence that asks it (askedIn), or with a
// password field in the HTML (unasked). The providers' own statements
// that it changed or stays the same name it and ask nothing.
func TestMailboxPasswordCountsWhereAsked(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	const text = "text/plain; charset=utf-8"
	tests := []struct {
		name, subject, ctype, body string
		want                       bool
	}{
		{"a host's change notice", "Modification du mot de passe de messagerie", text,
			"Bonjour,\n\nLe mot de passe de messagerie de la boîte contact@atelier.example a été modifié le 12/12 à 08:04.\nSi vous n'êtes pas à l'origine de cette modification, rendez-vous dans votre espace client.", false},
		{"a provider's reassurance", "Votre messagerie évolue", text,
			"Vous n'avez rien à faire : votre adresse et votre mot de passe de messagerie restent les mêmes.", false},
		{"an English statement", "Security notice", text,
			"Your mailbox password was changed yesterday. If this was you, no action is needed.", false},
		{"the ask in the subject", "Votre mot de passe de messagerie expire : confirmez-le ici", text,
			"Bonjour,\n\nhttps://example.net/c", true},
		{"the ask in the sentence", "Avis", text,
			"Votre mot de passe de messagerie expire aujourd'hui, merci de le saisir à nouveau sur\nla page sécurisée.", true},
		{"English ask", "Notice", text, "Enter your mailbox password to keep access.", true},
		{"log in with", "Notice", text, "Please log in with your institutional email and mailbox password.", true},
		{"identifiez-vous avec", "Avis", text, "Identifiez-vous avec votre adresse et votre mot de passe de messagerie.", true},
		{"connectez-vous … avec", "Rapport", text, "Pour les recevoir, connectez-vous à votre espace avec l'adresse et le mot de passe de votre messagerie.", true},
		{"the gerund", "Migration", text, "Merci de nous répondre en indiquant l'adresse et le mot de passe de votre messagerie.", true},
		{"mettez à jour", "Avis", text, "Mettez à jour votre mot de passe de messagerie avant vendredi.", true},
		{"the ask in the next sentence only", "Avis", text,
			"Le mot de passe de messagerie a été modifié. Confirmez votre identité sur la page.", false},
		{"if it wasn't you, a link to the sender's own site", "Modification du mot de passe de messagerie", text,
			"Le mot de passe de messagerie a été modifié. Si vous n'êtes pas à l'origine de cette modification, cliquez ici pour sécuriser votre compte : https://www.example.org/securite", false},
		{"if it wasn't you, a link elsewhere", "Modification du mot de passe de messagerie", text,
			"Le mot de passe de messagerie a été modifié. Si vous n'êtes pas à l'origine de cette modification, cliquez ici pour sécuriser votre compte : https://example-securite.weebly.com/connexion", true},
		{"English, sign in elsewhere", "Security notice", text,
			"Your mailbox password was changed. If this wasn't you, sign in to secure your account: https://mailbox-restore.example.net/signin", true},
		{"a warning not to click, a link elsewhere", "Conseils", text,
			"Votre banque ne vous demandera jamais votre mot de passe de messagerie. Ne cliquez pas sur les liens reçus. En savoir plus : https://www.example.net/securite", false},
		{"a password field", "Avis", "text/html; charset=utf-8",
			`<p>Votre mot de passe de messagerie expire.</p><form action="https://example.net/p"><input type="text" name="u"><input TYPE="Password" name="p"></form>`, true},
		{"a deadline above a form without a password field", "Avis", "text/html; charset=utf-8",
			`<p>Votre mot de passe de messagerie expire.</p><form action="https://example.net/p"><input type="text" name="u"></form>`, true},
		{"a statement beside a form without a password field", "Avis", "text/html; charset=utf-8",
			`<p>Votre mot de passe de messagerie a été modifié.</p><form action="https://example.net/p"><input type="text" name="u"></form>`, false},
		{"the deadline, the ask in the next sentence", "Avis", text,
			"Votre mot de passe de messagerie expire aujourd'hui. Cliquez ci-dessous pour le conserver.", true},
		{"a bullet", "Avis", text, "Munissez-vous de :\n\n- votre adresse\n\n- votre mot de passe de messagerie", true},
		{"the subject", "Mot de passe de messagerie expiré", text, "Cliquez ici pour le renouveler.", true},
		{"a typo'd ask", "Avis", text, "Veuillez confirmé votre mot de passe de messagerie.", true},
		// The awareness reminder warns against the ask: "never enter",
		// "ne saisissez jamais", "do not enter" (review6).
		{"never enter", "Security reminder", text,
			"Never enter your network username and password on a page you reached from an email link.", false},
		{"ne saisissez jamais", "Rappel", text,
			"Ne saisissez jamais le mot de passe de votre messagerie sur une page ouverte depuis un courriel.", false},
		{"do not enter", "Security reminder", text, "Do not enter your mailbox password on a page reached from a link.", false},
		{"enter, after a negated clause", "Notice", text, "Do not wait: enter your mailbox password on the new portal.", true},
		{"reply with it", "Notice", text, "Please reply with your mailbox password to keep your account.", true},
		{"a bank's never", "Conseils", text, "Votre banque ne vous demandera jamais votre mot de passe de messagerie.", false},
		{"a phrase that asks by itself", "Vault", text, "Please verify your master password today.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: a@example.org\nTo: b@example.org\nSubject: "+tt.subject+"\nContent-Type: "+tt.ctype, tt.body)
			got := false
			for _, id := range c.Matches(checktest.Input(raw)) {
				if c.Entries()[id].Signal == "LURE_PASSWORD_REQUEST" {
					got = true
				}
			}
			if got != tt.want {
				t.Errorf("LURE_PASSWORD_REQUEST %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMailboxPasswordStatementOnTheSendersOwnSite: "if this wasn't you,
// click here to secure your account" towards the sender's own site lets
// the statement's phrase go only for a sender whose name is known (a top
// site: Gandi, Orange, a bank); the kit's look-alike, or any unknown
// domain, owns the site it links to as well (329e279's copy moved onto
// the look-alike itself: accepted at 0.00 under both trusts).
func TestMailboxPasswordStatementOnTheSendersOwnSite(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	const body = "Le mot de passe de messagerie de la boîte contact@atelier.example a été modifié. Si vous n'êtes pas à l'origine de cette modification, cliquez ici pour sécuriser votre compte : https://%s/messagerie/securiser"
	for domain, want := range map[string]bool{"gandi.net": false, "gandi-securite-exemple.com": true} {
		raw := checktest.Message("From: Gandi <noreply@"+domain+">\nTo: b@atelier.example\nSubject: Modification du mot de passe de messagerie\nContent-Type: text/plain; charset=utf-8", fmt.Sprintf(body, domain))
		got := false
		for _, id := range c.Matches(checktest.Input(raw)) {
			got = got || c.Entries()[id].Signal == "LURE_PASSWORD_REQUEST"
		}
		if got != want {
			t.Errorf("%s linking to itself: LURE_PASSWORD_REQUEST %v, want %v", domain, got, want)
		}
	}
}
