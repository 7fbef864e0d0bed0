// Package pasterun reads the instructions of "paste and run" lures
// (ClickFix, fake CAPTCHA, fake "how to fix" button): open the Windows Run
// box, a terminal or PowerShell, paste what a page put on the clipboard,
// press Enter. The reader runs the attacker's command himself, outside
// the browser and the mail client: Microsoft Threat Intelligence's
// Booking.com-impersonation campaign (Storm-1865, March 2025: "entering a
// command in the Windows Run dialog … silently copied to the
// clipboard"), Unit 42's IUAM ClickFix generator (Win+R to PowerShell or
// CMD, macOS Terminal), the Swiss eBAS advice on fake CAPTCHAs ("appuyer
// sur la combinaison de touches Win+R" after a command was copied to the
// clipboard), the French alerts relayed from CERT Santé and Cyberveille
// ("utiliser le raccourci clavier Windows + R … coller et exécuter une
// commande PowerShell").
//
// What gives the lure away is the order, not the words: a box that runs
// commands opened, something pasted into it with nothing typed first,
// and Enter. An IT service desk's "Windows + R, tapez \\serveur\partage,
// Entrée" types what it shows; a vendor's support asks for the output of
// "ipconfig /all" pasted into the reply. Both say Windows, R, Enter and
// paste, neither pastes into the box (engine testdata/clickfix/genuine).
package pasterun

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/textmatch"
)

// opens are the keys and words that open a box that runs what is pasted
// into it, normalised (textmatch.Normalize): the Run box (Win+R), the
// Windows power-user menu's terminal (Win+X, then I or A), File
// Explorer, whose address bar runs a command line as the Run box does
// (the FileFix variant: SigmaHQ's "Suspicious ClickFix/FileFix Execution
// Pattern", d487ed4a, commands pasted into the File Explorer address bar
// with explorer.exe as parent), PowerShell, the command prompt, macOS
// Spotlight (Cmd+Space) and Terminal.
var opens = phrasesOf(append(windowsBoxNames[:len(windowsBoxNames):len(windowsBoxNames)],
	"open terminal", "open the terminal", "ouvrez le terminal", "ouvrez terminal",
	"terminal admin", "terminal administrateur", "terminal app", "app terminal", "application terminal",
	"cmd space", "command space", "cmd espace", "commande espace", "spotlight",
)...)

// windowsBoxNames are the names of the boxes of opens that run a Windows
// command line (windowsBoxes).
var windowsBoxNames = []string{
	"windows r", "win r", "windows key r", "windows logo key r", "touche windows r",
	"windows key and r", "windows key and press r", "windows key then r", "windows logo key and r", "windows button r",
	"windows and r together", "touche windows et r", "touche windows et la touche r", "touches windows et r", "touches windows r",
	"windows x", "win x", "touche windows x",
	"run dialog", "run box", "run window", "boite de dialogue executer", "fenetre executer", "executer de windows",
	"file explorer", "windows explorer", "explorateur de fichiers", "explorateur windows", "explorer exe",
	"powershell", "windows terminal", "command prompt", "invite de commandes", "invite de commande", "cmd exe",
}

// pastes are the ways to paste, normalised.
var pastes = phrasesOf(
	"ctrl v", "control v", "ctrl shift v", "cmd v", "command v", "commande v", "strg v",
	"ctrl and v", "ctrl et v", "ctrl then v", "ctrl puis v", "control and v", "controle et v",
	"paste", "collez", "coller", "colle",
)

// Pastes returns the ways to paste Instruction knows, normalised: a
// reader of the text's words (the lure family's) calls Instruction only
// on a text that says one.
func Pastes() []string { return pastes.text }

// runs are the key that runs the pasted command, normalised.
var runs = phrasesOf("enter", "entree", "return", "retour", "valider", "validez", "ok")

// typed are the words by which the reader types something himself: once
// one is read between the box and the paste, what he pastes is not what
// the box runs first (an output pasted into a reply).
var typed = phrasesOf("type", "tapez", "taper", "saisissez", "saisir", "entrez", "write", "ecrivez", "enter the command")

