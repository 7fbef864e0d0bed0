package message

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, name string) *Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(raw, DefaultLimits())
}

// findURL returns the first URL with raw and source, or nil.
func findURL(m *Message, raw string, src URLSource) *URL {
	for i, u := range m.URLs {
		if u.Raw == raw && u.Source == src {
			return &m.URLs[i]
		}
	}
	return nil
}

func wantDefects(t *testing.T, m *Message, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if !m.HasDefect(c) {
			t.Errorf("defect %s missing; got %+v", c, m.Defects)
		}
	}
	if len(codes) == 0 && len(m.Defects) > 0 {
		t.Errorf("unexpected defects %+v", m.Defects)
	}
}

func wantURL(t *testing.T, m *Message, raw string, src URLSource, host string) *URL {
	t.Helper()
	u := findURL(m, raw, src)
	if u == nil {
		t.Errorf("URL %q (%s) missing; got %+v", raw, src, m.URLs)
		return &URL{}
	}
	if u.Host != host {
		t.Errorf("URL %q: Host = %q, want %q", raw, u.Host, host)
	}
	return u
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, m *Message)
	}{
		{"invoice-fr-cp1252-qp.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if got := m.FromAddr(); got.Name != "Service Facturés Chorus Pro" || got.Addr != "noreply@chorus-pro-gouv.fr.example.net" {
				t.Errorf("From = %+v", got)
			}
			if m.Subject != "Facture impayée n° 2025-0412 – relance avant pénalités" {
				t.Errorf("Subject = %q", m.Subject)
			}
			if len(m.ReplyTo) != 1 || m.ReplyTo[0].Domain() != "factures-en-ligne.example.net" {
				t.Errorf("ReplyTo = %+v", m.ReplyTo)
			}
			if !m.Date.Equal(time.Date(2025, 1, 13, 7, 41, 15, 0, time.UTC)) {
				t.Errorf("Date = %v", m.Date)
			}
			if m.MessageID != "0412.relance.1736754075@mailer.factures-en-ligne.example.net" {
				t.Errorf("MessageID = %q", m.MessageID)
			}
			for _, s := range []string{"1 240,00 € reste impayée", "conformément à l'article"} {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q: %q", s, m.Text)
				}
			}
			if strings.Contains(m.Text, "\r") {
				t.Errorf("Text keeps CR: %q", m.Text)
			}
			if !strings.Contains(m.HTMLText, "montant de 1 240,00 € reste") || strings.Contains(m.HTMLText, "Relance") || strings.Contains(m.HTMLText, "btn") {
				t.Errorf("HTMLText = %q", m.HTMLText)
			}
			if !slices.Equal(m.ImageAlts, []string{"Chorus Pro — République Française"}) {
				t.Errorf("ImageAlts = %q", m.ImageAlts)
			}
			const pay = "https://chorus-pro.gouv.fr.factures-en-ligne.example.net/paiement?id=3F9A2C&ref=2025-0412"
			if u := wantURL(t, m, pay, URLFromHref, "chorus-pro.gouv.fr.factures-en-ligne.example.net"); u.Text != "Consulter la facture" {
				t.Errorf("anchor text = %q", u.Text)
			}
			wantURL(t, m, pay, URLFromText, "chorus-pro.gouv.fr.factures-en-ligne.example.net")
			if len(m.Parts) != 3 || m.Parts[1].Charset != "windows-1252" || m.Parts[2].Encoding != "quoted-printable" {
				t.Errorf("Parts = %+v", m.Parts)
			}
			if len(m.Attachments) != 0 {
				t.Errorf("Attachments = %+v", m.Attachments)
			}
		}},
		{"nested-html-attachment.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			paths := []string{}
			for _, p := range m.Parts {
				paths = append(paths, p.Path+" "+p.ContentType)
			}
			want := []string{" multipart/mixed", "1 multipart/alternative", "1.1 text/plain", "1.2 text/html", "2 text/html", "3 application/octet-stream"}
			if !slices.Equal(paths, want) {
				t.Errorf("parts = %q, want %q", paths, want)
			}
			if len(m.Attachments) != 2 {
				t.Fatalf("Attachments = %+v", m.Attachments)
			}
			a := m.Attachments[0]
			if a.Filename != "Reçu de paiement.html" || a.SniffedType != "text/html" || a.Path != "2" || a.Size != int64(len(a.Data)) || len(a.SHA256) != 64 {
				t.Errorf("HTML attachment = %+v", a)
			}
			if z := m.Attachments[1]; z.Filename != "documents.zip" || z.SniffedType != "application/zip" || z.DeclaredType != "application/octet-stream" {
				t.Errorf("zip attachment = %+v", z)
			}
			if !strings.Contains(m.Text, "reçu de paiement") || !strings.Contains(m.HTMLText, "reçu de paiement") {
				t.Errorf("Text %q HTMLText %q", m.Text, m.HTMLText)
			}
			for _, raw := range []string{
				"https://collect.example-bad.ru/post.php",
				"https://redirect.example-bad.ru/landing?src=mail",
				"https://collect.example-bad.ru/api/v2/creds",
			} {
				if u := findURL(m, raw, URLFromAttachment); u == nil || u.In != "Reçu de paiement.html" {
					t.Errorf("attachment URL %q = %+v", raw, u)
				}
			}
			for _, u := range m.URLs {
				if strings.Contains(u.Raw, "relative") {
					t.Errorf("relative URL kept: %+v", u)
				}
				if strings.HasPrefix(u.Raw, "data:image/png") && u.Host != "" {
					t.Errorf("data: URL with host: %+v", u)
				}
			}
		}},
		{"svg-script.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if len(m.Attachments) != 1 || m.Attachments[0].SniffedType != "image/svg+xml" || m.Attachments[0].DeclaredType != "application/octet-stream" {
				t.Fatalf("Attachments = %+v", m.Attachments)
			}
			if u := wantURL(t, m, "https://svg-link.example-bad.ru/open", URLFromAttachment, "svg-link.example-bad.ru"); u.In != "Facture_0934.svg" || u.Text != "Ouvrir le document" {
				t.Errorf("svg link = %+v", u)
			}
			wantURL(t, m, "https://svg-landing.example-bad.ru/?e=", URLFromAttachment, "svg-landing.example-bad.ru")
			if m.HTMLText != "" {
				t.Errorf("attachment text leaked into HTMLText: %q", m.HTMLText)
			}
		}},
		{"pdf-uri.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if len(m.Attachments) != 1 || m.Attachments[0].Filename != "Relevé_bancaire.pdf" || m.Attachments[0].SniffedType != "application/pdf" {
				t.Fatalf("Attachments = %+v", m.Attachments)
			}
			wantURL(t, m, "https://pdf-link.example-bad.ru/a?x=1", URLFromAttachment, "pdf-link.example-bad.ru")
			wantURL(t, m, "https://pdf-hidden.example-bad.ru/b(1)", URLFromAttachment, "pdf-hidden.example-bad.ru")
			wantURL(t, m, "https://pdf-hex.example-bad.ru/c", URLFromAttachment, "pdf-hex.example-bad.ru")
			if m.Text != "Veuillez consulter votre relevé ci-joint.\n" {
				t.Errorf("Text = %q", m.Text)
			}
		}},
		{"subject-utf8-b.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if m.Subject != "Votre colis est bloqué – frais de douane à régler" {
				t.Errorf("Subject = %q", m.Subject)
			}
			if got := m.FromAddr(); got != (Address{Addr: "colissimo@suivi-colis.example.net"}) {
				t.Errorf("From = %+v", got)
			}
			want := []Address{
				{Name: "Dupont, Jean", Addr: "jean.dupont@example-hopital.fr"},
				{Name: "Renée Martin", Addr: "renee.martin@example-hopital.fr"},
			}
			if !slices.Equal(m.To, want) {
				t.Errorf("To = %+v", m.To)
			}
			if len(m.Cc) != 0 {
				t.Errorf("Cc = %+v", m.Cc)
			}
			if !m.Date.Equal(time.Date(2025, 3, 4, 15, 20, 5, 0, time.UTC)) {
				t.Errorf("Date = %v", m.Date)
			}
			wantURL(t, m, "www.suivi-colis.example.net/payer", URLFromText, "www.suivi-colis.example.net")
		}},
		{"broken-boundary.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m, DefectMIME)
			if !strings.Contains(m.Text, "Your password expires today") {
				t.Errorf("Text = %q", m.Text)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Filename != "policy.exe" || m.Attachments[0].SniffedType != "application/x-msdownload" {
				t.Errorf("Attachments = %+v", m.Attachments)
			}
			wantURL(t, m, "https://m365-keep-password.example.org/keep", URLFromText, "m365-keep-password.example.org")
		}},
		{"nul-bytes.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m, DefectHeader)
			if m.Subject != "Urgent salary update" {
				t.Errorf("Subject = %q", m.Subject)
			}
			if m.Header.Get("X-Padding") != "ab" || m.Header.Has("this line has no colon") {
				t.Errorf("Header = %+v", m.Header)
			}
			if m.Date.IsZero() || !strings.Contains(m.Text, "bank details") {
				t.Errorf("Date %v Text %q", m.Date, m.Text)
			}
			wantURL(t, m, "https://hr-portal-update.example.com/form", URLFromText, "hr-portal-update.example.com")
		}},
		{"bare-lf.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if m.Text != "See the attached message.\n" {
				t.Errorf("Text = %q", m.Text)
			}
			if !strings.Contains(m.HTMLText, "Votre colis est en attente.") {
				t.Errorf("inner HTML not read: %q", m.HTMLText)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Path != "2.1.2" || m.Attachments[0].SniffedType != "application/zip" {
				t.Errorf("Attachments = %+v", m.Attachments)
			}
			if u := wantURL(t, m, "https://dhl-tracking.example.net/suivi", URLFromHref, "dhl-tracking.example.net"); u.Text != "Suivre" {
				t.Errorf("anchor = %+v", u)
			}
			if m.Subject != "Fwd: suspicious mail" {
				t.Errorf("inner header leaked: Subject = %q", m.Subject)
			}
			var rfc822 *Part
			for i := range m.Parts {
				if m.Parts[i].ContentType == "message/rfc822" {
					rfc822 = &m.Parts[i]
				}
			}
			if rfc822 == nil || rfc822.Filename != "original.eml" || rfc822.Path != "2" {
				t.Errorf("message/rfc822 part = %+v", rfc822)
			}
			if len(m.Enclosed) != 1 || m.Enclosed[0].Path != "2" || m.Enclosed[0].Subject == "" || m.Enclosed[0].Subject == m.Subject {
				t.Fatalf("Enclosed = %+v", m.Enclosed)
			}
			inner := Parse(m.Enclosed[0].Raw, Limits{})
			if inner.Subject == m.Subject || !strings.Contains(inner.HTMLText, "Votre colis est en attente.") || len(inner.Attachments) != 1 {
				t.Errorf("enclosed message read back: Subject %q, HTMLText %q, %d attachments", inner.Subject, inner.HTMLText, len(inner.Attachments))
			}
		}},
		{"bad-base64.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m, DefectEncoding)
			if m.Text != "Votre compte sera suspendu. Confirmez vos informations." {
				t.Errorf("Text = %q", m.Text)
			}
		}},
		{"unknown-charset.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m, DefectEncoding)
			if m.Text != "Vous avez droit à un remboursement de 312,40 €.\n" {
				t.Errorf("Text = %q", m.Text)
			}
		}},
		{"html-links.eml", func(t *testing.T, m *Message) {
			wantDefects(t, m)
			if !strings.Contains(m.HTMLText, "Votre compte Amazon est suspendu.") {
				t.Errorf("zero-width characters kept: %q", m.HTMLText)
			}
			if !strings.Contains(m.HTMLText, "Total 42,00 €") || strings.Contains(m.HTMLText, "hidden") || strings.Contains(m.HTMLText, "document.write") {
				t.Errorf("HTMLText = %q", m.HTMLText)
			}
			if !slices.Equal(m.ImageAlts, []string{"Amazon logo"}) {
				t.Errorf("ImageAlts = %q", m.ImageAlts)
			}
			wantURL(t, m, "https://refresh.example-bad.ru/go", URLFromMeta, "refresh.example-bad.ru")
			wantURL(t, m, "https://css.example-bad.ru/bg.png", URLFromCSS, "css.example-bad.ru")
			wantURL(t, m, "https://css.example-bad.ru/more.css", URLFromCSS, "css.example-bad.ru")
			wantURL(t, m, "https://style-attr.example-bad.ru/i.png", URLFromCSS, "style-attr.example-bad.ru")
			wantURL(t, m, "https://portal.example-bad.ru/app/login.php?step=1", URLFromHref, "portal.example-bad.ru")
			if u := wantURL(t, m, "https://www.amazon.fr@login.example-bad.ru:8443/ap/signin", URLFromHref, "login.example-bad.ru"); u.Text != "https://www.amazon.fr/ap/signin" {
				t.Errorf("anchor text = %q", u.Text)
			}
			wantURL(t, m, "http://3232235777/track", URLFromHref, "192.168.1.1")
			wantURL(t, m, "https://b\u0430nk.example/", URLFromHref, "xn--bnk-6cd.example")
			wantURL(t, m, "javascript:alert(document.cookie)", URLFromHref, "")
			wantURL(t, m, "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", URLFromHref, "")
			wantURL(t, m, "https://frame.example-bad.ru/f", URLFromSrc, "frame.example-bad.ru")
			wantURL(t, m, "www.plain-text-link.example-bad.ru/now", URLFromText, "www.plain-text-link.example-bad.ru")
			wantURL(t, m, "https://plain.example-bad.ru/x", URLFromText, "plain.example-bad.ru")
			// The fixture's <base href> makes its "#top" the base's page.
			wantURL(t, m, "https://portal.example-bad.ru/app/#top", URLFromHref, "portal.example-bad.ru")
			for _, u := range m.URLs {
				switch {
				case strings.HasPrefix(u.Raw, "mailto:"), strings.HasPrefix(u.Raw, "cid:"),
					strings.Contains(u.Raw, "commented"), strings.Contains(u.Raw, "script.example-bad.ru"):
					t.Errorf("URL should not be kept: %+v", u)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := parseFile(t, tt.file)
			for _, d := range m.Defects {
				if strings.Contains(d.Detail, "internal parser error") {
					t.Fatalf("parser panicked: %s", d.Detail)
				}
			}
			tt.check(t, m)
		})
	}
}

