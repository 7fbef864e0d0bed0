package fuzzy

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const invoice = `Bonjour Madame Martin,
Nous vous informons qu'une facture est en attente de traitement sur votre espace Chorus Pro.
Montant : 1 254,00 EUR. Référence : FA-2024-118.
Merci de consulter le document et de valider le paiement avant le 12/03 afin d'éviter des pénalités de retard.
Consultez la facture : https://chorus-pro-factures.weebly.com/doc?id=AB12
Cordialement, Le service Chorus Pro`

func TestBodyNearDuplicates(t *testing.T) {
	variant := strings.NewReplacer("1 254,00", "9 870,50",
		"FA-2024-118", "FA-2024-907", "AB12", "ZZ99", "12/03", "30/04").Replace(invoice)
	renamed := strings.Replace(variant, "Madame Martin", "Monsieur Durand", 1)
	other := `Hi all, the v6 patch series fixes the namespace label handling in the nvdimm driver.
Please review the locking changes in region_devs.c, they replace the device lock with a
mutex held across probe, and test on a system with at least two DIMMs. Thanks, Dan`
	a, b, c := Body(invoice), Body(variant), Body(other)
	if a == "" || !Valid(a) {
		t.Fatalf("no signature for the invoice: %q", a)
	}
	if a != b {
		t.Errorf("changing amounts and tokens changed the signature:\n%s\n%s", a, b)
	}
	if s := Similarity(a, Body(renamed)); s < 0.75 {
		t.Errorf("another recipient's copy is only %.2f similar", s)
	}
	if s := Similarity(a, c); s > 0.25 {
		t.Errorf("unrelated texts are %.2f similar", s)
	}
	edited := strings.Replace(invoice, "afin d'éviter des pénalités de retard", "sous peine de suspension du compte", 1)
	if s := Similarity(a, Body(edited)); s < 0.5 {
		t.Errorf("a lightly edited copy is only %.2f similar", s)
	}
}

func TestShortTextHasNoSignature(t *testing.T) {
	if s := Body("Merci, à demain."); s != "" {
		t.Errorf("short text gave %q", s)
	}
	if s := Layout("<p>hi</p>"); s != "" {
		t.Errorf("short layout gave %q", s)
	}
}

func TestLayoutIgnoresText(t *testing.T) {
	tpl := `<html><body><table><tr><td><img src="%s"></td></tr><tr><td><p>%s</p><a href="%s">%s</a></td></tr></table><div><p>x</p><p>y</p></div></body></html>`
	a := Layout(strings.NewReplacer("%s", "one").Replace(tpl))
	b := Layout(strings.NewReplacer("%s", "two words").Replace(tpl))
	if a == "" || a != b {
		t.Errorf("same template, different text: %q vs %q", a, b)
	}
}

func FuzzBody(f *testing.F) {
	f.Add(invoice)
	f.Add("<a<b<c<d<e<f<g<h<i<j<k<l")
	f.Fuzz(func(t *testing.T, s string) {
		sig := Body(s)
		if sig != "" && !Valid(sig) {
			t.Fatalf("invalid signature %q", sig)
		}
		_ = Layout(s)
	})
}

func BenchmarkBody40KB(b *testing.B) {
	text := strings.Repeat(invoice+"\n", 40_000/len(invoice))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Body(text)
	}
}

// wordsByRune is wordScanner written rune by rune, without its ASCII fast
// path: the definition the fast path must agree with.
func wordsByRune(text string) []uint64 {
	var out []uint64
	for i := 0; i < len(text); {
		if r, size := utf8.DecodeRuneInString(text[i:]); !unicode.IsLetter(r) {
			i += size
			continue
		}
		start := i
		h := uint64(14695981039346656037)
		skip := false
	word:
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case unicode.IsLetter(r):
				h ^= uint64(unicode.ToLower(r))
				h *= 1099511628211
			case unicode.IsDigit(r):
				skip = true
			case r == '@' || r == ':' && strings.HasPrefix(text[i:], "://"):
				skip = true
				for i < len(text) && text[i] != ' ' && text[i] != '\n' && text[i] != '\t' {
					i++
				}
				size = 0
			case r == '-' || r == '_' || r == '/' || r == '\'' || r == '.' && i+1 < len(text) && unicode.IsLetter(rune(text[i+1])):
			default:
				break word
			}
			i += size
		}
		if !skip && i-start >= 2 {
			out = append(out, h)
		}
	}
	return out
}

func FuzzWordScanner(f *testing.F) {
	for _, s := range []string{invoice, "Ünïcödé ÉTÉ l'été a-b_c/d e.f g.é x@y.z http://a.b/c 12ab Ωμέγα 名前 \xff\xfeab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []uint64
		for words := (wordScanner{text: s}); ; {
			h, ok := words.next()
			if !ok {
				break
			}
			got = append(got, h)
		}
		if want := wordsByRune(s); !slices.Equal(got, want) {
			t.Fatalf("words of %q = %x, want %x", s, got, want)
		}
	})
}
