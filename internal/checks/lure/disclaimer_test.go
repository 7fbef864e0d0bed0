package lure

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/message"
)

// withoutDisclaimers returns body without its disclaimer sentences of any
// kind, and whether it cut any.
func withoutDisclaimers(body string, lineBreaks bool, links []message.URL) (string, bool) {
	return without(body, disclaimers(body, lineBreaks, links), kindAll)
}

func TestWithoutDisclaimers(t *testing.T) {
	link := []message.URL{{Raw: "https://portail-exemple.com/login", Host: "portail-exemple.com", Text: "Mon espace sécurisé"}}
	filler := strings.Repeat("Le compte rendu de la réunion est joint au message. ", 3) + "\n\n"
	tests := []struct {
		name  string
		body  string
		html  bool
		links []message.URL
		cut   string // the sentence cut out, "" for none
	}{
		{"confidentiality notice, French", filler + "Ce message et ses pièces jointes sont confidentiels.\n\nSi vous l'avez reçu par erreur, merci d'en avertir immédiatement l'expéditeur et de le détruire.", false, nil,
			"Si vous l'avez reçu par erreur, merci d'en avertir immédiatement l'expéditeur et de le détruire."},
		{"confidentiality notice, English", filler + "If you have received this email in error, please notify the sender immediately and delete it.", false, nil,
			"If you have received this email in error, please notify the sender immediately and delete it."},
		{"confidentiality notice, German", filler + "Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender.", false, nil,
			"Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender."},
		{"anti-phishing reminder, negated click", filler + "Nous ne vous demanderons jamais de cliquer sur un lien pour vous connecter.", false, nil,
			"Nous ne vous demanderons jamais de cliquer sur un lien pour vous connecter."},
		{"anti-phishing reminder, English", filler + "We will never ask you to click the link in an e-mail to access your account.", false, nil,
			"We will never ask you to click the link in an e-mail to access your account."},
		{"anti-phishing reminder, Spanish", filler + "Nunca le pediremos sus claves por correo ni que haga clic en un enlace.", false, nil,
			"Nunca le pediremos sus claves por correo ni que haga clic en un enlace."},
		{"RGPD notice", filler + "Conformément au RGPD, vous disposez d'un droit d'accès, de rectification et d'opposition sur vos données.", false, nil,
			"Conformément au RGPD, vous disposez d'un droit d'accès, de rectification et d'opposition sur vos données."},
		{"HTML: a line is a block", filler + "Ce message est confidentiel et destiné à son seul destinataire\nMerci de votre confiance", true, nil,
			"Ce message est confidentiel et destiné à son seul destinataire"},
		// What a phisher could try.
		{"fake footer with a web address", filler + "Ce message est confidentiel : connectez-vous immédiatement sur https://portail-exemple.com/login.", false, nil, ""},
		{"fake footer with a www address", filler + "This email and any attachments are confidential, sign in now at www.portail-exemple.com today.", false, nil, ""},
		{"fake footer holding an HTML link's text", filler + "Ce message est confidentiel, mon espace Sécurisé vous attend immédiatement\n", true, link, ""},
		{"fake footer inside an HTML link's text", filler + "Ce message est confidentiel", true, []message.URL{{Raw: "https://x.example/", Host: "x.example", Text: "Important : Ce message est confidentiel"}}, ""},
		{"call to action in the footer", filler + "Ce message est confidentiel, cliquez ici immédiatement pour le lire.", false, nil, ""},
		{"negation ends at the comma", filler + "We will never ask for your password, click here to sign in now.", false, nil, ""},
		{"anti-phishing reminder, a list up to its channel", filler + "We will never ask you to verify your account, confirm your password or update your payment details by email.", false, nil,
			"We will never ask you to verify your account, confirm your password or update your payment details by email."},
		{"anti-phishing reminder, une liste jusqu'au canal", filler + "Nous ne vous demanderons jamais de vérifier votre compte, de confirmer votre mot de passe ou de mettre à jour vos coordonnées bancaires par courriel.", false, nil,
			"Nous ne vous demanderons jamais de vérifier votre compte, de confirmer votre mot de passe ou de mettre à jour vos coordonnées bancaires par courriel."},
		{"a list without its channel: the comma ends the negation", filler + "We will never ask for your password, confirm your account or lose access.", false, nil, ""},
		{"a pointer to the link after the list's comma", filler + "We will never ask for your password, use the link below or your account is closed by email.", false, nil, ""},
		{"awareness footer: never click on links asking you to …", filler + "Never click on links asking you to confirm your login details, verify your account or update your payment information.", false, nil,
			"Never click on links asking you to confirm your login details, verify your account or update your payment information."},
		{"aucun service ne vous demandera", filler + "Attention à l'hameçonnage : aucun service ne vous demandera de confirmer votre mot de passe ou de vérifier votre compte par courriel.", false, nil,
			"Attention à l'hameçonnage : aucun service ne vous demandera de confirmer votre mot de passe ou de vérifier votre compte par courriel."},
		{"aucun … ne vous demandera, words between", filler + "Aucun service de la communauté de communes ne vous demandera de confirmer votre mot de passe ou de vérifier votre compte par courriel.", false, nil,
			"Aucun service de la communauté de communes ne vous demandera de confirmer votre mot de passe ou de vérifier votre compte par courriel."},
		{"aucun frais ne vous sera demandé is no reminder", filler + "Aucun frais ne vous sera demandé, connectez-vous ici pour confirmer.", false, nil, ""},
		{"aucun … ne vous demande, then a call", filler + "Aucun conseiller ne vous demande d'attendre, cliquez ici pour valider.", false, nil, ""},
		{"a frame without the list's disjunction", filler + "We will never ask you to share your password, confirm your account now.", false, nil, ""},
		{"a reminder worded as a condition", filler + "If you receive an email asking you to verify your account or update your payment details, do not click on any link and report it to IT security.", false, nil,
			"If you receive an email asking you to verify your account or update your payment details, do not click on any link and report it to IT security."},
		{"un rappel au conditionnel", filler + "Si vous recevez un message vous invitant à vous connecter ou à vérifier votre compte, ne cliquez pas sur le lien et signalez-le au service informatique.", false, nil,
			"Si vous recevez un message vous invitant à vous connecter ou à vérifier votre compte, ne cliquez pas sur le lien et signalez-le au service informatique."},
		{"si un courriel vous demande …, ne répondez pas", filler + "Vigilance : si un courriel vous demande de confirmer votre mot de passe ou de mettre à jour vos coordonnées bancaires, ne répondez pas.", false, nil,
			"si un courriel vous demande de confirmer votre mot de passe ou de mettre à jour vos coordonnées bancaires, ne répondez pas."},
		{"a condition without the negated instruction", filler + "If you receive an email asking you to verify your account, please do so today by signing in.", false, nil, ""},
		{"une condition sans consigne niée", filler + "Si vous recevez un message vous invitant à vérifier votre compte, c'est bien nous : vérifiez votre compte avant ce soir.", false, nil, ""},
		{"a condition, a negation, then the call", filler + "If you receive an email asking you to verify your account, do not ignore it: verify your account today.", false, nil, ""},
		{"a condition, a negation, then a pointer", filler + "If you receive an email asking you to confirm your password, don't worry, use the button below.", false, nil, ""},
		{"a list, then a clause of its own and a call", filler + "We will never ask you to share your password, or your card PIN, your account will be suspended unless you update your billing information or verify your account by email.", false, nil, ""},
		{"a list, then a clause verb", filler + "Never click on links asking you to share your PIN, verify your account now or update your payment information today.", false, nil, ""},
		{"a frame, then a pointer", filler + "Never click on links asking you to log in, use the button below or your account is closed.", false, nil, ""},
		{"the call after the list", filler + "We will never ask you to verify your account or update your details by email, click here to confirm now.", false, nil, ""},
		{"negation ends at and", filler + "Nous ne vous demanderons jamais vos codes et connectez-vous immédiatement pour les confirmer.", false, nil, ""},
		{"no disclaimer wording", filler + "Merci de répondre immédiatement à ce message.", false, nil, ""},
		{"a long sentence is not a footer", filler + "Ce message est confidentiel " + strings.Repeat("et urgent ", 70) + ".", false, nil, ""},
		{"early in a long text", "Ce message est confidentiel, merci de le traiter immédiatement. " + strings.Repeat("Le compte rendu de la réunion est joint. ", 100), false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, cut := withoutDisclaimers(tt.body, tt.html, tt.links)
			if tt.cut == "" {
				if cut || kept != tt.body {
					t.Fatalf("cut something: %q", kept)
				}
				return
			}
			if !cut || strings.Contains(kept, tt.cut) || !strings.HasPrefix(kept, filler) {
				t.Fatalf("want %q cut, kept %q", tt.cut, kept)
			}
		})
	}
}