func TestParseReader(t *testing.T) {
	raw, err := os.ReadFile("testdata/invoice-fr-cp1252-qp.eml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/invoice-fr-cp1252-qp.eml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := ParseReader(f, DefaultLimits())
	if m.Size != int64(len(raw)) || m.Subject == "" || len(m.Defects) != 0 {
		t.Errorf("ParseReader: Size %d Subject %q Defects %+v", m.Size, m.Subject, m.Defects)
	}

	lim := DefaultLimits()
	lim.MaxSize = 1000
	m = ParseReader(strings.NewReader(string(raw)), lim)
	if !m.HasDefect(DefectOversize) || m.Size != 1001 || m.Subject == "" {
		t.Errorf("oversize ParseReader: Size %d Subject %q Defects %+v", m.Size, m.Subject, m.Defects)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, raw := range []string{"", "\r\n", "\n\n\n", "Subject: only a header", "no header at all\r\n\r\nbody"} {
		m := Parse([]byte(raw), Limits{})
		if m == nil || len(m.Parts) != 1 || m.Parts[0].ContentType != "text/plain" {
			t.Errorf("Parse(%q) = %+v", raw, m)
		}
	}
}

func TestParseDoesNotKeepRaw(t *testing.T) {
	raw, err := os.ReadFile("testdata/nested-html-attachment.eml")
	if err != nil {
		t.Fatal(err)
	}
	m := Parse(raw, DefaultLimits())
	subject, text, data := m.Subject, m.Text, string(m.Attachments[1].Data)
	for i := range raw {
		raw[i] = 'X'
	}
	if m.Subject != subject || m.Text != text || string(m.Attachments[1].Data) != data {
		t.Error("Message shares memory with the raw input")
	}
}

// TestParseConcurrent runs Parse from several goroutines: it has no shared
// state (run with -race).
func TestParseConcurrent(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.eml")
	want := map[string]string{}
	raws := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raws[f] = raw
		want[f] = Parse(raw, DefaultLimits()).HTMLText
	}
	done := make(chan bool)
	for range 4 {
		go func() {
			defer func() { done <- true }()
			for f, raw := range raws {
				if got := Parse(raw, DefaultLimits()).HTMLText; got != want[f] {
					t.Errorf("%s: concurrent parse differs", f)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestParseScratchReuse parses messages one after the other, as a
// gateway does: the buffers reused from parse to parse must leave nothing
// of one message in the next, nor change a message already returned.
func TestParseScratchReuse(t *testing.T) {
	html := func(n int) []byte {
		var b strings.Builder
		b.WriteString("From: a@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>")
		for i := range n {
			fmt.Fprintf(&b, `<a href="https://site%d.example/p/%d">lien %d</a> `, i%3, i, i)
		}
		return []byte(b.String())
	}
	big, small := html(300), html(2)
	first := Parse(big, DefaultLimits())
	want := fmt.Sprint(first.HTMLText, first.URLs)
	second := Parse(small, DefaultLimits())
	if len(second.URLs) != 2 || strings.Contains(second.HTMLText, "lien 2") {
		t.Errorf("the second message holds the first one's text or links: %q, %d URLs", second.HTMLText, len(second.URLs))
	}
	Parse(big, DefaultLimits())
	if got := fmt.Sprint(first.HTMLText, first.URLs); got != want {
		t.Errorf("a later parse changed a returned message")
	}
	if empty := Parse([]byte("Subject: x\r\n\r\nplain text\r\n"), DefaultLimits()); empty.URLs != nil || empty.HTMLText != "" {
		t.Errorf("a message without links or HTML: URLs %v, HTMLText %q", empty.URLs, empty.HTMLText)
	}
}

// The plain text is kept without the invisible characters slipped inside
// its words, as the HTML's visible text is; those between two letters of
// a Latin, Greek or Cyrillic word are counted, the soft hyphen aside, and
// a Persian word's zero-width non-joiner is spelling.
func TestPlainTextDropsInvisible(t *testing.T) {
	for _, c := range []struct {
		text, want string
		zw         int
	}{
		{"Con\u200bnec\u200ctez-vous au por\u2060tail", "Connectez-vous au portail", 3},
		{"sai\u00adsis\u00adsez le co\ufeffde", "saisissez le code", 1},
		{"\u200b\u200b preheader \u200c", " preheader ", 0},
		{"می\u200cخواهم", "میخواهم", 0},
		{"plain ascii", "plain ascii", 0},
		{"déjà vu", "déjà vu", 0},
	} {
		raw := "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + c.text
		m := Parse([]byte(raw), Limits{})
		if strings.TrimSpace(m.Text) != strings.TrimSpace(c.want) || m.TextZeroWidth != c.zw {
			t.Errorf("%q: Text %q, TextZeroWidth %d; want %q, %d", c.text, m.Text, m.TextZeroWidth, c.want, c.zw)
		}
	}
}

// A word mixing Latin letters with Cyrillic or Greek ones drawn alike is
// given back in Latin letters in Text and HTMLText; a Russian or Greek
// word, and a word of Latin letters only, are left as they are.
func TestMixedScriptWordsInLatin(t *testing.T) {
	for _, c := range []struct {
		text, want string
		n          int
	}{
		{"Saisissez le сode ci-dessous", "Saisissez le code ci-dessous", 1},
		{"Fаcture en rεtard", "Facture en retard", 2},
		{"Привет, это код", "Привет, это код", 0},
		{"Καλημέρα σας", "Καλημέρα σας", 0},
		{"mot de passe expiré", "mot de passe expiré", 0},
		{"РayРal", "PayPal", 1},
		{"Saisissez ｖｏｔｒｅ ｃｏｄｅ １２３", "Saisissez votre code 123", 0},
	} {
		for _, part := range []string{"text/plain", "text/html"} {
			raw := "From: a@example.com\r\nSubject: s\r\nContent-Type: " + part + "; charset=utf-8\r\n\r\n" + c.text
			m := Parse([]byte(raw), Limits{})
			got := m.Text
			if part == "text/html" {
				got = m.HTMLText
			}
			if strings.TrimSpace(got) != c.want || m.MixedScriptWords != c.n {
				t.Errorf("%s %q: %q, %d mixed; want %q, %d", part, c.text, got, m.MixedScriptWords, c.want, c.n)
			}
		}
	}
}