// elsewhere are the places a paste goes that are not the box: the reply,
// a ticket, a form.
var elsewhere = phrasesOf("reponse", "reply", "response", "message", "mail", "email", "e mail", "courriel", "ticket", "formulaire", "form", "document", "fichier", "file")

// reported are the words by which a bug report turns from its steps to
// what happened ("3. Paste with Ctrl+V. Expected: the text waits until
// Enter. Actual: it runs"): an Enter after them is no step.
var reported = phrasesOf("expected", "actual", "observed", "attendu", "obtenu", "constate", "resultat attendu")

// shownWords are the words after a copy or a paste that point at what
// the message itself shows ("copiez la commande ci-dessous", "copy the
// following", "paste this command"; not "the code", the lure's word for
// what its page copied):
// the reader pastes what he can read, not what a page slipped into the
// clipboard, and RemoteCommand judges it.
var (
	copyWords  = phrasesOf("copiez", "copier", "copy", "copie")
	shownWords = phrasesOf("ci dessous", "ci apres", "suivante", "suivant", "suivantes", "suivants", "below", "following", "here it is", "la voici", "le voici",
		"this command", "this line", "these commands", "these lines", "cette commande", "cette ligne", "ces commandes", "ces lignes")
)

// windowsRemote are the idioms, lower-cased, of a Windows command line
// that fetches code and runs it: PowerShell's download-and-invoke, mshta
// on a URL, encoded commands, the LOLBins the ClickFix write-ups list
// (certutil, bitsadmin, msiexec on a URL). A shell fed by curl is not
// among them: installers' pages and developers' lists show "curl … | sh"
// to paste into a terminal.
var windowsRemote = []string{
	"| iex", "|iex", "iex(", "iex (", "invoke-expression", "mshta http", "mshta.exe http", "mshta \"http", "mshta 'http",
	"downloadstring", "downloadfile", "frombase64string", "-encodedcommand", " -enc ", " -e jab",
	"certutil -urlcache", "certutil.exe -urlcache", "bitsadmin /transfer", "msiexec /i http", "msiexec.exe /i http", "msiexec /q /i http",
}

// RemoteCommand returns the first idiom of a Windows command line that
// fetches and runs code (windowsRemote) that text holds, or a line of it
// that starts a Windows runner on a remote source (remoteLine), "" when
// none. The escapes by which the command line hides its words — cmd's
// carets (p^o^w^e^r^s^h^e^l^l), PowerShell's backticks, quotes inside a
// word — are read through (squeeze).
func RemoteCommand(text string) string {
	if !strings.ContainsAny(text, "^`\"'") {
		return remoteIn(strings.ToLower(text))
	}
	return remoteIn(squeeze(text))
}

func remoteIn(lower string) string {
	if c := firstOf(lower, windowsRemote); c != "" {
		return c
	}
	for line := range strings.Lines(lower) {
		if c := remoteLine(line); c != "" {
			return c
		}
	}
	return ""
}

// squeeze returns text lower-cased without cmd's carets, PowerShell's
// backticks and quotes: the escapes a command line may put inside its
// words and that Windows reads through.
func squeeze(text string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '^', '`', '"', '\'':
			return -1
		}
		return unicode.ToLower(r)
	}, text)
}

// windowsRunners start a program, a script or a library on Windows, as a
// command line writes them; remoteSources are what a command line
// fetches from elsewhere: a URL, a WebDAV share (\\host@SSL\…), a
// download cmdlet, or PowerShell's encoded or hidden command. A line that
// holds one of each is a download-and-run line whatever its exact idiom
// (SigmaHQ's "Potential ClickFix Execution Pattern - Registry",
// f5fe36cf, and "Potentially Suspicious Command Executed Via Run Dialog
// Box", the RunMRU values: powershell or pwsh with -e, -ec, -enc, Hidden,
// iex, http or ftp; mshta, rundll32 on a WebDAV share, conhost
// --headless, cmd's start, msiexec, wscript, curl.exe then start). An IT
// desk's path, %temp% or "winget install -e --id Microsoft.PowerShell"
// holds no runner of this list, or no source.
var (
	windowsRunners = []string{
		"powershell -", "powershell.exe", "pwsh -", "pwsh.exe", "cmd /c", "cmd /k", "cmd.exe", "%comspec%",
		"mshta", "rundll32", "regsvr32", "wscript", "cscript", "msiexec", "conhost", "curl.exe", "certutil", "bitsadmin",
		"start-process", "saps ", "start /min", "start /b",
	}
	remoteSources = []string{
		"http://", "https://", "ftp://", "@ssl", "davwwwroot", "iwr ", "irm ", "wget ", "invoke-webrequest", "invoke-restmethod",
		"net.webclient", "start-bitstransfer", " -e ", " -ec ", " -en ", " -enc", "hidden", " -w h", "-windowstyle h",
	}
)

