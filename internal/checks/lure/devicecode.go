package lure

import (
	"cmp"
	"net/url"
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// Device-code phishing: the message hands the reader a code to type at a
// provider's genuine device-login page, and whoever asked for the code
// (the phisher's own session) receives the reader's tokens. The OAuth 2.0
// device authorization grant (RFC 8628; Microsoft identity platform, "OAuth
// 2.0 device authorization grant") exists for input-constrained devices: the
// device itself shows the code and the page, the user types it on another
// screen (RFC 8628 §3.3). Nobody mails it; RFC 8628 §5.4 names the remote
// phishing of the code as the flow's risk. The family: Microsoft Threat
// Intelligence, "Storm-2372 conducts device code phishing campaign"
// (February 2025: fake Teams meeting invitations from a posed official
// with the code to enter at microsoft.com/devicelogin); Volexity, "Multiple
// Russian Threat Actors Targeting Microsoft Device Code Authentication"
// (February 2025: invitations from a fake State Department or ministry
// official to a secure chat room); Proofpoint, "Device Code Phishing is an
// Evolution in Identity Takeover" (December 2025: kits and
// phishing-as-a-service, Microsoft and Google pages, lures sent from
// compromised accounts). Every link of such a lure is the provider's own,
// which is why neither the link nor the brand families see it.

// devicePages are the providers' device-login pages, as the lures write
// them, lower-cased: Microsoft's (microsoft.com/devicelogin, its aka.ms
// short link and the tenant's /oauth2/deviceauth page on
// login.microsoftonline.com), Google's (google.com/device) and GitHub's
// (github.com/login/device, GitHub Docs, "Authorizing OAuth apps", device
// flow).
var devicePages = []string{"microsoft.com/devicelogin", "aka.ms/devicelogin", "/oauth2/deviceauth",
	"google.com/device", "github.com/login/device"}

// devicePageIn reports the device-login page the texts name or a link
// leads to, "" when none, and whether it is named only defanged
// ("microsoft[.]com/devicelogin": defangedPage). The text is looked at
// around "/device" only, in any case ("MICROSOFT.COM/DEVICELOGIN",
// "microsoft.com/DeViCeLoGiN": the browser folds it), so that mail naming
// no device page costs a search for each slash.
func devicePageIn(in *scan.Input, texts []string) (page string, defanged bool) {
	for _, text := range texts {
		p, d := pageAround(text)
		if p != "" && !d {
			return p, false
		}
		if page == "" {
			page = p
		}
	}
	// The link's destination, not its wrapper: a page behind Safe Links
	// or URL Defense (urlx.Unwrap) is the page the reader lands on; so is
	// the page an open redirect carries in its query.
	for _, l := range in.Links {
		raw := ""
		switch l.Host {
		case "microsoft.com", "www.microsoft.com", "aka.ms", "login.microsoftonline.com",
			"google.com", "www.google.com", "github.com":
			raw = strings.ToLower(l.Target)
		default:
			raw = redirectedTo(l.Target)
		}
		if raw == "" {
			continue
		}
		for _, p := range devicePages {
			if namesPage(raw, p) {
				return p, false
			}
		}
	}
	return page, page != ""
}

// redirectedTo returns, lower-cased and unescaped, the query of a link
// that may carry a device page to an open redirect
// (…/redirect?url=https%3A%2F%2Fmicrosoft.com%2Fdevicelogin), "" for any
// other link. Redirect chains through open redirects on benign sites hide
// the destination from link filters (Sekoia, Tycoon 2FA, 2025); a device
// page needs no hiding from them, which is why a lure that sends the
// reader there through a redirect is no less the family's. Only a query
// holding "device" in some case is unescaped.
func redirectedTo(target string) string {
	q := strings.IndexByte(target, '?')
	if q < 0 || !containsFold(target[q:], "device") {
		return ""
	}
	s := target[q+1:]
	for range 2 { // a redirect inside a redirect is escaped twice
		u, err := url.QueryUnescape(s)
		if err != nil || u == s {
			break
		}
		s = u
	}
	return strings.ToLower(s)
}

// containsFold reports s holding sub, lower-case ASCII letters, in any
// case.
func containsFold[T string | []byte](s T, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && s[i+j]|0x20 == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// unspaced drops the spaces around a slash or a dot, as a page may be
// written ("microsoft.com / devicelogin", "microsoft . com/devicelogin")
// so that no filter reads it as an address: the page is the same to the
// reader who types it.
func unspaced(w string) string {
	if !strings.Contains(w, " ") {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == ' ' {
			j := i
			for j < len(w) && w[j] == ' ' {
				j++
			}
			if j < len(w) && (w[j] == '/' || w[j] == '.') || len(b) > 0 && (b[len(b)-1] == '/' || b[len(b)-1] == '.') {
				i = j - 1
				continue
			}
		}
		b = append(b, w[i])
	}
	return string(b)
}

// refanged undoes the usual defanging of a dot or a slash
// ("microsoft[.]com", "microsoft(dot)com", "[/]"), "" when w has none.
// Defanging is how an alert or a threat report names a page so that
// nobody follows it (a CERT's bulletin quoting a campaign's code beside
// it); a lure may write it so too, to pass the filters that read
// addresses, and the reader types the page all the same. deviceCodeHanded
// reads a defanged page with a stricter ask (defangedAsk).
func refanged(w string) string {
	if !strings.ContainsAny(w, "[({") {
		return ""
	}
	r := strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[/]", "/")
	return r.Replace(w)
}

// pageAround returns the device page named in text, "" when none, and
// whether it is named only defanged (refanged). Every page's path starts
// with "/device" (spaces allowed after the slash), so only a slash
// followed by "device" in any case is looked around: prose's "devices"
// costs nothing.
func pageAround(text string) (page string, defanged bool) {
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '/')
		if j < 0 {
			return page, page != ""
		}
		slash := i + j
		i = slash + 1
		k := i
		for k < len(text) && text[k] == ' ' {
			k++
		}
		if len(text)-k < 6 || !strings.EqualFold(text[k:k+6], "device") {
			continue
		}
		w := strings.ToLower(text[max(slash-40, 0):min(k+16, len(text))])
		u := unspaced(w)
		for _, p := range devicePages {
			if namesPage(u, p) {
				return p, false
			}
		}
		if r := refanged(u); r != "" && page == "" {
			for _, p := range devicePages {
				if namesPage(r, p) {
					page = p
					break
				}
			}
		}
	}
}

