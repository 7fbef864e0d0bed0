package fwdblock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// Header blocks as the mail clients write them (addresses are examples),
// and where the original's body starts after them.
func TestFindBlock(t *testing.T) {
	cases := []struct {
		name, text, from, subject, to, body string
	}{
		{"Outlook, English", "FYI\r\n\r\n________________________________\r\nFrom: Microsoft account team <no-reply@account-exemple.com>\r\nSent: Sunday, January 15, 2023 2:03 PM\r\nTo: Jean <jean@example.org>\r\nSubject: Unusual sign-in activity\r\n\r\nWe detected something unusual.",
			"Microsoft account team <no-reply@account-exemple.com>", "Unusual sign-in activity", "Jean <jean@example.org>", "\r\nWe detected"},
		{"Outlook, French", "Bonjour,\n\nDe : Facturation <facturation@fournisseur-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nÀ : Claire <c@example.fr>\nObjet : Facture FA-2024-01127\n\nMadame,",
			"Facturation <facturation@fournisseur-exemple.fr>", "Facture FA-2024-01127", "Claire <c@example.fr>", "\nMadame"},
		{"Outlook, French, no-break spaces", "De\u00a0: Facturation <f@fournisseur-exemple.fr>\nEnvoyé\u00a0: lundi 8 avril 2024\nObjet\u00a0: Facture\nMadame,",
			"Facturation <f@fournisseur-exemple.fr>", "Facture", "", "Madame"},
		{"French typography, narrow no-break spaces", "De\u202f: Facturation <f@fournisseur-exemple.fr>\nEnvoyé\u202f: lundi 8 avril 2024\nÀ\u202f: Claire <c@example.fr>\nObjet\u202f: Facture\u202f\nMadame,",
			"Facturation <f@fournisseur-exemple.fr>", "Facture", "Claire <c@example.fr>", "Madame"},
		{"Outlook, Portuguese, Cc", "________________________________\nDe: Nigel Prideaux <info@mail-exemple.com>\nEnviado: terça-feira, 14 de fevereiro de 2023 11:30\nCc: a@example.org\nAssunto: Your Urgent Notice\n\nGreet to you,",
			"Nigel Prideaux <info@mail-exemple.com>", "Your Urgent Notice", "", "\nGreet"},
		{"Outlook for Windows, Brazilian Portuguese", "\r\n________________________________\r\nDe: Banco do Brasil [mailto:avisos@bb-atendimento-exemple.com]\r\nEnviada em: segunda-feira, 27 de fevereiro de 2023 21:15\r\nPara: Maria Souza <maria.souza@example.org>\r\nAssunto: Seu acesso foi bloqueado\r\n\r\nPrezado cliente,",
			"Banco do Brasil [mailto:avisos@bb-atendimento-exemple.com]", "Seu acesso foi bloqueado", "Maria Souza <maria.souza@example.org>", "\r\nPrezado"},
		{"Outlook for Windows, Spanish", "De: Facturación [mailto:facturas@proveedor-exemple.es]\nEnviado el: viernes, 16 de junio de 2017 12:03 p.m.\nPara: Carmen <carmen@example.org>; Luis <luis@example.org>\nCC: compras@example.org\nAsunto: Factura 2017-0412\n\nEstimada Carmen,",
			"Facturación [mailto:facturas@proveedor-exemple.es]", "Factura 2017-0412", "Carmen <carmen@example.org>; Luis <luis@example.org>", "\nEstimada"},
		{"Outlook for Windows, Spanish, flattened by HTML", "De: Facturación <facturas@proveedor-exemple.es> Enviado el: viernes, 16 de junio de 2017 12:03 Para: Carmen <carmen@example.org> Asunto: Factura 2017-0412 Estimada Carmen",
			"Facturación <facturas@proveedor-exemple.es>", "Factura 2017-0412 Estimada Carmen", "Carmen <carmen@example.org>", ""},
		{"Outlook, plain text of old versions", "-----Original Message-----\nFrom: John Smith [mailto:john@fournisseur-exemple.com]\nSent: Monday, April 8, 2024 9:41 AM\nTo: Claire\nSubject: Quote 2024-118\nImportance: High\n\nHello,",
			"John Smith [mailto:john@fournisseur-exemple.com]", "Quote 2024-118", "Claire", "\nHello"},
		{"Outlook, bold labels rendered as text", "*From:* Service <s@exemple.com>\n*Sent:* Monday\n*Subject:* Notice\n\nText",
			"Service <s@exemple.com>", "Notice", "", "\nText"},
		{"Gmail", "---------- Forwarded message ---------\nFrom: *Fedex* <services@colis-exemple.us>\nDate: Thu, Apr 6, 2023 at 11:24 PM\nSubject: Your package delivery Notification\nTo: <jean@example.org>\n\n\nPackage pending",
			"Fedex* <services@colis-exemple.us>", "Your package delivery Notification", "<jean@example.org>", "\n\nPackage"},
		{"Thunderbird: subject and date above the sender", "-------- Forwarded Message --------\nSubject: \tOrder 4471\nDate: \tMon, 8 Apr 2024 09:41:00 +0200\nFrom: \tShop <orders@shop-exemple.com>\nTo: \tClaire <c@example.fr>\n\n\nThank you",
			"Shop <orders@shop-exemple.com>", "Order 4471", "Claire <c@example.fr>", "\n\nThank you"},
		{"Thunderbird, French", "-------- Message transféré --------\nSujet : \tProgramme\nDate : \tFri, 12 Jun 2026 14:30:00 +0200\nDe : \tSecrétariat <congres@exemple.org>\nPour : \tNicolas <n@exemple.fr>\n\n\nChers collègues",
			"Secrétariat <congres@exemple.org>", "Programme", "Nicolas <n@exemple.fr>", "\n\nChers"},
		{"Apple Mail, quoted", "> Begin forwarded message:\n> \n> From: Banque <alerte@banque-exemple.fr>\n> Subject: Alerte\n> Date: 8 April 2024 at 09:41:00 CEST\n> To: c@example.fr\n> Reply-To: support@autre-exemple.fr\n> \n> Madame,",
			"Banque <alerte@banque-exemple.fr>", "Alerte", "c@example.fr", "> \n> Madame"},
		{"flattened by HTML", "De: Emmanuel Hudson <emhudson@free-exemple.com> Enviado: quarta-feira, 3 de maio de 2023 16:39 Para: jean <j@example.org> Assunto: REPLY IMMEDIATELY Dear beneficiary",
			"Emmanuel Hudson <emhudson@free-exemple.com>", "REPLY IMMEDIATELY Dear beneficiary", "jean <j@example.org>", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := findBlock(tc.text)
			if !ok || b.From != tc.from || b.Subject != tc.subject || b.To != tc.to {
				t.Fatalf("got %+v %v", b, ok)
			}
			body := ""
			if b.End >= 0 {
				body = tc.text[b.End:]
			}
			if tc.body == "" && b.End >= 0 || !strings.HasPrefix(body, tc.body) {
				t.Errorf("body %q, want it to start with %q (end %d)", body, tc.body, b.End)
			}
		})
	}
	for _, text := range []string{
		"Hello,\nthe patch from: Dan fixes it.\nThanks",
		strings.Repeat("x", 3100) + "\nFrom: a <a@b.example>\nSent: now\nSubject: late quotation",
		"From: a <a@b.example>\nSubject: no date\n\nbody",
	} {
		if b, ok := findBlock(text); ok {
			t.Errorf("%.40q: found %+v", text, b)
		}
	}
}

