package forward

import (
	"context"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/scan"
)

// vouchProbe records why the forward it sees does not vouch for its
// original, after the sender family has run.
type vouchProbe struct{ why *[]string }

func (vouchProbe) Name() string { return "vouch-probe" }

func (p vouchProbe) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	if in.Forward == nil {
		*p.why = []string{"no forward"}
		return
	}
	*p.why = unvouched(in, out)
}

// Which forwards vouch for their original, as the clients write them and
// as a phisher types one; the forwarder's authentication is read from the
// golden messages' MX trace.
func TestUnvouched(t *testing.T) {
	const (
		gmailAuth = "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"
		orgAuth   = "spf=pass smtp.mailfrom=partenaire-exemple.fr; dkim=pass header.d=partenaire-exemple.fr; dmarc=pass header.from=partenaire-exemple.fr"
		noAuth    = "spf=none smtp.mailfrom=cabinet-exemple.fr; dkim=none; dmarc=none header.from=cabinet-exemple.fr"
		outlook   = "________________________________\nDe : Service <s@service-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nÀ : agent@example-hopital.fr\nObjet : Avis\n\nTexte\n"
		typed     = "De : Service <s@service-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nÀ : agent@example-hopital.fr\nObjet : Avis\n\nTexte\n"
		gmail     = "---------- Forwarded message ---------\nFrom: *Service* <s@service-exemple.fr>\nDate: Mon, Apr 8, 2024 at 9:41 AM\nSubject: Avis\nTo: <agent@example-hopital.fr>\n\n\nTexte\n"
		apple     = "Début du message réexpédié\u00a0:\n\nDe: Service <s@service-exemple.fr>\nObjet: Avis\nDate: 8 avril 2024 à 09:41:00 UTC+2\nÀ: agent@example-hopital.fr\n\nTexte\n"
		yahoo     = "----- Message transféré -----\nDe : Service <s@service-exemple.fr>\nÀ : agent@example-hopital.fr\nEnvoyé : lundi 8 avril 2024 à 09:41:00 UTC+2\nObjet : Avis\n\nTexte\n"
		refs      = "References: <a1@service-exemple.fr>\n"
	)
	html := func(above, block string) string {
		return "Content-Type: text/html; charset=utf-8\n\n<html><body><div>Pour info</div>" + above + "<p>" + strings.ReplaceAll(block, "\n", "<br>") + "</p><p>Texte</p></body></html>\n"
	}
	plain := func(body string) string { return "Content-Type: text/plain; charset=utf-8\n\n" + body }
	cases := []struct {
		name, from, auth, headers, body string
		want                            []string
	}{
		{"a partner's Outlook forward", "Claire <claire@partenaire-exemple.fr>", orgAuth, "", plain("Pour info\n\n" + outlook), nil},
		{"a partner's Outlook forward in HTML only", "Claire <claire@partenaire-exemple.fr>", orgAuth, "",
			html(`<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">`, "De : Service &lt;s@service-exemple.fr&gt;\nEnvoyé : lundi\nObjet : Avis"), nil},
		// A free mailbox's thread headers are its sender's text: they
		// vouch for nothing, genuine or forged.
		{"a father's Outlook.com forward: the rule, Thread-Topic", "Marc <marc@outlook.fr>",
			"spf=pass smtp.mailfrom=outlook.fr; dkim=pass header.d=outlook.fr; dmarc=pass header.from=outlook.fr", "Thread-Topic: Avis\n", plain("Regarde\n\n" + outlook), []string{whyFreemail}},
		{"a relative's Gmail forward", "Marc <marc@gmail.com>", gmailAuth, "In-Reply-To: <a1@service-exemple.fr>\n" + refs, plain(gmail), []string{whyFreemail}},
		{"a Gmail forward with a forged References", "Paul <paul@gmail.com>", gmailAuth, "References: <CAFk3q9sZx0Lr2Tq8vWm1nYp@mail.gmail.com>\n", plain(gmail), []string{whyFreemail}},
		{"a relative's Apple Mail forward", "Hélène <helene@gmail.com>", gmailAuth, refs, plain(apple), []string{whyFreemail}},
		{"an Outlook child Thread-Index", "Marc <marc@gmail.com>", gmailAuth, "Thread-Index: AdpziqGsL7YUr6WjRv2aHgJEzbxuCgAAAAAA\n", plain(outlook), []string{whyFreemail}},
		{"a phisher types a block on a free mailbox", "Paul <paul@gmail.com>", gmailAuth, "", plain(typed), []string{whyTyped, whyFreemail}},
		{"a phisher types a rule and a block on a free mailbox", "Paul <paul@gmail.com>", gmailAuth, "", plain(outlook), []string{whyFreemail}},
		{"a block typed by an authenticated partner", "Claire <claire@partenaire-exemple.fr>", orgAuth, "", plain(typed), []string{whyTyped}},
		{"an Outlook forward from an unauthenticated domain", "Cabinet <c@cabinet-exemple.fr>", noAuth, "", plain(outlook), []string{whyUnauthenticated}},
		{"Yahoo writes no References", "Gérard <gerard@yahoo.fr>",
			"spf=pass smtp.mailfrom=yahoo.fr; dkim=pass header.d=yahoo.fr; dmarc=pass header.from=yahoo.fr", "", plain(yahoo), []string{whyFreemail}},
		{"client markup in the original, not above it", "Paul <paul@gmail.com>", gmailAuth, "",
			html("", "De : Service &lt;s@service-exemple.fr&gt;\nEnvoyé : lundi\nObjet : Avis") + "", []string{whyTyped, whyFreemail}},
	}
	// The last case's original quotes a Gmail thread of its own.
	cases[len(cases)-1].body = strings.Replace(cases[len(cases)-1].body, "<p>Texte</p>", `<p>Texte</p><div class="gmail_quote">vieux fil</div>`, 1)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := "Authentication-Results: " + checktest.MX + "; " + tc.auth + "\n" +
				"Received: from mail.example (mail.example [198.51.100.40])\n\tby " + checktest.MX + " (Postfix) with ESMTP id 4Xf1; Mon, 8 Apr 2024 10:00:02 +0200 (CEST)\n" +
				"From: " + tc.from + "\nTo: agent@example-hopital.fr\nSubject: TR: Avis\nDate: Mon, 8 Apr 2024 10:00:00 +0200\nMessage-ID: <f1@mail.example>\n" +
				tc.headers + "MIME-Version: 1.0\n" + tc.body
			b := []byte(strings.ReplaceAll(raw, "\n", "\r\n"))
			var why []string
			families := []scan.Family{sender.New(nil)}
			s := &scan.Scanner{Policy: scan.DefaultPolicy(), Auth: checktest.Auth, Catalogue: scan.MustCatalogue(families...), Timeout: checktest.ScanTimeout}
			s.Checks = append(families[0].Checks(), vouchProbe{&why})
			s.Scan(t.Context(), b, scan.Envelope{})
			if !slices.Equal(why, tc.want) {
				t.Errorf("unvouched: %q, want %q", why, tc.want)
			}
		})
	}
}

// Whatever a forward's bodies hold, reading whether a client wrote its
// block does not fail, and the client's markup above the original is
// found.
func FuzzVouch(f *testing.F) {
	f.Add("Pour info\n\n________________________________\n", "<div id=\"divRplyFwdMsg\">", "<p>x</p>", true)
	f.Add("", "", "", false)
	f.Fuzz(func(t *testing.T, own, above, body string, marked bool) {
		fb := &fwdblock.Found{Own: own, Marked: marked, Body: body, Kind: "text/html"}
		if clientWritten(fb, above+body) != (marked || ruleAbove(own) || markupIn(above)) {
			t.Errorf("clientWritten(%q above %q) disagrees with the markup", above, body)
		}
		fb.Body = above + body + "x"
		clientWritten(fb, above+body)
	})
}

// markupIn is clientWritten's search, written out: a client's markup in
// the last maxMarkupScan bytes of what stands above the original.
func markupIn(above string) bool {
	lower := strings.ToLower(above[max(0, len(above)-maxMarkupScan):])
	return slices.ContainsFunc(clientMarkup, func(m string) bool { return strings.Contains(lower, m) })
}