// namesPage reports s naming page p itself, not a longer path that
// starts with it: myaccount.google.com/device-activity (Google's list of
// the account's devices, in its security mail) and google.com/devices
// are no device-login page.
func namesPage(s, p string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], p)
		if j < 0 {
			return false
		}
		end := i + j + len(p)
		if end == len(s) {
			return true
		}
		switch c := s[end]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return true
		}
		i = end
	}
}

// codeWord finds the word "code" (any case) after which the handed code
// is looked for, or "passcode": a Teams invitation in English writes
// "Meeting ID: … Passcode: …" under its join button (where the French
// one writes "Code secret"), and Storm-2372's fake invitations copy it
// with the device code as the passcode (Microsoft Threat Intelligence,
// February 2025).
var codeWord = regexp.MustCompile(`(?i)\b(?:pass)?code\b`)

// userCode is the shape of a device flow's user code: Microsoft's nine
// letters and digits (Azure CLI prints "enter the code HCLRV78QY"),
// GitHub's and Google's two groups of four with a hyphen ("WDJB-MJHT",
// GitHub Docs; RFC 8628 §6.1 recommends such short, case-insensitive
// codes, hyphen allowed). The groups may be split otherwise, as a lure
// writes them to pass a filter and the reader retypes them anyway: a dot
// or an en dash ("WDJB–MJHT"), a space ("HQ7 XM4 KPD").
var userCode = regexp.MustCompile(`\b[A-Z0-9]{3,5}(?:[-–.][A-Z0-9]{3,5}){1,2}\b|\b[A-Z0-9]{3,5}(?:[ \t][A-Z0-9]{3,5}){1,2}\b|\b[A-Z0-9]{8,10}\b`)

// smallUserCode is a user code written in small letters ("hq7xm4kpd"):
// the code is case-insensitive (RFC 8628 §6.1), so the reader types it
// all the same.
var smallUserCode = regexp.MustCompile(`\b[a-z0-9]{3,5}(?:-[a-z0-9]{3,5}){1,2}\b|\b[a-z0-9]{8,10}\b`)

// handedCode returns the first user code (userCode) written within 50
// bytes after the word "code" in text, "" when none: a code has at least
// two letters, and a hyphen, a digit or letters no word spells
// (textmatch.Generated), so that "code MICROSOFT" is no code. Groups
// split by spaces are words as often ("POSTE 4455"): two of them carry a
// digit, or the letters joined are generated. In small letters a code
// has a digit, which no word has. An error code ("error code CAA20004",
// "le code d'erreur 0x8018002b": Teams Rooms' and Intune's, which an IT
// desk names beside the device page) is no user code unless errors is
// set: deviceCodeHanded sets it when the sender asks for the code.
func handedCode(text string, errors bool) string {
	for _, m := range codeWord.FindAllStringIndex(text, 64) {
		after := text[m[1]:min(m[1]+50, len(text))]
		if !errors && errorCode(text[max(m[0]-7, 0):m[0]], after) {
			continue
		}
		for _, c := range userCode.FindAllString(after, 4) {
			if codeLike(c) {
				return c
			}
		}
		for _, c := range smallUserCode.FindAllString(after, 4) {
			if letters, digits := count(c); letters >= 2 && digits > 0 && !strings.HasPrefix(c, "0x") {
				return c
			}
		}
	}
	return ""
}

