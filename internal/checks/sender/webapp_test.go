package sender

import (
	"context"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// TestWebAppNotice: the edges of webAppNotice and visitorReplyTo, on
// Contact Form 7's default mail (WPCF7_ContactFormTemplate::mail()).
func TestWebAppNotice(t *testing.T) {
	const cf7 = "To: contact@atelier-exemple.fr\nSubject: Atelier Exemple \"Devis\"\nDate: Wed, 2 Dec 2026 21:14:04 +0000\nMessage-ID: <w1@www.atelier-exemple.fr>\n" +
		"X-PHP-Originating-Script: 180223:class-phpmailer.php\nX-Mailer: PHPMailer 6.9.1\n"
	const footer = "\n-- \nThis e-mail was sent from a contact form on Atelier Exemple (https://www.atelier-exemple.fr)\n"
	env := scan.Envelope{MailFrom: "www-data@web.atelier-exemple.fr"}
	cases := []struct {
		name   string
		raw    string
		spared bool // no web-server signal
		reply  bool // REPLYTO_FREEMAIL raised
	}{
		{"the default template, the visitor's address as Reply-To",
			"From: Atelier Exemple <wordpress@atelier-exemple.fr>\nReply-To: Julie <julie.m@gmail.com>\n" + cf7 +
				"\nFrom: Julie <julie.m@gmail.com>\nSubject: Devis\n\nMessage Body:\nUn dressing sous combles.\n" + footer, true, false},
		{"a link to another site",
			"From: Atelier Exemple <wordpress@atelier-exemple.fr>\nReply-To: Julie <julie.m@gmail.com>\n" + cf7 +
				"\nFrom: Julie <julie.m@gmail.com>\nSubject: Devis\n\nMessage Body:\nVoir https://plans-dressing.example-files.top/d\n" + footer, false, true},
		{"a Reply-To the body does not print",
			"From: Atelier Exemple <wordpress@atelier-exemple.fr>\nReply-To: other.box@gmail.com\n" + cf7 +
				"\nFrom: Julie <julie.m@gmail.com>\nSubject: Devis\n\nMessage Body:\nUn dressing sous combles.\n" + footer, true, true},
		{"the footer from a free mailbox",
			"From: Julie <julie.m@gmail.com>\n" + cf7 + "\nUn dressing sous combles.\n" + footer, false, false},
		{"no template",
			"From: Atelier Exemple <wordpress@atelier-exemple.fr>\n" + cf7 + "\nUn dressing sous combles.\n", false, false},
		{"Gravity Forms' default subject",
			strings.Replace("From: Gites <wordpress@atelier-exemple.fr>\n"+cf7, "Subject: Atelier Exemple \"Devis\"", "Subject: New submission from Contact", 1) +
				"\nNom: Kevin\nMessage: Le gite est-il libre ?\n", true, false},
	}
	for _, c := range cases {
		b := []byte(strings.ReplaceAll(c.raw, "\n", "\r\n"))
		in := scan.NewInput(b, message.Parse(b, message.DefaultLimits()), env)
		var out scan.Emitter
		New(nil).Check(context.Background(), in, &out)
		web := out.Emitted("ENVELOPE_WEBSERVER_USER") || out.Emitted("PHP_SCRIPT_TRACE") || out.Emitted("PHPMAILER")
		if web == c.spared {
			t.Errorf("%s: web-server signals raised %v, want %v", c.name, web, !c.spared)
		}
		if got := out.Emitted("REPLYTO_FREEMAIL"); got != c.reply {
			t.Errorf("%s: REPLYTO_FREEMAIL %v, want %v", c.name, got, c.reply)
		}
	}
}

// A template's typographic apostrophe matches the text's either way
// (webAppSpellings), as when the text was first written with typographic
// apostrophes only; an ASCII apostrophe elsewhere changes nothing.
func TestWebAppApostrophes(t *testing.T) {
	const woo = "you’ve received the following order from"
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"you’ve received the following order from jean dupont:", true},
		{"you've received the following order from jean dupont:", true},
		{"l'atelier: you've received the following order from", true},
		{"youve received the following order from", false},
		{"you`ve received the following order from", false},
	} {
		i := slices.IndexFunc(webAppTemplates, func(w webAppTemplate) bool { return w.phrase == woo })
		if got := containsAny(tc.text, webAppSpellings[i]); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.text, got, tc.want)
		}
	}
	for _, w := range webAppTemplates {
		if strings.Contains(w.phrase, "'") {
			t.Errorf("%q: templates write the typographic apostrophe", w.phrase)
		}
	}
	if got := apostrophed("a’b’c"); len(got) != 4 || !slices.Contains(got, "a'b’c") || !slices.Contains(got, "a’b'c") {
		t.Errorf("apostrophed = %q", got)
	}
}
