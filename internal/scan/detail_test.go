package scan

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanDetail(t *testing.T) {
	long := strings.Repeat("é", MaxDetail+40)
	for _, c := range []struct{ name, in, want string }{
		{"a domain stays", "example.com", "example.com"},
		{"padding spaces are the evidence", "facture.pdf          .scr", "facture.pdf          .scr"},
		{"a header break cannot start a field", "x\r\nX-Vigie-Verdict: accept", "x X-Vigie-Verdict: accept"},
		{"a terminal escape", "a\x1b[31mb", "a [31mb"},
		{"a C1 control", "a\u0085b", "a b"},
		{"Unicode line and paragraph separators", "Fournisseur\u2028Payez sur FR76\u2029x", "Fournisseur Payez sur FR76 x"},
		{"right-to-left override shown", "facture\u202egpj.exe", "facture[U+202E]gpj.exe"},
		{"isolate shown", "a\u2067b", "a[U+2067]b"},
		{"invalid UTF-8 goes", "a\xffb", "ab"},
		{"accents stay", "Jérôme ✔️", "Jérôme ✔️"},
		{"cut with an ellipsis", long, strings.Repeat("é", MaxDetail) + "…"},
		{"cut in ASCII", strings.Repeat("a", MaxDetail+1), strings.Repeat("a", MaxDetail) + "…"},
		{"exactly the limit", strings.Repeat("a", MaxDetail), strings.Repeat("a", MaxDetail)},
		// A bidirectional control written out counts as the eight
		// characters shown, and is not cut in the middle.
		{"cut counting what is shown", "‮" + strings.Repeat("a", MaxDetail), "[U+202E]" + strings.Repeat("a", MaxDetail-8) + "…"},
		{"no half of a written-out control", strings.Repeat("a", MaxDetail-4) + "‮x", strings.Repeat("a", MaxDetail-4) + "…"},
		{"empty", "", ""},
		{"a break in a long accented text", strings.Repeat("é", 100) + "\n" + "x", strings.Repeat("é", 100) + " x"},
	} {
		got := CleanDetail(c.in)
		if got != c.want {
			t.Errorf("%s: CleanDetail(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if strings.ContainsAny(got, "\r\n\x00") || !utf8.ValidString(got) {
			t.Errorf("%s: %q is not safe", c.name, got)
		}
	}
}

// Every detail goes through Emit: no check can pass a line break on.
func TestEmitCleansTheDetail(t *testing.T) {
	var e Emitter
	e.Emit("A", "x\nBcc: victim@example.org")
	if got := e.signals[0].Detail; got != "x Bcc: victim@example.org" {
		t.Errorf("detail %q", got)
	}
}

func TestExplain(t *testing.T) {
	for _, c := range []struct{ text, detail, want string }{
		{"Lien vers un domaine ({d})", "x.example", "Lien vers un domaine (x.example)"},
		{"Lien vers un domaine ({d})", "", "Lien vers un domaine"},
		{"Un formulaire[, qui envoie à {d}]", "x.example", "Un formulaire, qui envoie à x.example"},
		{"Un formulaire[, qui envoie à {d}]", "", "Un formulaire"},
		{"[A] un formulaire[, à {d}] et[ {d}]", "h", "[A] un formulaire, à h et h"},
		{"[A] un formulaire[, à {d}] et[ {d}]", "", "[A] un formulaire et"},
		{"Score {d}]", "3", "Score 3]"},
		{"Sans détail", "x", "Sans détail"},
	} {
		if got := Explain(c.text, c.detail); got != c.want {
			t.Errorf("Explain(%q, %q) = %q, want %q", c.text, c.detail, got, c.want)
		}
	}
}

func BenchmarkCleanDetail(b *testing.B) {
	for _, d := range []string{"accounts-verify.example.com", `"connectez vous", "votre compte sera suspendu"`, "Expédition en attente ✔️"} {
		b.Run(d[:5], func(b *testing.B) {
			for b.Loop() {
				CleanDetail(d)
			}
		})
	}
}

func FuzzCleanDetail(f *testing.F) {
	for _, s := range []string{"example.com", "a\r\nb", "facture\u202egpj.exe", "\xff", strings.Repeat("é", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanDetail(s)
		if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || bidiControl(r) }) || !utf8.ValidString(got) {
			t.Fatalf("CleanDetail(%q) = %q", s, got)
		}
		if n := utf8.RuneCountInString(got); n > MaxDetail+1 {
			t.Fatalf("CleanDetail(%q) has %d characters", s, n)
		}
		if CleanDetail(got) != got && !strings.HasSuffix(got, "…") {
			t.Fatalf("CleanDetail is not stable on %q", got)
		}
	})
}