// errorCode reports the word "code" named an error's code: "error code",
// "code d'erreur", "code erreur", "code error".
func errorCode(before, after string) bool {
	if strings.HasSuffix(strings.ToLower(strings.TrimRight(before, " ")), "error") {
		return true
	}
	a := strings.ToLower(strings.TrimLeft(after, " "))
	for _, p := range []string{"d'erreur", "d’erreur", "erreur", "error", "de l'erreur"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

// codeLike reports a userCode match that is a code, not capitalised words
// (handedCode).
func codeLike(c string) bool {
	letters, digits := count(c)
	if letters < 2 {
		return false
	}
	if !strings.ContainsAny(c, " \t") {
		return digits > 0 || strings.ContainsAny(c, "-–.") || textmatch.Generated(c, 8)
	}
	withDigit := 0
	for _, g := range strings.Fields(c) {
		if _, d := count(g); d > 0 {
			withDigit++
		}
	}
	return withDigit >= 2 || digits == 0 && textmatch.Generated(strings.Join(strings.Fields(c), ""), 8)
}

// count returns the ASCII letters (either case) and digits of s.
func count(s string) (letters, digits int) {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'A' && b <= 'Z', b >= 'a' && b <= 'z':
			letters++
		case b >= '0' && b <= '9':
			digits++
		}
	}
	return letters, digits
}

// enterWords are the verbs that ask the reader to type a code, as
// textmatch.Normalize reads them.
var enterWords = map[string]bool{
	"saisir": true, "saisissez": true, "entrer": true, "entrez": true, "taper": true, "tapez": true,
	"renseigner": true, "renseignez": true, "indiquer": true, "indiquez": true, "utiliser": true,
	"utilisez": true, "copier": true, "copiez": true, "coller": true, "collez": true,
	"enter": true, "type": true, "use": true, "input": true, "paste": true, "copy": true,
	// The gerund: "re-validate your MFA by entering this code", "en
	// saisissant le code".
	"saisissant": true, "entrant": true, "tapant": true, "entering": true, "typing": true, "using": true,
}

// shownWords and deviceWords: the code "shown on your TV", "affiché sur
// l'écran de la console", "displayed in your terminal" is the device's
// own, the flow as RFC 8628 designs it; asked to type that one, the
// reader is asked nothing a mail can hand over. A screen alone is no
// device: the code "affiché à l'écran", "shown on your screen" is as
// well the one a lure's picture shows on the reader's own screen
// (testdata/devicecode/twins), and a guide names the device whose screen
// it is ("l'écran du téléviseur", "your TV screen").
var shownWords = map[string]bool{
	"affiche": true, "affichee": true, "apparait": true, "shown": true, "displayed": true,
	"appears": true, "showing": true, "visible": true,
}

var deviceWords = wordSet(`tv tele televiseur television device appareil console terminal peripherique box salle room tablette tablet`)

// onDevices and fromDevices say where the code is without a word of
// showing: the code "you see on your TV", "on your TV screen", "sur la
// console"; "from the phone", "du téléphone", "de l'appareil" (a Teams
// phone's or a shared device's guide). A phone, a tablet or a device
// named after "on"/"sur" is where the reader types ("enter the code on
// your phone"), so it counts only as the code's source.
var (
	onDevices   = wordSet(`tv tele televiseur television console box`)
	fromDevices = wordSet(`tv tele televiseur television console box phone telephone tablet tablette device appareil`)
	onWords     = wordSet(`on sur in dans`)
	fromWords   = wordSet(`from du de des`)
)

// codeHereWords say the code is in the message itself though not in its
// text: "le code ci-dessous" in a picture, "the following code" in a
// table cell or an image.
var codeHereWords = map[string]bool{
	"dessous": true, "joint": true, "suivant": true, "below": true, "following": true,
	"attached": true, "image": true, "picture": true, "dessus": true, "above": true,
}

// expiryWords are a code's deadline told to the one who must type it.
var expiryWords = map[string]bool{
	"expire": true, "expires": true, "expirera": true, "valable": true, "valid": true, "validite": true,
}