// An anti-phishing reminder spares the clauses its negation governs, not
// a clause the phisher writes after it in the same sentence (openClauses):
// kept is what the lure families still read.
func TestReminderKeepsItsOpenClauses(t *testing.T) {
	filler := strings.Repeat("Le compte rendu de la réunion est joint au message. ", 3) + "\n\n"
	tests := []struct {
		name, sentence string
		kept           []string // read again, each whole
		gone           []string // spared
	}{
		{"colon", "Nous ne vous demanderons jamais votre mot de passe : votre compte sera suspendu ce soir.",
			[]string{"votre compte sera suspendu ce soir"}, []string{"mot de passe"}},
		{"aucun, comma", "Aucun technicien ne vous demandera votre mot de passe ou votre code, votre compte sera suspendu si vous ne confirmez pas votre identité par courriel.",
			[]string{"votre compte sera suspendu si vous"}, []string{"mot de passe", "confirmez"}},
		{"the list's comma, then a clause of its own", "We will never ask you to share your password, or your card PIN, your account will be suspended tonight by email.",
			[]string{"your account will be suspended tonight by email"}, []string{"share your password"}},
		{"and, then a clause verb", "We will never ask for your password by email and your account will be suspended tonight.",
			[]string{"and your account will be suspended tonight"}, []string{"password"}},
		{"but", "Nous ne vous demanderons jamais vos codes par courriel, mais vous devez mettre à jour vos coordonnées bancaires.",
			[]string{"mais vous devez mettre à jour vos coordonnées bancaires"}, []string{"codes"}},
		{"before the reminder", "Votre compte sera suspendu, mais nous ne vous demanderons jamais votre mot de passe.",
			[]string{"Votre compte sera suspendu"}, []string{"mot de passe"}},
		{"a condition, a negation, then a threat", "If you receive an email asking you to confirm your password, do not ignore it, your account will be suspended tonight.",
			[]string{"your account will be suspended tonight"}, []string{"confirm your password"}},
		// The genuine lists stay whole.
		{"a French list up to its channel", "Nous ne vous demanderons jamais de vérifier votre compte, de confirmer votre mot de passe ou de mettre à jour vos coordonnées bancaires par courriel.",
			nil, []string{"compte", "mot de passe", "bancaires"}},
		{"ni", "Le service informatique ne vous demandera jamais votre identifiant ni votre mot de passe.", nil, []string{"identifiant", "mot de passe"}},
		{"and inside the negation", "We will never ask for your username and password by email.", nil, []string{"username", "password"}},
		{"never click on links asking you to …", "Never click on links asking you to confirm your login details, verify your account or update your payment information.",
			nil, []string{"login", "verify", "payment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, cut := withoutDisclaimers(filler+tt.sentence, false, nil)
			if !cut {
				t.Fatalf("not read as a reminder: %q", tt.sentence)
			}
			for _, k := range tt.kept {
				if !strings.Contains(kept, k) {
					t.Errorf("%q not kept: %q", k, kept)
				}
			}
			for _, g := range tt.gone {
				if strings.Contains(strings.TrimPrefix(kept, filler), g) {
					t.Errorf("%q kept: %q", g, kept)
				}
			}
		})
	}
}