// remoteLine returns the runner of a line that starts one on a remote
// source (windowsRunners, remoteSources), "" when it does not.
func remoteLine(line string) string {
	runner := firstOf(line, windowsRunners)
	if runner == "" || firstOf(line, remoteSources) == "" {
		return ""
	}
	return runner
}

func firstOf(lower string, idioms []string) string {
	for _, c := range idioms {
		if strings.Contains(lower, c) {
			return strings.TrimSpace(c)
		}
	}
	return ""
}

// windowsBoxes are the boxes of opens that run a Windows command line.
var windowsBoxes = phrasesOf(windowsBoxNames...)

// CommandWords are the words, normalised, of the Windows idioms that
// fetch and run code: a reader of the text's words (the lure family's)
// calls TypedCommand only on a text that says one.
func CommandWords() []string {
	return []string{"iex", "invoke expression", "mshta", "downloadstring", "downloadfile", "frombase64string", "encodedcommand", "enc", "certutil", "bitsadmin", "msiexec",
		"iwr", "irm", "invoke webrequest", "invoke restmethod", "webclient", "rundll32", "regsvr32", "wscript", "cscript", "conhost", "comspec", "pwsh"}
}

// TypedCommand returns the Windows box a text names (the Run box,
// PowerShell, the command prompt) and the idiom of a command line it
// shows that fetches and runs code (windowsRemote), "" when it names not
// both: "Windows + R, tapez mshta https://…" is the ClickFix step without
// the clipboard, and no IT desk has its users type a download-and-run
// line. A shell fed by curl is not read so: installers' pages and
// developers' lists show "curl … | sh" to paste into a terminal. Nor is
// a warning that quotes the command (warns).
func TypedCommand(text string) string {
	text = narrow(text)
	if !namesBox(text) {
		return ""
	}
	idiom := RemoteCommand(text)
	if idiom == "" {
		return ""
	}
	words := strings.Fields(textmatch.Normalize(text))
	for i := range words {
		from := max(0, i-typedAround)
		if box, _ := matchAt(words, i, windowsBoxes); box != "" && !warns(words[from:min(len(words), i+typedAround)], i-from) {
			return `"` + box + `", "` + idiom + `"`
		}
	}
	return ""
}

// typedAround is how many words either side of the box TypedCommand reads
// for a warning (warns).
const typedAround = 60

// Windows, in words, between the box opened and what is pasted, and
// between the paste and Enter.
const (
	toPaste = 30
	toRun   = 12
)

// Instruction returns the words of text that tell the reader to open a
// box that runs commands, paste into it and press Enter — the box, the
// paste and the key as the text writes them, normalised — or "" when it
// holds no such instruction. What the message itself shows to copy
// (shownWords) is pasted knowingly: the instruction counts then only
// when what it shows fetches and runs code on Windows (RemoteCommand).
func Instruction(text string) string {
	text = narrow(text)
	if !mayOpen(text) {
		return ""
	}
	found, pasteAt := "", 0
	// Only the text around each paste is normalised: the box opened
	// before it, Enter after it (toPaste, toRun words).
	at, seen := 0, 0
	for seen < maxPastes {
		i := nextPaste(text[at:])
		if i < 0 {
			break
		}
		i += at
		seen++
		window := strings.Fields(textmatch.Normalize(around(text, i)))
		var box int
		if found, box = instruction(window); found != "" && !warns(window, box) {
			pasteAt = i
			break
		}
		found = ""
		at = i + 1
	}
	// A path or a variable counts only near the paste (around: the
	// sentences that copy and paste it), so that a decoy share in a
	// signature or a footer does not spare the steps.
	if found == "" || !showsPath(around(text, pasteAt)) && !writesObject(text[pasteAt:]) && !showsWhatToCopy(strings.Fields(textmatch.Normalize(text))) {
		return found
	}
	if c := RemoteCommand(text); c != "" {
		return found + `, "` + c + `"`
	}
	return ""
}

