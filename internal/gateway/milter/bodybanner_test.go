package milter_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/checks/invoice" // defines IBAN_CHANGED and its banner
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/scan"
)

type emitCheck struct{ name, detail string }

func (emitCheck) Name() string { return "test" }
func (c emitCheck) Check(_ context.Context, _ *scan.Input, out *scan.Emitter) {
	out.Emit(c.name, c.detail)
}

// A suspect invoice's warning goes in front of its content through the
// MTA (SMFIF_CHGBODY): the content fields move into the wrapped part, the
// new body is sent in replies of at most 64 KB cut at line ends, and the
// message the MTA delivers is the banner part followed by the original
// content, byte for byte.
func TestBodyBannerReplacesTheBody(t *testing.T) {
	for _, tt := range []struct {
		name    string
		lines   int // of the original body, 64 bytes each
		replies int // ReplaceBody replies expected
	}{
		{"small invoice: one reply", 10, 1},
		{"200 KB invoice: cut at line ends", 3200, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, gateway.Settings{BodyBanner: true}, nil)
			h.env.Gateway.SetScanner(&scan.Scanner{Checks: []scan.Check{emitCheck{"IBAN_CHANGED", "FR76 … 0002, Papeterie Fictive SARL"}},
				Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(&invoice.Check{})})
			var content strings.Builder
			for i := range tt.lines {
				content.WriteString(strings.Repeat(string(rune('a'+i%26)), 62) + "\r\n")
			}
			raw := "From: Alice <alice@sender.example>\r\nTo: bob@example.test\r\nSubject: Facture 42\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + content.String()
			mods, act := send(t, h.session(t), "Q1", raw)
			if act.Code != gomilter.ActAccept {
				t.Fatalf("answer %c %d", act.Code, act.SMTPCode)
			}
			var body []byte
			replies := 0
			for _, m := range mods {
				if m.Code != gomilter.ActReplBody {
					continue
				}
				replies++
				if len(m.Body) > 65535 {
					t.Errorf("reply %d: %d bytes, more than a milter reply carries", replies, len(m.Body))
				}
				if !bytes.HasSuffix(m.Body, []byte("\n")) {
					t.Errorf("reply %d not cut at a line end", replies)
				}
				body = append(body, m.Body...)
			}
			if replies != tt.replies {
				t.Errorf("%d ReplaceBody replies, want %d", replies, tt.replies)
			}
			for _, name := range []string{"Content-Type", "Content-Transfer-Encoding"} {
				if m, ok := mod(mods, gomilter.ActChangeHeader, name); !ok || m.HeaderIndex != 1 || m.HeaderValue != "" {
					t.Errorf("%s not moved into the wrapped part: %+v", name, m)
				}
			}
			if _, ok := mod(mods, gomilter.ActAddHeader, "MIME-Version"); !ok {
				t.Error("no MIME-Version added to a message without one")
			}
			ct, ok := mod(mods, gomilter.ActAddHeader, "Content-Type")
			mt, params, err := mime.ParseMediaType(strings.ReplaceAll(ct.HeaderValue, "\n\t", " "))
			if !ok || err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
				t.Fatalf("new Content-Type %q: %v", ct.HeaderValue, err)
			}
			// The delivered message, as the MTA puts it together.
			r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			first, err := r.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			banner, _ := io.ReadAll(first)
			if !strings.Contains(string(banner), "coordonnées bancaires jamais vues pour ce fournisseur (FR76 … 0002, Papeterie Fictive SARL)") {
				t.Errorf("first part is not the warning: %q", banner)
			}
			second, err := r.NextRawPart()
			if err != nil {
				t.Fatal(err)
			}
			if second.Header.Get("Content-Type") != "text/plain; charset=utf-8" || second.Header.Get("Content-Transfer-Encoding") != "8bit" {
				t.Errorf("wrapped part's fields: %v", second.Header)
			}
			orig, _ := io.ReadAll(second)
			if want := strings.ReplaceAll(content.String(), "\r\n", "\n"); string(orig) != want {
				t.Errorf("original content changed: %d bytes, want %d", len(orig), len(want))
			}
		})
	}
}
