package message

import (
	"strings"
	"testing"
)

// TestHiddenRunsLeftOut: text an inline element hides (the ZeroFont
// technique and its variants) is not part of the visible text, and the
// words it split read whole; what a reader may see is kept.
func TestHiddenRunsLeftOut(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		// Left out.
		{"zero font inside a word", `<p>Votre pass<span style="font-size:0">xq</span>word expire</p>`, "Votre password expire"},
		{"zero font in pixels, upper case", `<p>mot de pa<SPAN STYLE="FONT-SIZE: 0PX">zz</SPAN>sse</p>`, "mot de passe"},
		{"zero font between words", `<p>Votre <span style="font-size:0px">bonjour facture </span>mot de passe expire</p>`, "Votre mot de passe expire"},
		{"display none", `<p>Micro<span style="display:none">qq</span>soft 365</p>`, "Microsoft 365"},
		{"visibility hidden", `<p>Micro<span style="visibility: hidden">qq</span>soft</p>`, "Microsoft"},
		{"white on white", `<p>vérifiez votre com<span style="color:#fff;background-color:#FFFFFF">xx</span>pte</p>`, "vérifiez votre compte"},
		{"font colour of its cell", `<table><tr><td bgcolor="white">con<font color="#ffffff">xx</font>nexion</td></tr></table>`, "connexion"},
		{"rgb colour", `<p>iden<span style="background:rgb(0, 0, 0) none;color:black">zz</span>tifiant</p>`, "identifiant"},
		{"nested hidden", `<p>fac<span style="font-size:0"><b>x<i>y</i></b></span>ture</p>`, "facture"},
		{"entity inside", `<p>pass<span style="font-size:0">&#120;&amp;</span>word</p>`, "password"},
		{"links in a hidden span", `<p>Bonjour<span style="display:none"> <a href="https://a.exemple/1">Titre un</a> | <a href="https://b.exemple/2">Titre deux</a></span></p>`, "Bonjour"},
		{"hidden spaces too", `<p>pass<span style="font-size:0"> x </span>word</p>`, "password"},
		// Kept.
		{"size set again inside", `<p><span style="font-size:0"><span style="font-size:14px">Bonjour</span></span> Marie</p>`, "Bonjour Marie"},
		{"visible again inside", `<p><span style="visibility:hidden"><span style="visibility:visible">Bonjour</span></span></p>`, "Bonjour"},
		{"a link in a sentence", `<p>Lire <a href="https://a.exemple/1">l'article</a> ici</p>`, "Lire l'article ici"},
		{"a link sized again inside a zero-font run", `<p><span style="font-size:0"><a href="https://a.exemple/1" style="font-size:14px">Lire</a></span></p>`, "Lire"},
		{"a white button on its own colour", `<p><a href="https://a.exemple/1" style="color:#ffffff;background-color:#0055a4">Ouvrir</a></p>`, "Ouvrir"},
		{"zero-font cell, sized by a class", `<table><tr><td style="font-size:0"><div class="t">Nouveautés</div></td></tr></table>`, "Nouveautés"},
		{"zero-font wrapper, text in it", `<div style="font-size:0px">Lettre de mars</div>`, "Lettre de mars"},
		{"hidden block (a mobile version)", `<div class="m" style="display:none">Version mobile</div><p>Texte</p>`, "Version mobile\nTexte"},
		{"white text, background unknown", `<p><span style="color:#ffffff">Bouton</span></p>`, "Bouton"},
		{"white on a dark cell", `<table><tr><td bgcolor="#003366"><span style="color:#fff">Lire</span></td></tr></table>`, "Lire"},
		{"run ended by a block", `<p><span style="font-size:0">x</p><p>Visible</p>`, "Visible"},
		{"run ended by a cell", `<table><tr><td><span style="display:none">x<td>Visible</table>`, "Visible"},
		{"unclosed span ended by its parent", `<div><span style="font-size:0">x</div>Visible`, "Visible"},
		{"zero size inside a hidden-colour span", `<p>a<span style="color:#000;background:#000"><span style="font-size:12px">b</span></span>c</p>`, "ac"},
		// Kept: what a style sheet (not read) or an image may show.
		{"zero font a sheet's !important sizes again", `<style>span.t{font-size:15px !important}</style><p>mot de passe <span class="t" style="font-size:0">expire</span></p>`, "mot de passe expire"},
		{"display none a sheet's !important undoes", `<STYLE>span{display:inline!IMPORTANT}</STYLE><p>Votre <span style="display:none">code</span></p>`, "Votre code"},
		{"white on a block a sheet may paint", `<style>.b{background:#1a3d6e}</style><body style="background-color:#fff"><div class="b"><span style="color:#fff">Connexion</span></div></body>`, "Connexion"},
		{"white on a bgcolor a sheet may override", `<style>td{background:#000}</style><table><tr><td bgcolor="#ffffff"><font color="#ffffff">Lire</font></td></tr></table>`, "Lire"},
		{"white over a background image", `<div style="background:#ffffff url(https://exemple.fr/fond.png)"><span style="color:#ffffff">Connexion</span></div>`, "Connexion"},
		{"white over its own background image", `<p><span style="color:#fff;background-color:#fff;background-image:url(f.png)">Lire</span></p>`, "Lire"},
		// Left out with a sheet: inline styles a sheet without !important
		// cannot override.
		{"zero font beside a plain sheet", `<style>p{margin:0}</style><p>pass<span style="font-size:0">xq</span>word</p>`, "password"},
		{"white on its own white beside a plain sheet", `<style>p{margin:0}</style><p>com<span style="color:#fff;background-color:#fff">xx</span>pte</p>`, "compte"},
		// Left out beside a sheet whose !important declarations set
		// something else: Apple's data-detector boilerplate, a mobile
		// display rule, widths (Avanan's ZeroFont under such a template).
		{"zero font beside !important colours and displays", `<style>a[x-apple-data-detectors]{color:inherit!important;text-decoration:inherit!important}@media (max-width:520px){.m{display:block!important;width:100%!important}}</style><p>Air<span style="font-size:0">xq</span>drop</p>`, "Airdrop"},
		{"zero font, a sheet's braces lost", `<style>bodymargin:0;padding:0a[x-apple-data-detectors]color:inherit!important;.rowwidth:100%!important</style><p>cla<span style="font-size:0">kz</span>im</p>`, "claim"},
		{"display none beside an !important font size", `<style>.t{font-size:15px!important}</style><p>Micro<span style="display:none">qq</span>soft</p>`, "Microsoft"},
		// Kept: an !important this property, or one not read.
		{"zero font beside an !important font shorthand", `<style>.t{font:15px Arial!important}</style><p>mot <span class="t" style="font-size:0">clé</span></p>`, "mot clé"},
		// CSS lets white space and comments stand inside "! important".
		{"zero font a sheet's spaced ! important sizes again", `<style>span.t{font-size:15px ! important}</style><p>mot de passe <span class="t" style="font-size:0">expire</span></p>`, "mot de passe expire"},
		{"display none a sheet's !/**/important undoes", `<style>span{display:inline!/* x */IMPORTANT}</style><p>Votre <span style="display:none">code</span></p>`, "Votre code"},
		{"zero font beside an !important url value", `<style>.t{background:url(http://exemple.fr/a.png)!important}</style><p>mot <span style="font-size:0">clé</span></p>`, "mot clé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "Content-Type: text/html; charset=utf-8\r\n\r\n" + tt.html
			m := Parse([]byte(raw), DefaultLimits())
			if m.HTMLText != tt.want {
				t.Errorf("HTMLText = %q, want %q", m.HTMLText, tt.want)
			}
		})
	}
}