// narrow returns text with its full-width forms (Ｗｉｎ＋Ｒ, Ｃｔｒｌ＋Ｖ) as
// their ASCII letters and signs and the Windows key's sign (⊞) as its
// name, so that the marks and words read them; text itself when it holds
// neither.
func narrow(text string) string {
	if !strings.Contains(text, "\xef\xbc") && !strings.Contains(text, "\xef\xbd") && !strings.Contains(text, "⊞") {
		return text
	}
	return strings.Map(func(r rune) rune {
		if 0xff01 <= r && r <= 0xff5e {
			return r - 0xfee0
		}
		return r
	}, strings.ReplaceAll(text, "⊞", " Windows "))
}

// maxPastes bounds the pastes Instruction reads around, and before and
// after how many bytes of text about each: the words of toPaste and toRun.
const (
	maxPastes   = 8
	bytesBefore = 400
	bytesAfter  = 200
)

// around returns text about offset i, cut on rune boundaries.
func around(text string, i int) string {
	from, to := max(0, i-bytesBefore), min(len(text), i+bytesAfter)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from++
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	return text[from:to]
}

// pasteMarks are what every paste of pastes starts with or holds, as a
// text writes it: nextPaste finds them before any text is normalised.
var pasteMarks = []string{"aste", "ASTE", "olle", "OLLE", "trl", "TRL", "ontrol", "ONTROL", "Cmd", "cmd", "CMD", "trg"}