// The visible lines of the HTML that clients write around a block, each
// byte tied to the markup it comes from.
func TestHTMLLines(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"Outlook on the web", `<html><head><style>p{margin:0}</style></head><body><div>FYI</div><hr><div id="divRplyFwdMsg"><font><b>De:</b> Chase &lt;a@b.example&gt;<br><b>Assunto:</b> Conta</font><div>&nbsp;</div></div><p>Dear &amp; co</p>`,
			"FYI\nDe: Chase <a@b.example>\nAssunto: Conta\n \nDear & co\n"},
		{"Outlook desktop (Word)", `<p class=MsoNormal><b><span lang=FR>De&nbsp;:</span></b><span lang=FR> Service &lt;s@x.example&gt;<br><b>Objet&nbsp;:</b> Facture<o:p></o:p></span></p><!-- c --><xml><o:x>hidden</o:x></xml>`,
			"De : Service <s@x.example>\nObjet : Facture\n"},
		{"Thunderbird", `-------- Forwarded Message --------<table class="moz-email-headers-table"><tr><th>Subject: </th><td>Test</td></tr><tr><th>From: </th><td>A <a class="x" href="mailto:a@x.example">&lt;a@x.example&gt;</a></td></tr></table>`,
			"-------- Forwarded Message --------\nSubject: Test \nFrom: A <a@x.example> \n"},
		{"broken markup", `<p>a<b c="x>y`, "a"},
		{"comments that end as browsers end them", `<!-->De: a<br><!--->Objet: b<!-- x --!>c<!-- y --->d`, "De: a\nObjet: bcd"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, at := htmlLines(tc.doc, Window)
			if text != tc.want || len(at) != len(text) {
				t.Errorf("got %q (%d offsets)", text, len(at))
			}
			for i := 1; i < len(at); i++ {
				if at[i] < at[i-1] || at[i] >= len(tc.doc) {
					t.Fatalf("offset %d of %q", at[i], text[:i+1])
				}
			}
		})
	}
}

