package bayes

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// texts tokenizes and returns the readable form of every feature.
func texts(t *testing.T, subject, body string, links []scan.Link) []string {
	t.Helper()
	var f Features
	Tokenizer{}.Tokenize(&f, subject, body, links)
	var out []string
	for _, h := range f.Hashes {
		out = append(out, f.Text(h))
	}
	return out
}

func TestTokenizeWords(t *testing.T) {
	for _, tc := range []struct {
		name       string
		body       string
		want, none []string
	}{
		{"french accents kept and stripped", "Votre facture IMPAYÉE", []string{"votre", "facture", "impayee", "impayée", "votre facture", "facture impayee", "votre facture impayee"}, nil},
		{"elision splits", "l'adresse d’envoi", []string{"adresse", "envoi"}, []string{"l", "d", "l'adresse"}},
		{"invisible characters do not split", "Micro\u200bsoft pass\u00adword", []string{"microsoft", "password"}, []string{"micro", "soft"}},
		{"cyrillic look-alikes fold to the word they imitate", "Раураl", []string{"paypal"}, nil},
		{"german", "Ihr Konto wurde gesperrt. Überprüfen Sie", []string{"konto", "gesperrt", "überprüfen", "uberprufen"}, nil},
		{"chinese cut into character pairs", "您的账户已被冻结", []string{"您的", "的账", "账户", "冻结"}, []string{"您的账户已被冻结"}},
		{"japanese", "アカウントを確認", []string{"アカ", "確認"}, nil},
		{"thai", "บัญชีของคุณ", nil, []string{"บัญชีของคุณ"}},
		{"lone character of a no-space script", "a 字 b", []string{"字"}, nil},
		{"single letters are dropped", "a b c dd", []string{"dd"}, []string{"a", "b", "c"}},
		{"numbers and identifiers become shapes", "ref 20240312 id A1B2C3D4E5F6G7 code 1234", []string{"<num8>", "<id12>", "1234", "ref 20240312"}, []string{"20240312"}},
		{"long blobs become shapes", "x " + strings.Repeat("QUJD", 20), []string{"<long80>"}, nil},
		{"arabic and cyrillic words", "تحقق من حسابك Проверьте аккаунт", []string{"تحقق", "حسابك", "проверьте"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(t, "", tc.body, nil)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, w := range tc.none {
				if slices.Contains(got, w) {
					t.Errorf("unexpected %q in %q", w, got)
				}
			}
		})
	}
}

func TestTokenizeThaiPairs(t *testing.T) {
	got := texts(t, "", "บัญชี", nil)
	if !slices.Contains(got, "บญ") || !slices.Contains(got, "ญช") {
		t.Errorf("Thai features %q, want character pairs", got)
	}
}

func TestTokenizeFieldsAreApart(t *testing.T) {
	var subj, body Features
	Tokenizer{}.Tokenize(&subj, "paiement", "", nil)
	Tokenizer{}.Tokenize(&body, "", "paiement", nil)
	if len(subj.Hashes) != 1 || len(body.Hashes) != 1 || subj.Hashes[0] == body.Hashes[0] {
		t.Errorf("subject %x and body %x features should differ", subj.Hashes, body.Hashes)
	}
	var a, b Features
	Tokenizer{}.Tokenize(&a, "", "Paiement REFUSÉ", nil)
	Tokenizer{}.Tokenize(&b, "", "paiement refusé", nil)
	if !slices.Equal(a.Hashes, b.Hashes) {
		t.Error("case changed the features")
	}
}

func TestTokenizeLinks(t *testing.T) {
	m := message.Parse([]byte("Subject: x\r\nContent-Type: text/html\r\n\r\n"+
		`<a href="https://login.secure-paypa1.example.com/Account/Verify/9f8e7d6c5b4a39281716?x=1">a</a>`+
		`<a href="https://login.secure-paypa1.example.com/Account/Verify/9f8e7d6c5b4a39281716?x=1">same</a>`), message.DefaultLimits())
	got := texts(t, "", "", scan.LinksOf(m))
	want := []string{"login.secure-paypa1.example.com", "example.com", "/account", "/verify", "<id20>"}
	if !slices.Equal(got, want) {
		t.Errorf("link features %q, want %q", got, want)
	}
}