// Disclaimers are cut at most disclaimerMaxSentences at a time, counted
// from the end: a message made of disclaimers keeps its first sentences.
func TestWithoutDisclaimersLimits(t *testing.T) {
	body := strings.Repeat("Si vous avez reçu ce message par erreur, avertissez immédiatement l'expéditeur.\n\n", 20)
	kept, cut := withoutDisclaimers(body, false, nil)
	if !cut {
		t.Fatal("nothing cut")
	}
	if n := strings.Count(kept, "immédiatement"); n != 20-disclaimerMaxSentences {
		t.Fatalf("%d sentences kept, want %d", n, 20-disclaimerMaxSentences)
	}
}

// A text of thousands of sentences with a disclaimer's wording, each
// refused for holding a link's text, behind a quotation mark that opens
// the whole body to the search: only disclaimerMaxTried of them are
// compared with the message's links (it took seconds per message before).
func TestWithoutDisclaimersManyRefusedSentences(t *testing.T) {
	var links []message.URL
	for i := range disclaimerMaxLinks {
		links = append(links, message.URL{Raw: fmt.Sprintf("https://h%d.example/x", i), Host: fmt.Sprintf("h%d.example", i),
			Text: fmt.Sprintf("lien numéro %d vers le site de la société", i)})
	}
	sentence := fmt.Sprintf("Ce message est confidentiel, %s.\n", links[len(links)-1].Text)
	body := "Bonjour\n> cité\n" + strings.Repeat(sentence, (2<<20)/len(sentence))
	start := time.Now()
	kept, cut := withoutDisclaimers(body, true, links)
	if cut || kept != body {
		t.Fatal("cut a sentence that holds a link's text")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("%v for %d bytes", d, len(body))
	}
}