func TestHasMarker(t *testing.T) {
	for text, want := range map[string]bool{
		"Hi\n\n---------- Forwarded message ---------\nFrom: a":          true,
		"> Début du message réexpédié :\n>\n> De: a":                     true,
		"-----Ursprüngliche Nachricht-----\r\nVon: a":                    true,
		"--------  Original Message  --------":                           true,
		"The forwarded message is below.\nFrom: a":                       false,
		"---\nbegin forwarded message is what Apple writes:\n":           false,
		strings.Repeat("x\n", 1600) + "---------- Forwarded message ---": false,
	} {
		if hasMarker(text) != want {
			t.Errorf("%.50q: %v", text, !want)
		}
	}
}

func FuzzFindBlock(f *testing.F) {
	for _, s := range []string{"From: a <a@b>\nSent: x\nSubject: y\n", "De : \nEnvoyé :\nObjet :", "from:from:subject:date:", "*From:* *Date:* *Subject:*",
		"Subject: s\nDate: d\nFrom: x <a@b> <c@d>\nTo: e\n\nbody", "> From: a [mailto:a@b]\n> Sent: x\n> Subject: y\n>\n",
		"From: a@b em nome de N\nDate: x\nSubject: y", "De\u202f: a\nDate\u00a0\u202f: x\nObjet \u202f: y\u202f\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := findBlock(s)
		if !ok {
			return
		}
		if b.From == "" || len(b.From) > 210 || len(b.Subject) > 210 || b.End > len(s) || b.End > Window || b.Start > b.End && b.End >= 0 {
			t.Errorf("%q: %+v", s, b)
		}
	})
}

// hasMarker reads only the lines holding "---" or a colon: it answers as
// reading every line does.
func FuzzHasMarker(f *testing.F) {
	for _, s := range []string{"---------- Forwarded message ---------\nFrom: a", "x: y\n\nBegin forwarded message:\n", "---\n:\n-----Original Message-----",
		"a:b:c\n> Début du message réexpédié :\u00a0\n", strings.Repeat(":\n", 1600), strings.Repeat("---", 1100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasMarker(s), markerEveryLine(s); got != want {
			t.Errorf("%q: %v, every line says %v", s, got, want)
		}
	})
}

// markerEveryLine is hasMarker reading every line, as it did first.
func markerEveryLine(text string) bool {
	text = text[:min(len(text), Window)]
	for line := range strings.SplitSeq(text, "\n") {
		if markerLine(line) {
			return true
		}
	}
	return false
}

// BenchmarkHasMarker runs the test on the bodies of the shared corpus's
// legitimate mail, none of them a forward: every message pays for it.
// every-line is the test reading every line, for comparison.
func BenchmarkHasMarker(b *testing.B) {
	files, _ := filepath.Glob("../../../shared/corpus/ham/*.eml")
	if len(files) == 0 {
		b.Skip("no shared corpus")
	}
	var texts []string
	for _, name := range files[:min(len(files), 300)] {
		raw, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		m := message.Parse(raw, message.DefaultLimits())
		texts = append(texts, m.Text, m.HTMLText)
	}
	for _, bc := range []struct {
		name string
		f    func(string) bool
	}{{"lines", hasMarker}, {"every-line", markerEveryLine}} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				bc.f(texts[n%len(texts)])
				n++
			}
		})
	}
}

// Any HTML gives lines tied to offsets inside it, and a block found in
// them cuts the document and the forwarder's words where they are.
func FuzzHTMLLines(f *testing.F) {
	for _, s := range []string{"<b>From:</b> a &lt;a@b&gt;<br>Sent: x<br>Subject: y<div>z", "<!--", "<style>x", "&#x110000;&#0;&amp", "<a b='>'>c</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		text, at := htmlLines(doc, Window)
		if len(at) != len(text) || len(text) > Window+8 {
			t.Fatalf("%d bytes, %d offsets", len(text), len(at))
		}
		for i, o := range at {
			if o < 0 || o >= len(doc) || i > 0 && o < at[i-1] {
				t.Fatalf("offset %d at %d", o, i)
			}
		}
		raw := []byte("Subject: Fw: x\r\nContent-Type: text/html\r\n\r\n" + doc)
		m := message.Parse(raw, message.DefaultLimits())
		if fd, ok := Recognise(m.Subject, m); ok {
			if fd.Kind == "text/html" && !strings.HasSuffix(m.HTML, fd.Body) || len(fd.Own) > Window {
				t.Errorf("body %.40q, own %.40q", fd.Body, fd.Own)
			}
		}
	})
}