// cliTemplate is the sign-in line the Microsoft identity platform returns
// to a command-line client (Azure CLI, Azure PowerShell), in English and
// French: "To sign in, use a web browser to open the page
// https://microsoft.com/devicelogin and enter the code … to authenticate."
// It is the program's output; a developer quotes it in a bug report to a
// list (Azure/azure-cli issue 21671 quotes it so). Its "enter the code" is
// no ask of the writer's. So are GitHub CLI's "! First copy your one-time
// code: …" (gh auth login, followed by "Open this URL to continue in your
// web browser: https://github.com/login/device"; cli/cli) and Azure
// Developer CLI's "Start by copying the next code: …" (azd auth login
// --use-device-code, Azure/azure-dev issue 5428).
var cliTemplate = []string{"use a web browser to open the page", "utilisez un navigateur web pour ouvrir la page",
	"first copy your one time code", "start by copying the next code"}

// codeAsk reports whether the sentence's words ask the reader to type a
// code, whether the ask is a plain imperative (the enter verb opens the
// sentence or follows "please", "veuillez", "merci de"), and whether they
// say the code is in the message though not written out (codeHereWords).
// An ask is an enter verb (not negated: "never enter a code you did not
// request"; not reported: reportedAt) with "code" in the five words
// after it, or "code" with "à saisir"/"to enter" after it, or a sentence
// about the code's expiry; the device's own code (shownWords then
// screenWords) is not asked for, though onDevice reports the ask of it
// ("saisissez le code affiché sur l'écran de la salle"). Mentioned is
// here whether or not the code is asked for ("ne communiquez jamais le
// code ci-dessous").
func codeAsk(words []string) (asked, imperative, here, mentioned, direct, onDevice bool) {
	for i, w := range words {
		if w != "code" && w != "codes" && w != "passcode" {
			continue
		}
		after := words[i+1 : min(i+7, len(words))]
		// "le code affiché sur l'écran de la salle": the device may
		// come nine words after.
		if shownOnDevice(words[i+1 : min(i+10, len(words))]) {
			for k := max(i-5, 0); k < i; k++ {
				onDevice = onDevice || enterWords[words[k]] && !negatedAt(words, k) && !reportedAt(words, k)
			}
			continue
		}
		h := false
		for _, a := range after {
			h = h || codeHereWords[a]
		}
		mentioned = mentioned || h
		ask := false
		for k := max(i-5, 0); k < i; k++ {
			if enterWords[words[k]] && !negatedAt(words, k) && !reportedAt(words, k) {
				ask = true
				imperative = imperative || politeAt(words, k)
				direct = direct || joinedImperativeAt(words, k)
			}
		}
		for k, a := range after {
			if enterWords[a] && k > 0 && (after[k-1] == "a" || after[k-1] == "to") {
				ask = true
			}
			if expiryWords[a] {
				ask = true
			}
		}
		if ask {
			asked = true
			here = here || h
		}
	}
	return asked, imperative, here, mentioned, direct, onDevice
}

// deviceShows reports a sentence that says a device shows the code: a
// code word, a word of showing and a device (shownWords, deviceWords) in
// any order ("Un code s'affiche sur l'écran du téléviseur", "your TV
// displays a code"), or that names the device's own button to sign in
// from another one (otherDeviceSignIn). Screen is whether it says a
// screen shows the code instead of a device ("le code affiché à
// l'écran"): deviceCodeHanded takes that screen for a device's where
// the message names one (namedDevices).
func deviceShows(words []string) (device, screen bool) {
	code, showing := false, false
	for _, w := range words {
		code = code || w == "code" || w == "codes" || w == "passcode"
		showing = showing || shownWords[w] || w == "displays" || w == "shows" || w == "affichera"
		device = device || deviceWords[w]
		screen = screen || screenWords[w]
	}
	return code && showing && device || otherDeviceSignIn(words), code && showing && screen
}

// screenWords are a screen not named as a device's.
var screenWords = wordSet(`ecran screen display`)

// namedDevices are the devices a guide to the device flow names, where
// a lure's pretext (a meeting, a document, a re-validation) has none:
// the reader's phone or computer, which a lure names too ("from your
// phone or computer"), is not one.
var namedDevices = wordSet(`tv tele televiseur television console box tablette tablet tablettes tablets`)

// namesDevice reports words holding a namedDevices word.
func namesDevice(words []string) bool {
	for _, w := range words {
		if namedDevices[w] {
			return true
		}
	}
	return false
}