func TestCSSColor(t *testing.T) {
	const k = rgbKnown
	for in, want := range map[string]rgb{
		"#FFF": k | 0xffffff, "#ffffff": k | 0xffffff, "white": k | 0xffffff, "Black": k, "rgb(255,255,255)": k | 0xffffff,
		"rgb( 0 , 51 , 102 )": k | 0x003366, "#369": k | 0x336699, "#ffff": 0, "#ggg": 0, "rgba(0,0,0,0)": 0, "rgb(256,0,0)": 0,
		"rgb(1,2)": 0, "rgb(1,2,3,4)": 0, "transparent": 0, "": 0,
	} {
		if got := cssColor(in); got != want {
			t.Errorf("cssColor(%q) = %#x, want %#x", in, got, want)
		}
	}
}

// indexFold agrees with strings.Index on the lower-cased text for every
// needle the sheet scan asks, whatever the case and the bytes around.
func FuzzIndexFold(f *testing.F) {
	for _, s := range []string{"", "<STYLE>p{color:red !IMPORTANT}</Style>", "<<style", "!!important", "x url( GRADIENT(", "<styl", "a ! /* b */ Important", "!/*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, needle := range []string{"<style", "</style", "!important", "url(", "gradient("} {
			want := strings.Index(asciiLower(s), needle)
			if got := indexFold(s, needle); got != want {
				t.Fatalf("indexFold(%q, %q) = %d, want %d", s, needle, got, want)
			}
		}
		// nextImportant finds a written-together !important, or one
		// before it, and ends after its word.
		k, end := nextImportant(s)
		if want := strings.Index(asciiLower(s), "!important"); want >= 0 && (k < 0 || k > want) || k >= 0 && (end <= k || end > len(s) || asciiLower(s[end-len("important"):end]) != "important") {
			t.Fatalf("nextImportant(%q) = %d, %d", s, k, end)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldByte(c)
	}
	return string(b)
}
