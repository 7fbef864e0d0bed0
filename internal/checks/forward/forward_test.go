package forward

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Header blocks as the mail clients write them (addresses are examples).
func TestFindBlock(t *testing.T) {
	cases := []struct {
		name, text, from, subject string
	}{
		{"Outlook, English", "FYI\r\n\r\n________________________________\r\nFrom: Microsoft account team <no-reply@account-exemple.com>\r\nSent: Sunday, January 15, 2023 2:03 PM\r\nTo: Jean <jean@example.org>\r\nSubject: Unusual sign-in activity\r\n\r\nWe detected something unusual.",
			"Microsoft account team <no-reply@account-exemple.com>", "Unusual sign-in activity"},
		{"Outlook, French", "Bonjour,\n\nDe : Facturation <facturation@fournisseur-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nÀ : Claire <c@example.fr>\nObjet : Facture FA-2024-01127\n\nMadame,",
			"Facturation <facturation@fournisseur-exemple.fr>", "Facture FA-2024-01127"},
		{"Outlook, Portuguese", "________________________________\nDe: Nigel Prideaux <info@mail-exemple.com>\nEnviado: terça-feira, 14 de fevereiro de 2023 11:30\nAssunto: Your Urgent Notice\n\nGreet to you,",
			"Nigel Prideaux <info@mail-exemple.com>", "Your Urgent Notice"},
		{"Gmail", "---------- Forwarded message ---------\nFrom: *Fedex* <services@colis-exemple.us>\nDate: Thu, Apr 6, 2023 at 11:24 PM\nSubject: Your package delivery Notification\nTo: <jean@example.org>\n",
			"Fedex <services@colis-exemple.us>", "Your package delivery Notification"},
		{"flattened by HTML", "De: Emmanuel Hudson <emhudson@free-exemple.com> Enviado: quarta-feira, 3 de maio de 2023 16:39 Para: jean <j@example.org> Assunto: REPLY IMMEDIATELY Dear beneficiary",
			"Emmanuel Hudson <emhudson@free-exemple.com>", "REPLY IMMEDIATELY Dear beneficiary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := findBlock(tc.text)
			if !ok || b.from != tc.from || b.subject != tc.subject {
				t.Errorf("got %+v %v", b, ok)
			}
		})
	}
	for _, text := range []string{
		"Hello,\nthe patch from: Dan fixes it.\nThanks",
		strings.Repeat("x", 3100) + "\nFrom: a <a@b.example>\nSent: now\nSubject: late quotation",
	} {
		if b, ok := findBlock(text); ok {
			t.Errorf("%.40q: found %+v", text, b)
		}
	}
}

func TestForwardSubject(t *testing.T) {
	for s, want := range map[string]bool{"Fw: x": true, "TR: Facture": true, "Fwd: a": true, "ENC: b": true, "Re: c": false, "Facture": false} {
		if forwardSubject(s) != want {
			t.Errorf("%q", s)
		}
	}
}

// The original is rebuilt with the block's sender and subject and the
// forward's body; the check reports it when the inner scan flags it, and
// leaves an internal user's report alone.
func TestCheckScansTheOriginal(t *testing.T) {
	raw := []byte(strings.ReplaceAll("From: Jean <jean@example.org>\nTo: abuse@example.org\nSubject: Fw: Unusual sign-in\nDate: Mon, 16 Jan 2023 16:52:33 +0000\nMessage-ID: <f1@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"+
		"From: Microsoft account team <no-reply@account-exemple.com>\nSent: Sunday, January 15, 2023 2:03 PM\nSubject: Unusual sign-in activity\n\nWe detected something unusual.\n", "\n", "\r\n"))
	var got []byte
	c := &Check{Inner: func(_ context.Context, inner []byte, _ scan.Envelope) *scan.Verdict {
		got = inner
		return &scan.Verdict{Action: scan.Tag, Signals: []scan.Signal{{Name: "BRAND_DISPLAY_NAME", Weight: 5}}}
	}}
	run := func(env scan.Envelope) *scan.Emitter {
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), env)
		var out scan.Emitter
		c.Check(context.Background(), in, &out)
		return &out
	}
	if out := run(scan.Envelope{}); !out.Emitted("FORWARDED_PHISH") {
		t.Error("no FORWARDED_PHISH")
	}
	m := message.Parse(got, message.DefaultLimits())
	if m.FromAddr().Addr != "no-reply@account-exemple.com" || m.Subject != "Unusual sign-in activity" || !strings.Contains(m.Text, "something unusual") {
		t.Errorf("original: from %q subject %q", m.FromAddr().Addr, m.Subject)
	}
	got = nil
	if out := run(scan.Envelope{Authenticated: true}); out.Emitted("FORWARDED_PHISH") || got != nil {
		t.Error("an internal user's report was judged")
	}
}

func FuzzFindBlock(f *testing.F) {
	for _, s := range []string{"From: a <a@b>\nSent: x\nSubject: y\n", "De : \nEnvoyé :\nObjet :", "from:from:subject:date:", "*From:* *Date:* *Subject:*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, ok := findBlock(s); ok && (b.from == "" || len(b.from) > 210 || len(b.subject) > 210) {
			t.Errorf("%q: %+v", s, b)
		}
	})
}