// otherDeviceSignIn reports the button a device that signs in by the
// device flow shows, "Sign in on another device", "Se connecter sur un
// autre appareil" (Microsoft Learn, "Remote sign-in for Teams Android
// devices"), in a sentence that names the device it is on ("Sur l'écran
// de la salle, choisissez …", "On the Teams phone, tap …": buttonDevices).
// A guide that names it walks the reader through a device's own code; a
// lure that names the button alone, to look like one, has no device to
// name.
func otherDeviceSignIn(words []string) bool {
	on := false
	for _, w := range words {
		on = on || buttonDevices[w]
	}
	if !on {
		return false
	}
	for k := 1; k < len(words); k++ {
		if words[k] != "device" && words[k] != "appareil" || words[k-1] != "another" && words[k-1] != "autre" {
			continue
		}
		for _, w := range words[max(k-5, 0) : k-1] {
			if w == "sign" || w == "connecter" || w == "signin" {
				return true
			}
		}
	}
	return false
}

// deviceStep reports a sentence that has the reader act on a device:
// a step verb (stepWords) and "on"/"sur" a device (buttonDevices,
// namedDevices) within three words ("Sur la console, touchez …", "Open
// the YouTube app on your TV and select Sign in", "Sur la tablette
// partagée, ouvrez Teams"). Typing the code is no step on the device.
func deviceStep(words []string) bool {
	verb, on := false, false
	for i, w := range words {
		verb = verb || stepWords[w]
		if onWords[w] {
			for _, d := range words[i+1 : min(i+4, len(words))] {
				on = on || buttonDevices[d] || namedDevices[d]
			}
		}
	}
	return verb && on
}

// stepWords are the verbs of a step on a device, as guides write them.
var stepWords = wordSet(`choisissez choisir touchez toucher ouvrez ouvrir selectionnez selectionner appuyez appuyer allumez lancez
	select choose tap open press launch turn start`)

// buttonDevices are the devices that show the other-device button.
var buttonDevices = wordSet(`tv tele televiseur television console box salle room phone telephone tablet tablette display ecran`)

// joinedImperativeAt reports an enter verb at i in the imperative after
// "et", "and", "puis", "then": "Rendez-vous sur … et saisissez le code",
// "go to … and enter the code". A French verb in -ez not after "vous"
// (the imperative's form), an English verb in its base form.
func joinedImperativeAt(words []string, i int) bool {
	if i == 0 {
		return false
	}
	switch words[i-1] {
	case "et", "puis", "ensuite":
		return strings.HasSuffix(words[i], "ez")
	case "and", "then":
		switch words[i] {
		case "enter", "type", "use", "input", "paste", "copy":
			return true
		}
	}
	return false
}

// scamWords name the attack, as a warning or a threat report about the
// family does and its lures do not.
var scamWords = wordSet(`phishing hameconnage hameconnages attaquant attaquants attacker attackers campagne campaign
	malveillant malveillants malicious arnaque arnaques scam scams escroquerie escroqueries fraudeur fraudeurs
	indicateurs indicators ioc iocs`)

// namesScam reports words holding a scamWords word.
func namesScam(words []string) bool {
	for _, w := range words {
		if scamWords[w] {
			return true
		}
	}
	return false
}

// elsewhere returns the texts of a message where a lure puts its code or
// its page out of the body: the pictures' alt texts (a code drawn in a
// picture, its alt saying it), the attached HTML or SVG pages and PDFs
// that name a device page ("device" in some case, before their text is
// taken out for the pages).
func elsewhere(m *message.Message, docs *attached) []string {
	var out []string
	for _, a := range m.ImageAlts {
		// Joined only when one says "code": a newsletter's logos do not.
		if containsFold(a, "code") {
			out = append(out, strings.Join(m.ImageAlts, "\n"))
			break
		}
	}
	if len(m.Attachments) == 0 {
		return out
	}
	for _, p := range docs.pages(func(page []byte) bool { return containsFold(page, "device") }) {
		out = append(out, p.text)
	}
	for _, p := range docs.PDFs() {
		if containsFold(p.text, "device") {
			out = append(out, p.text)
		}
	}
	return out
}

// politeAt reports an enter verb at i in the imperative's places: the
// sentence's first word, or after "please", "kindly", "veuillez", "merci
// de".
func politeAt(words []string, i int) bool {
	if i == 0 {
		return true
	}
	switch words[i-1] {
	case "please", "kindly", "veuillez":
		return true
	case "de":
		return i >= 2 && words[i-2] == "merci"
	}
	return false
}

// exampleWords mark a code given as an example ("par exemple
// ABCD-EFGH"), as a warning or a guide writes one.
var exampleWords = map[string]bool{"exemple": true, "example": true, "eg": true}