// The golden messages hold their lure phrases inside disclaimers: without
// the exemption the genuine ones would raise them.
func TestGoldenDisclaimersHoldLures(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for file, themes := range map[string][]string{
		"120-hospital-mail-with-confidentiality-footer.eml": {"LURE_URGENCY"},
		"121-bank-notice-we-will-never-ask.eml":             {"LURE_CREDENTIALS"},
		"122-phish-fake-confidential-footer-with-link.eml":  {"LURE_CREDENTIALS", "LURE_URGENCY"},
	} {
		raw, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		m := message.Parse(raw, message.DefaultLimits())
		found := map[string]bool{}
		c.dict.Find(m.Text, 0, func(p phrase) bool { found[c.themes[p.theme]] = true; return true })
		for _, th := range themes {
			if !found[th] {
				t.Errorf("%s: the body holds no phrase of %s", file, th)
			}
		}
	}
}

func FuzzWithoutDisclaimers(f *testing.F) {
	f.Add("Bonjour.\n\nCe message et ses pièces jointes sont confidentiels. Si vous l'avez reçu par erreur, avertissez immédiatement l'expéditeur.", false)
	f.Add("We will never ask for your password, click here… https://x.example", true)
	f.Add("\n\n\n…….!?\xe2\x80", true)
	f.Add("Bonjour.\n\nAucun service ne vous demandera votre mot de passe, ni votre code : votre compte sera suspendu ce soir.", false)
	f.Add("Hi.\n\nWe will never ask you to share your password, or your PIN, your account will be suspended unless you verify it by email.", true)
	f.Add("Hi.\n\nIf you receive an email asking you to verify your account, do not click,ne,si,if x, not", true)
	links := []message.URL{{Raw: "https://x.example/a", Host: "x.example", Text: "ici"}}
	f.Fuzz(func(t *testing.T, body string, html bool) {
		start := time.Now()
		kept, cut := withoutDisclaimers(body, html, links)
		if !cut && kept != body {
			t.Fatal("changed the text without cutting")
		}
		if len(kept) > len(body) {
			t.Fatalf("grew: %d > %d", len(kept), len(body))
		}
		if cut && len(body)-len(kept) > disclaimerMaxBytes {
			t.Fatalf("cut %d bytes", len(body)-len(kept))
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("took %v", d)
		}
	})
}