// nextPaste returns the offset of the first paste mark in text, -1 when
// none.
func nextPaste(text string) int {
	first := -1
	for _, m := range pasteMarks {
		if i := strings.Index(text, m); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// openMarks are what a text that opens a box that runs commands holds,
// before it is normalised: a key combination's "+" (or its full-width
// form), the Windows key named or drawn (⊞), PowerShell,
// Terminal, the command prompt, the Run box, Spotlight.
var openMarks = []string{"+", "＋", "⊞", "indows key", "indows Key", "INDOWS KEY", "indows button", "indows Button", "ouche Windows", "ouches Windows", "ouche windows", "ouches windows", "OUCHE WINDOWS", "owershell", "owerShell", "OWERSHELL", "xplorer", "XPLORER", "xplorateur", "XPLORATEUR", "erminal", "ERMINAL", "ommand prompt", "ommand Prompt", "OMMAND PROMPT", "nvite de commande", "xécuter", "xecuter", "XÉCUTER", "un dialog", "un box", "un window", "un Dialog", "un Box", "un Window", "UN DIALOG", "UN BOX", "UN WINDOW", "potlight"}

// mayOpen is a cheap look, before any text is normalised, for a box
// opened and a paste: most mail says neither.
func mayOpen(text string) bool {
	return nextPaste(text) >= 0 && namesBox(text)
}

// MayInstruct reports whether parts, read as one text, may hold the steps
// Instruction reads (a paste's mark in one, a box's in one), before they
// are joined: a message's pictures' alt texts.
//
// The pastes are looked for first, in one pass over each part: most
// messages' alt texts ("Produit 12", "logo") hold none, and then no part
// is searched for the many marks of a box.
func MayInstruct(parts ...string) bool {
	pasted := false
	for _, p := range parts {
		if holdsPasteMark(p) {
			pasted = true
			break
		}
	}
	if !pasted {
		return false
	}
	for _, p := range parts {
		if namesBox(p) {
			return true
		}
	}
	return false
}

// holdsPasteMark reports whether text holds one of pasteMarks (nextPaste
// >= 0), reading each byte once: at a byte that opens some mark, only the
// marks it opens are compared. Cheaper than nextPaste's search for each
// mark on the many short texts MayInstruct reads.
func holdsPasteMark(text string) bool {
	for i := 0; i < len(text); i++ {
		for _, m := range pasteMarksAt[text[i]] {
			if strings.HasPrefix(text[i:], m) {
				return true
			}
		}
	}
	return false
}

// pasteMarksAt are pasteMarks by their first byte.
var pasteMarksAt = func() (t [256][]string) {
	for _, m := range pasteMarks {
		t[m[0]] = append(t[m[0]], m)
	}
	return t
}()

// PageMayInstruct is MayInstruct for a page's bytes (an attached HTML or
// SVG page), before its text is taken out.
func PageMayInstruct(page []byte) bool {
	return containsAny(page, pasteMarkBytes) && containsAny(page, openMarkBytes)
}

var pasteMarkBytes, openMarkBytes = byteMarks(pasteMarks), byteMarks(openMarks)

func byteMarks(ms []string) [][]byte {
	out := make([][]byte, len(ms))
	for i, m := range ms {
		out[i] = []byte(m)
	}
	return out
}

func containsAny(b []byte, marks [][]byte) bool {
	for _, m := range marks {
		if bytes.Contains(b, m) {
			return true
		}
	}
	return false
}

// namesBox is mayOpen's look for a box opened (openMarks).
func namesBox(text string) bool {
	for _, m := range openMarks {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// attackWords name the attack, refusals tell not to do its steps: a security
// team's or a CERT's warning quotes the steps beside both ("le faux
// CAPTCHA vous demande d'appuyer sur Windows + R, puis Ctrl + V : ne le
// faites jamais"). A lure tells to do them; one that names fake CAPTCHAs
// to look protective ("pour vous protéger des faux CAPTCHA, appuyez sur
// Windows + R…") does not refuse its steps, whatever "jamais" it says
// before them ("ne faites jamais confiance à un site inconnu", engine
// testdata/clickfix/twins). Only the scam's own names count, not
// "malveillant" nor "pas": "pour bloquer les robots malveillants,
// vérifiez que vous n'êtes pas un robot" is the lure's wording.
var (
	attackWords = phrasesOf("clickfix", "faux captcha", "faux captchas", "fausse verification", "fausses verifications",
		"fake captcha", "fake captchas", "fake verification", "arnaque", "arnaques", "escroquerie", "escroqueries", "escroc", "escrocs",
		"scam", "scams", "scammers", "cybercriminel", "cybercriminels", "attaquant", "attaquants", "attacker", "attackers", "fraudeurs")
	refusals = phrasesOf(
		"ne le faites jamais", "ne le faites pas", "ne faites jamais cela", "ne faites jamais ca", "ne faites pas cela", "ne faites pas ca",
		"ne collez rien", "ne collez jamais", "ne collez pas", "n executez jamais", "n executez pas", "n appuyez jamais", "n appuyez pas",
		"ne suivez jamais", "ne suivez pas",
		"never do this", "never do that", "never do it", "do not do this", "do not do that", "do not do it", "don t do this", "don t do that", "don t do it",
		"never paste", "never press", "never run", "never follow", "do not paste", "do not press", "do not run", "do not follow",
		"don t paste", "don t press", "don t run", "don t follow")
)

// refuseBefore is how many words before the box a refusal may stand and
// still refuse the steps ("never press Windows + R", "n'appuyez jamais
// sur Windows + R").
const refuseBefore = 4

// warns reports a window of words that names the attack and refuses the
// steps whose box stands at words[box]: a warning quoting them
// (attackWords, refusals). The refusal is of the steps — "ne le faites
// jamais", "never do this", "never paste" — at most refuseBefore words
// before the box or anywhere after it: a lure's "ne faites jamais
// confiance à un site inconnu" or "never share your password" before its
// steps refuses something else.
func warns(words []string, box int) bool {
	attack, refused := false, false
	for i := range words {
		attack = attack || has(words, i, attackWords)
		refused = refused || i >= box-refuseBefore && refusesHere(words, i)
		if attack && refused {
			return true
		}
	}
	return false
}

// restrictions are the words by which a refusal spares the message's
// own steps: "ne faites jamais cela sur un autre site", "never do this
// on any other site", "except on this page". A lure that names fake
// CAPTCHAs to look protective gives its steps and then refuses them
// elsewhere only; a warning refuses them everywhere ("ne faites jamais
// cela", "sur aucun site").
var restrictions = phrasesOf("autre site", "autres sites", "autre page", "autres pages", "ailleurs", "sauf ici", "sauf sur",
	"other site", "other sites", "another site", "other page", "other pages", "another page", "anywhere else", "elsewhere",
	"except here", "except on", "other than this", "other than ours")

// inclusions name the message's own place beside elsewhere: "ici comme
// ailleurs", "ni ici ni ailleurs", "here or anywhere else", "on this or
// any other site". A warning refuses the steps everywhere so.
var inclusions = phrasesOf("ici comme", "ici ou", "ici ni", "ni ici", "y compris ici", "ce site ou", "ce site ni",
	"notre site ou", "notre site ni", "le notre ou", "le notre ni", "here or", "here nor", "here and", "this or",
	"this site or", "this site nor", "our site or", "our site nor", "including here", "including this")

// restrictAfter is how many words after a refusal's first word a
// restriction may stand ("never do this on any other site").
const restrictAfter = 10

// conditions make a refusal conditional: "ne faites jamais cela sans
// instruction de la DSI", "never do this unless IT asks", "except when
// we ask". Named beside here ("Never do this here or anywhere else
// without our IT's instruction — but do it now for this verification"),
// the condition is the lure's way back to its own steps, which it then
// meets. "Sans exception", "sans quoi" (otherwise) refuse all the same
// (unconditional).
var (
	conditions    = phrasesOf("sans", "sauf", "hormis", "a moins", "without", "unless", "except")
	unconditional = phrasesOf("sans exception", "sans aucune exception", "sans quoi", "sans cela", "without exception", "without any exception")
)

// refusesHere reports a refusal (refusals) at words[i] that holds for
// the message's own steps: not made conditional (conditions), and not
// restricted to elsewhere in the words after it (restrictions), unless
// they name its own place as well (inclusions) before the restriction.
func refusesHere(words []string, i int) bool {
	m, n := matchAt(words, i, refusals)
	if m == "" {
		return false
	}
	after := words[i+n : min(len(words), i+restrictAfter)]
	for k := range after {
		if has(after, k, conditions) && !has(after, k, unconditional) {
			return false
		}
	}
	for k := range after {
		if has(after, k, inclusions) {
			return true
		}
		if has(after, k, restrictions) {
			return false
		}
	}
	return true
}

// showsPath reports a text that writes out a Windows path — a share
// (\\serveur\partage), a drive's (C:\…), an environment variable
// (%temp%) — the IT desk's object to
// paste into the Run box, which the reader sees: "copiez
// \\srv-fichiers\commun, Windows + R, collez, Entrée". The ClickFix
// steps show nothing; what they paste is on the clipboard only.
func showsPath(text string) bool {
	if showsVariable(text) {
		return true
	}
	return eachAt(text, '\\', func(i int) bool {
		if i+1 >= len(text) {
			return false
		}
		next := text[i+1]
		return next == '\\' && i+2 < len(text) && isAlnum(text[i+2]) || i >= 2 && text[i-1] == ':' && isAlnum(text[i-2]) && isAlnum(next)
	})
}

// eachAt reports whether found holds at one of the offsets of c in text.
func eachAt(text string, c byte, found func(i int) bool) bool {
	for i := strings.IndexByte(text, c); i >= 0; {
		if found(i) {
			return true
		}
		j := strings.IndexByte(text[i+1:], c)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// writesObject reports a paste whose next word is what is pasted, written
// out: a Windows shell folder or settings page ("Windows + R, collez
// shell:startup, Entrée", "ms-settings:…"), or a command and its switch
// ("copiez-collez ipconfig /flushdns et appuyez sur Entrée", "sfc
// /scannow") — the Windows tips' and IT desks' object, which the reader
// sees. text starts at the paste's word; only the words before Enter,
// Return or "valider", at most objectBytes, are read, and only the word
// right after the paste, so a decoy written elsewhere does not count.
func writesObject(text string) bool {
	text = text[:runeCut(text, objectBytes)]
	end := len(text)
	for _, k := range runMarks {
		if j := strings.Index(text, k); j >= 0 && j < end {
			end = j
		}
	}
	f := strings.Fields(text[:end])
	if len(f) < 2 {
		return false
	}
	object := strings.ToLower(f[1])
	if strings.HasPrefix(object, "shell:") || strings.HasPrefix(object, "ms-settings:") {
		return true
	}
	if len(f) < 3 || len(f[2]) < 2 || f[2][0] != '/' || !isAlnum(f[2][1]) || len(object) < 2 {
		return false
	}
	for i := 0; i < len(object); i++ {
		if !isAlnum(object[i]) && object[i] != '.' {
			return false
		}
	}
	return true
}

// objectBytes is how far after a paste writesObject reads; runMarks are
// what the keys of runs hold as a text writes them.
const objectBytes = 120

var runMarks = []string{"ntr", "NTR", "nter", "NTER", "eturn", "ETURN", "etour", "ETOUR", "alid", "ALID"}

// showsVariable reports an environment variable written out (%temp%,
// %appdata%): the IT tips' "Windows + R, collez %temp%, Entrée".
func showsVariable(text string) bool {
	return eachAt(text, '%', func(i int) bool {
		j := i + 1
		for j < len(text) && (isAlnum(text[j]) || text[j] == '_') {
			j++
		}
		return j < len(text) && text[j] == '%' && j-i > 2
	})
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// showsWhatToCopy reports a copy or a paste whose next few words point
// at what the message shows ("copiez la commande ci-dessous", "paste the
// following line").
func showsWhatToCopy(words []string) bool {
	for i := range words {
		if !has(words, i, copyWords) && !has(words, i, pastes) {
			continue
		}
		for j := i + 1; j < len(words) && j <= i+6; j++ {
			if m, _ := matchAt(words, j, shownWords); m != "" {
				return true
			}
		}
	}
	return false
}

// instruction returns the steps words hold (Instruction) and the index of
// their box, "" when none.
func instruction(words []string) (string, int) {
	for i := range words {
		open, n := matchAt(words, i, opens)
		if open == "" {
			continue
		}
		start := i + n
		for j := start; j < len(words) && j < start+toPaste; j++ {
			if has(words, j, runs) || has(words, j, typed) && !typesPaste(words, j) {
				break
			}
			paste, n := matchAt(words, j, pastes)
			if paste == "" {
				continue
			}
			after := j + n
			for k := after; k < len(words) && k < after+toRun; k++ {
				if has(words, k, elsewhere) || has(words, k, typed) || has(words, k, reported) {
					break
				}
				if run, _ := matchAt(words, k, runs); run != "" {
					return `"` + open + `", "` + paste + `", "` + run + `"`, i
				}
			}
			break
		}
	}
	return "", 0
}

// typesPaste reports a word of typed at words[j] whose object is the
// paste's keys ("type Ctrl + V", "tapez Ctrl+V"): the reader types
// nothing himself, and a lure that words its paste so is not the IT
// desk's "tapez cmd".
func typesPaste(words []string, j int) bool {
	for k := j + 1; k < len(words) && k <= j+2; k++ {
		if p, _ := matchAt(words, k, pastes); p != "" && p != "paste" && p != "collez" && p != "coller" && p != "colle" {
			return true
		}
	}
	return false
}

// phrases are normalised phrases, each also split into its words, and
// indexed by their first word: matchAt looks a word up once instead of
// comparing it with every phrase (Mentions reads every word of a page).
type phrases struct {
	text  []string
	words [][]string
	first map[string][]int
}

func phrasesOf(ps ...string) phrases {
	out := phrases{text: ps, first: map[string][]int{}}
	for x, p := range ps {
		f := strings.Fields(p)
		out.words = append(out.words, f)
		out.first[f[0]] = append(out.first[f[0]], x)
	}
	return out
}

// matchAt returns the longest of ps that words holds at i and its length
// in words, "" when none.
func matchAt(words []string, i int, ps phrases) (string, int) {
	best, n := "", 0
	for _, x := range ps.first[words[i]] {
		f := ps.words[x]
		if len(f) > len(words)-i || len(f) <= n {
			continue
		}
		ok := true
		for m, w := range f[1:] {
			if words[i+1+m] != w {
				ok = false
				break
			}
		}
		if ok {
			best, n = ps.text[x], len(f)
		}
	}
	return best, n
}

// has reports whether words holds one of ps at i.
func has(words []string, i int, ps phrases) bool {
	m, _ := matchAt(words, i, ps)
	return m != ""
}

// Mentions returns the box and the paste a page names anywhere, "" when
// it names not both: enough beside a script that writes the clipboard,
// whose page needs no sentence in order ("1. Copy 2. Win+R 3. Paste").
func Mentions(text string) string {
	text = narrow(text)
	if !mayOpen(text) {
		return ""
	}
	text = text[:runeCut(text, maxPageText)]
	// The page is normalised a chunk at a time, the last words of each
	// carried into the next (a phrase is at most longestPhrase words), so
	// that a page that names the box early is not read to its end and a
	// long one is never held normalised whole.
	var words []string
	open, paste := "", ""
	for text != "" {
		end := runeCut(text, pageChunk)
		if j := strings.IndexAny(text[end:], " \t\r\n"); j >= 0 {
			end += j
		} else {
			end = len(text)
		}
		words = append(words, strings.Fields(textmatch.Normalize(text[:end]))...)
		text = text[end:]
		last := len(words)
		if text != "" {
			last = max(0, len(words)-longestPhrase)
		}
		for i := 0; i < last; i++ {
			if open == "" {
				open, _ = matchAt(words, i, opens)
			}
			if paste == "" {
				paste, _ = matchAt(words, i, pastes)
			}
			if open != "" && paste != "" {
				return `"` + open + `", "` + paste + `"`
			}
		}
		words = append(words[:0], words[last:]...)
	}
	return ""
}

// maxPageText is how much of a page's text Mentions reads, the message's
// own bound on a body's text (message.Limits.MaxTextBytes): an HTML
// attachment may be 25 MB. pageChunk is how much it normalises at a time;
// longestPhrase bounds the words of opens and pastes.
const (
	maxPageText   = 2 << 20
	pageChunk     = 16 << 10
	longestPhrase = 8
)

// runeCut returns n, or len(text) when shorter, moved forward to a rune's
// start.
func runeCut(text string, n int) int {
	if n >= len(text) {
		return len(text)
	}
	for n < len(text) && !utf8.RuneStart(text[n]) {
		n++
	}
	return n
}

// clipboardWrites are the script calls by which a page puts text on the
// clipboard, lower-cased: the Clipboard API, the older execCommand copy,
// the copy event's clipboardData, and Internet Explorer's.
var clipboardWrites = []string{
	"clipboard.writetext", "clipboard.write(", "execcommand(\"copy\")", "execcommand('copy')", "execcommand(`copy`)",
	"clipboarddata.setdata",
}

// WritesClipboard reports whether lower, the lower-cased text of an HTML
// page, holds a script call that writes the clipboard.
func WritesClipboard(lower []byte) bool {
	for _, s := range clipboardWrites {
		if bytes.Contains(lower, []byte(s)) {
			return true
		}
	}
	return false
}

// PageText returns the words a page shows and its scripts write, tags and
// character references replaced by spaces, for Instruction.
func PageText(html []byte) string {
	var b strings.Builder
	b.Grow(len(html))
	in := false
	for i := 0; i < len(html); i++ {
		c := html[i]
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>':
			in = false
			b.WriteByte(' ')
		case in:
		case c == '&':
			// A reference up to its ';' ("&nbsp;", "&#43;") is a space.
			if j := strings.IndexByte(string(html[i:min(len(html), i+10)]), ';'); j > 0 {
				i += j
			}
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