// reportedAt reports an enter verb at i that tells what someone did or
// was asked, not what the reader is to do: after a subject ("after I
// enter the code", "nous saisissons", "users enter") or after "me/us to"
// ("the CLI asks me to enter the code", "il me demande de saisir"). A
// developer reporting a sign-in that failed writes so.
func reportedAt(words []string, i int) bool {
	if i == 0 {
		return false
	}
	switch words[i-1] {
	case "i", "we", "he", "she", "they", "users", "je", "j", "nous", "il", "elle", "ils", "elles", "on":
		return true
	case "to", "de", "a", "d":
		if i >= 3 {
			switch words[i-3] {
			case "me", "us", "m", "nous":
				return true
			}
		}
	}
	return false
}

// shownOnDevice reports words after "code" that say the code is shown
// on a device: a word of showing with a device in the six words after
// it ("affiché sur l'écran de la salle"), or, in the first five words, a
// preposition with a device in the three after it (onDevices,
// fromDevices: "you see on your TV", "from the phone").
func shownOnDevice(after []string) bool {
	for k, a := range after {
		switch {
		case shownWords[a]:
			for _, s := range after[k+1 : min(k+7, len(after))] {
				if deviceWords[s] {
					return true
				}
			}
		case k < 5 && (onWords[a] || fromWords[a]):
			for _, s := range after[k+1 : min(k+4, len(after))] {
				if fromDevices[s] && (fromWords[a] || onDevices[s]) {
					return true
				}
			}
		}
	}
	return false
}