func TestTokenizeLimits(t *testing.T) {
	var words strings.Builder
	for i := range 100_000 {
		words.WriteString("w")
		words.WriteString(strings.Repeat(string(rune('a'+i%26)), 1+i%7))
		words.WriteString(string(rune('a' + i/26%26)))
		words.WriteByte(' ')
	}
	tok := Tokenizer{Limits: Limits{MaxBytes: 4096, MaxTokens: 200, MaxLinks: 2}}
	var f Features
	tok.Tokenize(&f, strings.Repeat("sujet ", 1000), words.String(), nil)
	if len(f.Hashes) > 200 || !f.Truncated {
		t.Errorf("%d features (truncated %v), want at most 200 and truncated", len(f.Hashes), f.Truncated)
	}
	f.Reset()
	Tokenizer{Limits: Limits{MaxBytes: 64}}.Tokenize(&f, "", words.String(), nil)
	if f.Words > 20 {
		t.Errorf("read %d words of a 64-byte budget", f.Words)
	}
	var links []scan.Link
	for i := range 10 {
		h := string(rune('a'+i)) + ".example"
		links = append(links, scan.Link{URL: &message.URL{Raw: "https://" + h + "/"}, Target: "https://" + h + "/", Host: h, Domain: h})
	}
	f.Reset()
	tok.Tokenize(&f, "", "", links)
	if len(f.Hashes) != 2 || !f.Truncated {
		t.Errorf("%d link features, want 2 (MaxLinks)", len(f.Hashes))
	}
}

func TestHashesAreStable(t *testing.T) {
	// The hashes are stored: a change to them must come with a new
	// TokenizerVersion, which this test reminds of.
	var f Features
	Tokenizer{}.Tokenize(&f, "Facture", "mot de passe", nil)
	got := f.Hashes
	want := []uint64{0xf708e4445eeb4491}
	if TokenizerVersion == 1 && got[0] != want[0] {
		t.Errorf("the first feature's hash changed (%#x): bump TokenizerVersion and update this test", got[0])
	}
}

func FuzzTokenize(f *testing.F) {
	f.Add("Objet", "Votre compte sera suspendu, cliquez ici : https://x.example/a", "https://x.example/a/b?c")
	f.Add("您的账户", "您的账户已被冻结 บัญชีของคุณ", "http://例え.jp/パス")
	f.Add("", "\xff\xfe\x00 l'été\u200b 12345678901234567890", "")
	f.Fuzz(func(t *testing.T, subject, body, link string) {
		tok := Tokenizer{Limits: Limits{MaxBytes: 2048, MaxTokens: 300, MaxLinks: 3}}
		var links []scan.Link
		if h := strings.ToLower(link); h != "" {
			links = []scan.Link{{URL: &message.URL{}, Target: link, Host: h, Domain: h}}
		}
		var fe Features
		tok.Tokenize(&fe, subject, body, links)
		if len(fe.Hashes) > 300 {
			t.Fatalf("%d features over the limit", len(fe.Hashes))
		}
		seen := map[uint64]bool{}
		for _, h := range fe.Hashes {
			if h == 0 || seen[h] {
				t.Fatalf("feature %#x zero or repeated", h)
			}
			seen[h] = true
		}
		var again Features
		tok.Tokenize(&again, subject, body, links)
		if !slices.Equal(fe.Hashes, again.Hashes) {
			t.Fatal("tokenizing twice gave other features")
		}
		for _, h := range fe.Hashes {
			if fe.Text(h) == "" && len(fe.Hashes) > 0 {
				// Every feature has a readable form (an empty word cannot be
				// a feature).
				t.Fatalf("feature %#x has no text", h)
			}
		}
	})
}

func FuzzShapeOf(f *testing.F) {
	for _, s := range []string{"", "12345", "1234", "a1234", "12345a", "abcdefghijklm1", strings.Repeat("x", 41)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		digits := 0
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= '0' && c <= '9' {
				digits++
			}
		}
		var want shape
		ok := true
		switch {
		case digits == len(w) && digits > 4:
			want = shape{'n', min(digits, 20)}
		case digits > 0 && len(w) > 12:
			want = shape{'i', min(len(w)/4*4, 64)}
		case len(w) > 40:
			want = shape{'l', min(len(w)/16*16, 128)}
		default:
			ok = false
		}
		if got, gotOK := shapeOf(w); got != want || gotOK != ok {
			t.Fatalf("shapeOf(%q) = %v %v, want %v %v", w, got, gotOK, want, ok)
		}
	})
}
