package lure

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/textmatch"
)

// TestCallsToSignIn: a call to click is a credential lure only when the
// words around it say what for.
func TestCallsToSignIn(t *testing.T) {
	calls := [][]string{{"click", "here"}, {"cliquez", "ici"}, {"hier", "klicken"}, {"click", "below"}}
	tests := []struct {
		name, text string
		want       bool
	}{
		{"verify after", "Your mailbox will be closed. Click here to verify your email address.", true},
		{"account before", "To access your account, please click here.", true},
		{"activate", "Thank you for registering! Click below to activate your account.", true},
		{"French sign-in", "Pour consulter votre document, cliquez ici et connectez-vous.", true},
		{"German", "Um Ihr Konto zu bestätigen, bitte hier klicken.", true},
		{"unsubscribe", "If you no longer wish to receive these emails, click here to unsubscribe.", false},
		{"remove yourself", "Click here to remove yourself from our emails list.", false},
		{"web version", "Email not displaying correctly? Click here to view it in your browser.", false},
		{"read on", "Our new catalogue of surgical gloves is out. Click here to read more.", false},
		{"forgot password footer", "Forgot your password? Click here. Questions? Call our support desk.", false},
		{"purpose in a tracking link only", "To subscribe to more newsletters click here https://nl.example.com/servlet/url?login=1&brand=x", false},
		{"purpose too far", "Sign in to the webinar platform with your usual address and join us on the twelfth of March at ten o'clock sharp, and to order click here.", false},
		{"no call", "Please sign in to your account.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := callsToSignIn(tt.text, calls); got != tt.want {
				t.Errorf("callsToSignIn(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzCallsToSignIn: any text is read without panicking.
func FuzzCallsToSignIn(f *testing.F) {
	f.Add("click here to verify https://x.example/login www.y.example a@b.example")
	f.Add("click")
	f.Fuzz(func(t *testing.T, s string) {
		callsToSignIn(s, [][]string{{"click", "here"}, {"click"}})
	})
}

// wordsByNormalize is what clickWords does, written the plain way: the
// fields without the addresses, normalised, split.
func wordsByNormalize(text string) []string {
	var kept strings.Builder
	for _, f := range strings.Fields(text) {
		lf := strings.ToLower(f)
		if strings.Contains(lf, "://") || strings.HasPrefix(lf, "www.") || strings.Contains(lf, "@") {
			kept.WriteString(" . ")
			continue
		}
		kept.WriteString(f)
		kept.WriteByte(' ')
	}
	return strings.Fields(textmatch.Normalize(kept.String()))
}

var clickWordsTexts = []string{
	"", " \t\r\n", "Click HERE to VERIFY your account: https://x.example/login",
	"Pour accéder à votre ESPACE, cliquez ici.\u00a0Merci", "WWW.Example.com/x click",
	"a@b.example\u2003Connectez-vous", "Straße œuvre ǅemal ͺx ½ ｆｕｌｌ 𝕀ℕ", "\xff\xfeclick\x80here",
	"ſign in Kelvin\u212a ı İstanbul", "x\u0085y\u00a0z\u2028w", "mot-à-mot l'été 2024",
}

// TestClickWords: clickWords reads the words the plain way reads.
func TestClickWords(t *testing.T) {
	for _, s := range clickWordsTexts {
		if got, want := clickWords(s), wordsByNormalize(s); !slices.Equal(got, want) {
			t.Errorf("clickWords(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzClickWords: clickWords reads any text as the plain way does.
func FuzzClickWords(f *testing.F) {
	for _, s := range clickWordsTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clickWords(s), wordsByNormalize(s); !slices.Equal(got, want) {
			t.Errorf("clickWords(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkCallsToSignIn(b *testing.B) {
	text := strings.Repeat("Découvrez notre gamme de fournitures médicales, livrée sous 48 heures https://www.example.fr/p?id=1 — Click here to read more. ", 200)
	calls := [][]string{{"click", "here"}, {"cliquez", "ici"}}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		callsToSignIn(text, calls)
	}
}