// deviceCodeHanded returns the detail of LURE_DEVICE_CODE, "" when the
// message does not hand the reader a device code: it names a
// device-login page (devicePages, in its text or links) and gives a code
// — written out after the word "code" in the sender's own sentence (not
// as an example), or asked for in words that say it is in the message
// ("le code ci-dessous", codeAsk). A code written out is itself the
// hand-over: a fake Teams invitation shows "Code secret : …" under a
// "Rejoindre" button that leads to the page, with no verb at all. Lines
// quoted with ">" are not the sender's, though the code written there
// counts when the sender's own sentences ask for it; nor is the
// command-line output's sentence (cliTemplate) where the message names
// the command that printed it (cliCommand); a message that quotes that
// output so is a report of it, and counts only with a plain imperative
// ask of the sender's own ("Please enter the code yourself",
// "Saisissez-le": pronounAsk), not "after I enter the code". The sender is not judged, the provider excepted by nothing:
// nobody mails a device code (RFC 8628 §3.3), and the family's later
// waves send from compromised accounts, inside the organisation too
// (Proofpoint).
func deviceCodeHanded(in *scan.Input, body, subject string, docs *attached) string {
	// A calendar invitation's DESCRIPTION is in the plain text (Storm-2372's
	// Teams invitations carry the code in the event), which Body passes
	// over when the HTML edition is longer. The pictures' alt texts and
	// the attached pages and PDFs are the sender's too, where a lure
	// moves the code or the page out of its text (elsewhere); a forward's
	// are the original's.
	texts := []string{body}
	if in.Forward == nil && in.Msg.Text != "" && in.Msg.Text != body {
		texts = append(texts, in.Msg.Text)
	}
	if in.Forward == nil {
		texts = append(texts, elsewhere(in.Msg, docs)...)
	}
	page, defanged := devicePageIn(in, texts)
	if page == "" {
		return ""
	}
	// The output is a report of a sign-in the writer ran only when he
	// says which command printed it (cliCommand), in his text or subject.
	ran := cliCommand.MatchString(subject)
	for _, t := range texts {
		ran = ran || cliCommand.MatchString(t)
	}
	reported, asked, imperative, here := false, false, false, false
	direct, quotedAsk := false, false  // "… et saisissez le code" in the sender's words, in quotation marks
	warned := false                    // the scam named (scamWords)
	shown := false                     // "un code s'affiche sur l'écran du téléviseur"
	screenShown, named := false, false // "le code affiché à l'écran", a TV or a tablet named
	signIn := false                    // "merci de finaliser l'authentification", "complete the sign-in for me"
	onDeviceAsk, step := false, false  // "saisissez le code affiché sur la TV", "sur la console, touchez …"
	pronoun, mentioned := false, false // "saisissez-le", "le code ci-dessous" without an ask
	code, output := "", ""             // the code of the sender's sentences, of the output's
	quotedCode, errCode := "", ""      // the code of the lines quoted with ">", an error's code
	for _, t := range texts {
		own, quoted := unquotedLines(t)
		if quoted && quotedCode == "" {
			quotedCode = handedCode(t, false)
		}
		for _, s := range sentences(own) {
			s = withoutLinks(s)
			words := strings.Fields(textmatch.Normalize(s))
			if ran && templated(words) {
				reported = true
				if output == "" {
					output = handedCode(s, false)
				}
				continue
			}
			a, imp, h, m, d, od := codeAsk(words)
			onDeviceAsk = onDeviceAsk || od
			step = step || deviceStep(words)
			asked = asked || a
			if (imp || d) && strings.ContainsAny(s, "«»“”\"") {
				// The ask in quotation marks, or only a button's name or
				// the code in them ("cliquez sur « Rejoindre » et
				// saisissez le code « HQ7XM4KPD »"): the words outside
				// them are the sender's own.
				_, oi, _, _, od, _ := codeAsk(strings.Fields(textmatch.Normalize(outsideQuotes(s))))
				direct = direct || oi || od
				quotedAsk = quotedAsk || !oi && !od
			} else {
				direct = direct || imp || d
			}
			warned = warned || namesScam(words)
			imperative = imperative || imp
			here = here || h
			mentioned = mentioned || m
			pronoun = pronoun || pronounAsk(s, words)
			// The ask's own words that the device shows the code are the
			// lure's borrowing unless a step on the device makes it show
			// one (deviceStep, below).
			if ds, ss := deviceShows(words); !od {
				shown = shown || ds
				screenShown = screenShown || ss
			}
			named = named || namesDevice(words)
			signIn = signIn || signInAsk(words)
			if code == "" && !exampled(words) {
				code = handedCode(s, false)
				if errCode == "" {
					errCode = handedCode(s, true)
				}
			}
		}
	}
	if code == "" {
		code = handedCode(subject, false)
	}
	// An ask of the sender's own reaches the code whatever the sender
	// calls it ("Saisissez le code d'erreur HQ7XM4KPD"), then wherever it
	// is written: "saisissez le code indiqué :" above a quoted "> Code : …"
	// is the sender's hand-over; a reply that only quotes a lure asks
	// nothing.
	if code == "" && (asked && !reported || imperative || pronoun) {
		code = cmp.Or(errCode, quotedCode)
	}
	if reported {
		asked = imperative || pronoun || signIn
		if code == "" {
			code = output
		}
	} else {
		asked = asked || pronoun || code != ""
	}
	here = here || pronoun && mentioned
	// "Saisissez le code de la réunion sur microsoft.com/devicelogin"
	// above a picture: the code the sender asks for in so many words is
	// the one his picture shows (the family renders codes so that text
	// filters miss them, Proofpoint).
	// Not where a sentence says the device shows the code: a guide to
	// sign in a TV ("Un code s'affiche sur l'écran du téléviseur. …
	// saisissez ce code") has its school's logo.
	// A screen shows the code on a device's only where the message names
	// a device: "le code affiché à l'écran" is as well the lure's picture
	// on the reader's own screen.
	shown = shown || screenShown && named
	// "Saisissez le code affiché sur l'écran de la salle" asks for the
	// device's code only where the message has the device show one: a
	// step on it ("Sur la console, touchez « Se connecter … »", "On your
	// TV, select Sign in") or a sentence of its own saying it shows the
	// code ("Un code s'affiche sur l'écran du téléviseur"). A Teams-room
	// or TV invitation that borrows the words with the code in its
	// picture (testdata/devicecode/twins) names no step: its ask is one.
	if onDeviceAsk && !step && !shown && !reported {
		asked, imperative = true, true
	}
	here = here || code == "" && (imperative || direct || quotedAsk) && !reported && !shown && pictured(in.Msg)
	// A defanged page is an analyst's way to name it; it is a lure's only
	// where the sender asks, in the imperative, to type the code there:
	// the alert that quotes a campaign's code and page ("le message
	// demande de saisir le code … sur microsoft[.]com/…") reports an ask.
	// An imperative in quotation marks is the lure's quoted by a warning
	// when the message names the attack (scamWords); a lure that names
	// phishing to look protective asks in its own words, outside the
	// marks it puts around a button's name or the code (outsideQuotes).
	if defanged && !(direct || pronoun || quotedAsk && !warned) {
		return ""
	}
	if !asked || code == "" && !here {
		return ""
	}
	if code == "" {
		code = "?"
	}
	return code + " → " + page
}