// A disclaimer spares the themes its kind speaks of, and only those: the
// notice to a wrong addressee its "immédiatement", the anti-phishing
// reminder the requests it says will never come.
func TestDisclaimerSparesItsThemesOnly(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	intro := "Bonjour,\n\nLe compte rendu de la réunion de jeudi est joint, avec le planning.\n\n"
	tests := []struct {
		name, body string
		want       []string // the themes found
	}{
		{"received in error spares urgency", intro + "Si vous avez reçu ce message par erreur, avertissez immédiatement l'expéditeur.", nil},
		{"received in error, present tense", intro + "Si vous recevez ce message par erreur, merci de le détruire et d'en avertir immédiatement l'expéditeur.", nil},
		{"received in error, present tense, English", intro + "If you receive this email in error, please notify the sender immediately.", nil},
		{"confidential alone does not spare urgency", intro + "Ce message est confidentiel et à traiter immédiatement.", []string{"LURE_URGENCY"}},
		{"the reminder spares credentials", intro + "We will never ask you to click the link in an e-mail to access your account.", nil},
		{"the reminder does not spare urgency", intro + "Nous ne vous demanderons jamais vos codes, répondez immédiatement.", []string{"LURE_URGENCY"}},
		{"received in error does not spare credentials", intro + "If you received this email in error, access your account to report it.", []string{"LURE_CREDENTIALS"}},
		{"a wallet's reminder spares no crypto", intro + "We will never ask for your recovery phrase.", []string{"LURE_CRYPTO"}},
		{"a carrier's reminder spares the parcel fee", intro + "La Poste ne vous demandera jamais de payer des frais de réexpédition par courriel ou SMS.", nil},
		{"the parcel-fee lure beside the reminder", intro + "Votre colis est en attente : réglez les frais de réexpédition sur https://suivi-colis.example/paiement.\n\nLa Poste ne vous demandera jamais vos codes par courriel.", []string{"LURE_DELIVERY"}},
		{"a provider's reminder spares billing information", intro + "Remember: AOL will never ask for your password or billing information by e-mail or Instant Message.", nil},
		{"the billing lure beside the reminder", intro + "Your membership has expired: update your billing information to keep your account.\n\nWe will never ask for your password by e-mail.", []string{"LURE_BILLING"}},
		{"the reminder does not spare the billing update it asks for", intro + "We will never ask for your password, update your billing information now.", []string{"LURE_BILLING"}},
		{"the reminder does not spare the fee it asks for", intro + "La Poste ne vous demandera jamais vos codes, payez seulement les frais de réexpédition.", []string{"LURE_DELIVERY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: a@example.org\nTo: b@example.org\nSubject: Compte rendu", tt.body)
			got := map[string]bool{}
			for _, id := range c.Matches(checktest.Input(raw)) {
				got[c.Entries()[id].Signal] = true
			}
			if len(got) != len(tt.want) {
				t.Fatalf("themes %v, want %v", got, tt.want)
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Fatalf("themes %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestNamesAmount: a sum of money next to its currency, written the ways
// French and English mail write it; a number or a currency's name alone is
// none.
func TestNamesAmount(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"des frais de 1,99 € restent dus", true},
		{"des frais de 1,99\u00a0€ restent dus", true},
		{"des frais de 1,99\u202f€ restent dus", true},
		{"frais de réexpédition de 1,99 EUR", true},
		{"EUR 2.50 due", true},
		{"pay $5 now", true},
		{"3 euros", true},
		{"ne vous demandera jamais de payer des frais de réexpédition par courriel ou SMS", false},
		{"votre colis n° 12345 en Europe", false},
		{"en euros, jamais", false},
		{"neuro 12", false},
	} {
		if got := namesAmount(c.s); got != c.want {
			t.Errorf("namesAmount(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// A negated verb of delay or neglect urges rather than denies ("ne
// tardez pas", "n'hésitez jamais à", "do not delay"): the ask after it,
// beside a reminder in the same sentence or alone, is read by the lure
// families (urges); the genuine reminders stay spared.
func TestNegatedDelayUrgesTheAsk(t *testing.T) {
	filler := strings.Repeat("Le compte rendu de la réunion est joint au message. ", 3) + "\n\n"
	tests := []struct {
		sentence, ask string
		spared        bool
	}{
		{"Ne l'ignorez pas : vérifiez votre compte ici.", "vérifiez votre compte", false},
		{"Ne tardez pas : confirmez votre identité.", "confirmez votre identité", false},
		{"N'hésitez jamais à vérifier votre compte ici.", "vérifier votre compte", false},
		{"Do not ignore it: verify your account now.", "verify your account", false},
		{"Do not delay, confirm your password.", "confirm your password", false},
		{"Ne l'oubliez jamais : cliquez ici pour valider.", "cliquez ici pour valider", false},
		{"Ne communiquez jamais votre mot de passe et n'hésitez pas à vérifier votre compte dès aujourd'hui.", "vérifier votre compte", false},
		{"Nous ne vous demanderons jamais votre mot de passe, n'hésitez pas à vérifier votre compte dès aujourd'hui.", "vérifier votre compte", false},
		{"We will never ask for your password so do not hesitate to verify your account today.", "verify your account", false},
		{"Never hesitate to verify your account today, we will never ask for your password.", "verify your account", false},
		// The reminders.
		{"Ne communiquez jamais votre mot de passe.", "mot de passe", true},
		{"Nous ne vous demanderons jamais de vérifier votre compte.", "vérifier votre compte", true},
		{"Nous ne vous demanderons jamais d'attendre ni de confirmer votre mot de passe par courriel.", "confirmer votre mot de passe", true},
		{"We will never ask you to wait or to confirm your password by email.", "confirm your password", true},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			kept, _ := withoutDisclaimers(filler+tt.sentence, false, nil)
			if got := !strings.Contains(kept, tt.ask); got != tt.spared {
				t.Errorf("%q spared = %v, want %v: %q", tt.ask, got, tt.spared, kept)
			}
		})
	}
}
