package gateway

import (
	"context"
	"mime"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/invoice" // defines IBAN_CHANGED and its banner
	"vigie.dev/vigie/internal/scan"
)

type emitCheck struct{ name, detail string }

func (emitCheck) Name() string { return "test" }
func (c emitCheck) Check(_ context.Context, _ *scan.Input, out *scan.Emitter) {
	out.Emit(c.name, c.detail)
}

// A changed IBAN is never passed on silently: the delivered message
// carries the accounting banner and its Subject says so.
func TestBannerInDeliveredMessage(t *testing.T) {
	g := &Gateway{}
	g.SetScanner(&scan.Scanner{Checks: []scan.Check{emitCheck{"IBAN_CHANGED", "FR76 … 0002, Papeterie Fictive SARL"}},
		Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(&invoice.Check{})})
	g.Configure(Settings{SubjectPrefix: "[SUSPECT]", BodyBanner: true})
	raw := []byte("From: a@papeterie-fictive.example\r\nSubject: Facture FA-1\r\n\r\nbody\r\n")
	o := g.Process(context.Background(), Job{Frontend: "test", Raw: raw})
	if o.Action != scan.Tag {
		t.Fatalf("action %s", o.Action)
	}
	var banner string
	for _, f := range o.Fields {
		if f.Name == HeaderBanner {
			banner, _ = new(mime.WordDecoder).DecodeHeader(f.Value)
		}
	}
	if !strings.Contains(banner, "coordonnées bancaires jamais vues pour ce fournisseur (FR76 … 0002, Papeterie Fictive SARL)") {
		t.Errorf("banner %q", banner)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(o.Subject)
	if subject != "[RIB À VÉRIFIER] [SUSPECT] Facture FA-1" {
		t.Errorf("subject %q", subject)
	}
	// The warning is also a text part in front of the content, unless the
	// configuration leaves the body alone or only the message's start was seen.
	if o.Body == nil || !strings.Contains(string(o.Body.Body), "coordonn=C3=A9es bancaires jamais vues") {
		t.Errorf("no body banner: %+v", o.Body)
	}
	if o := g.Process(context.Background(), Job{Frontend: "test", Raw: raw, Truncated: true}); o.Body != nil {
		t.Error("the body of a message seen in part was replaced")
	}
	g.Configure(Settings{SubjectPrefix: "[SUSPECT]", BodyBanner: false})
	if o := g.Process(context.Background(), Job{Frontend: "test", Raw: raw}); o.Body != nil || o.Subject == "" {
		t.Errorf("body_banner off: body %v, subject %q", o.Body != nil, o.Subject)
	}
	// A message without a banner keeps its subject when accepted.
	g.SetScanner(&scan.Scanner{Policy: scan.DefaultPolicy()})
	if o := g.Process(context.Background(), Job{Frontend: "test", Raw: raw}); o.Subject != "" {
		t.Errorf("subject rewritten: %q", o.Subject)
	}
}

// A detail is the message's own text (a supplier's name, a file name): one
// that is long or hostile cannot add a header field nor a line over the
// 998 characters of RFC 5322 §2.1.1 to the message passed on, and the
// banner still reads whole once decoded.
func TestBannerDetailCannotBreakTheHeader(t *testing.T) {
	for _, detail := range []string{
		"FR76 … 0002, Papeterie\r\nBcc: victime@example.org",
		strings.Repeat("Société générale des fournitures hospitalières ", 40),
		strings.Repeat("x", 3000),
		"a\x00b\x1b[2Jc\u202etxt.exe",
	} {
		g := &Gateway{}
		g.SetScanner(&scan.Scanner{Checks: []scan.Check{emitCheck{"IBAN_CHANGED", detail}},
			Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(&invoice.Check{})})
		g.Configure(Settings{})
		raw := []byte("From: a@papeterie-fictive.example\r\nSubject: Facture FA-1\r\n\r\nbody\r\n")
		o := g.Process(context.Background(), Job{Frontend: "test", Raw: raw})
		out := string(Prepend(raw, o.Fields))
		head, _, _ := strings.Cut(out, "\r\n\r\n")
		for _, l := range strings.Split(head, "\r\n") {
			if len(l) > 998 || len(l) > 78 && strings.Contains(strings.TrimSpace(strings.TrimPrefix(l, HeaderBanner+": ")), " ") {
				t.Errorf("%.30q: a line of %d characters: %q", detail, len(l), l)
			}
			if strings.ContainsAny(l, "\r\n\x00\x1b") {
				t.Errorf("%.30q: a control character in %q", detail, l)
			}
			if strings.HasPrefix(strings.ToLower(l), "bcc:") {
				t.Errorf("%.30q: a field was added: %q", detail, l)
			}
		}
		var banner string
		for _, f := range o.Fields {
			if f.Name == HeaderBanner {
				banner, _ = new(mime.WordDecoder).DecodeHeader(f.Value)
			}
		}
		if !strings.Contains(banner, "Ne pas payer") || !strings.HasSuffix(banner, "before paying.") {
			t.Errorf("%.30q: banner %q", detail, banner)
		}
		if line := strings.Index(head, HeaderBanner); line < 0 {
			t.Errorf("%.30q: no banner field", detail)
		}
	}
}