// outsideQuotes returns sentence s without what it holds in quotation
// marks («…», “…”, "…"). A mark opened and not closed drops the rest of s,
// a mark closed and not opened what precedes it: the sentence may cut a
// quotation of several sentences. Straight marks in odd number leave ""
// (which of them opens cannot be told), as if s were all quoted.
func outsideQuotes(s string) string {
	if strings.Count(s, "\"")%2 == 1 {
		return ""
	}
	var b strings.Builder
	open := false
	for _, r := range s {
		switch {
		case r == '«' || r == '“' || r == '"' && !open:
			open = true
		case r == '»' || r == '”' || r == '"':
			if !open {
				b.Reset()
			}
			open = false
		case !open:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// signInAsk reports a sentence that asks the reader to finish the
// sign-in the quoted output started, which is typing its code at the
// page: "Merci de finaliser l'authentification", "Could you complete the
// sign-in for me?", "I need you to approve it". A finishing verb
// (finishWords) with the sign-in or "it" in the three words after it,
// asked of the reader: in an imperative's place (politeAt) or after
// "you" ("could you", "need you to"). A developer who quotes the output
// of a command he ran reports what failed; he does not ask the list to
// sign in for him. A lure that pastes az login's output to look like a
// colleague's stuck deployment does (the device-code family's
// compromised-account waves, Microsoft Threat Intelligence on Storm-2372,
// February 2025).
func signInAsk(words []string) bool {
	for k, w := range words {
		if !finishWords[w] {
			continue
		}
		asked := politeAt(words, k) || k >= 1 && words[k-1] == "you" || k >= 2 && words[k-1] == "to" && words[k-2] == "you"
		if !asked {
			continue
		}
		for _, a := range words[k+1 : min(k+4, len(words))] {
			if signInWords[a] {
				return true
			}
		}
	}
	return false
}

var (
	finishWords = wordSet(`complete finish finalize finalise approve validate finaliser finalisez terminer terminez valider validez approuver approuvez completer completez`)
	signInWords = wordSet(`sign signin login logon authentication auth it authentification connexion identification`)
)

// pronounObject is a French imperative enter verb with its object
// pronoun, "saisissez-le", or after "veuillez"/"merci de", "veuillez le
// saisir".
var pronounObject = regexp.MustCompile(`(?i)\b(?:saisissez|entrez|tapez|copiez|collez|renseignez|indiquez|utilisez)[-\x{2011}](?:le|la)\b|\b(?:veuillez|merci de)\s+(?:le|la|l['\x{2019}])\s*(?:saisir|entrer|taper|copier|coller|renseigner|indiquer|utiliser)\b`)

// pronounAsk reports a sentence that asks the reader to type "it", the
// code named before: "Saisissez-le dans les 15 minutes", "Merci de le
// saisir avant 10 h", "Please enter it now". A lure that quotes the
// command-line output writes so, and one with the code in a picture:
// "Ne communiquez jamais le code ci-dessous. Saisissez-le sur …". The
// English pronoun counts after an enter verb in an imperative's place
// (politeAt); "en le saisissant" and "users enter it" are no asks.
func pronounAsk(s string, words []string) bool {
	for k, w := range words {
		if enterWords[w] && k+1 < len(words) && words[k+1] == "it" && politeAt(words, k) {
			return true
		}
	}
	return pronounObject.MatchString(s)
}

// withoutLinks returns sentence s without its addresses (words holding
// "://"): an address is read as the page it leads to (devicePageIn), not
// as the sender's words — a link wrapped by Safe Links or URL Defense
// spells the recipient's address and the wrapper's tokens, and any link
// can carry "example" or a code-like token in its query, which are no
// example the sender gives nor the code he hands.
func withoutLinks(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		if !strings.Contains(w, "://") {
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// exampled reports a sentence that gives its code as an example.
func exampled(words []string) bool {
	for _, w := range words {
		if exampleWords[w] {
			return true
		}
	}
	return false
}

// cliCommand is a command that prints a device-flow sign-in line
// (cliTemplate): Azure CLI's az login, Azure PowerShell's
// Connect-AzAccount (-UseDeviceAuthentication), Azure Developer CLI's azd
// auth login, GitHub CLI's gh auth login. A developer who reports the
// output shows the command he ran; a lure that pastes the output to be
// acted on ("Output of the re-authentication job: …", "Please do this
// now") has no use for it.
var cliCommand = regexp.MustCompile(`(?i)\b(?:az|azd auth|gh auth) login\b|\bconnect-azaccount\b`)

// templated reports the words of the command-line output's sentence
// (cliTemplate).
func templated(words []string) bool {
	j := " " + strings.Join(words, " ") + " "
	for _, t := range cliTemplate {
		if strings.Contains(j, " "+t+" ") {
			return true
		}
	}
	return false
}
