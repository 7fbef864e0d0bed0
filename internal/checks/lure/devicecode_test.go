package lure

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// LURE_DEVICE_CODE: a code handed to be typed at a provider's
// device-login page, asked in the sender's own words. The device's own
// code ("shown on your TV"), the command-line output quoted in a bug
// report, the warning never to type one, a page named without a code
// are not (engine testdata/devicecode/genuine).
func TestDeviceCodeHanded(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, subject, body string
		want                bool
	}{
		{"Teams invitation, French", "Invitation : réunion",
			"Pour rejoindre, saisissez le code ABCD-EFGH sur microsoft.com/devicelogin.", true},
		{"code on its own line after the ask", "Action required",
			"Please re-validate your MFA by entering this code at https://microsoft.com/devicelogin\n\nCode: B7TQX2MLN", true},
		{"code in a picture", "Réunion Teams",
			"Saisissez le code figurant dans l'image ci-dessous sur https://aka.ms/devicelogin", true},
		{"Google's page, expiry", "Interview",
			"Go to google.com/device, the code GQVQ-JKEC expires in 10 minutes.", true},
		{"the command-line line with the sender's ask", "Re-authentication",
			"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate.\n\nPlease enter the code yourself within 15 minutes.", true},
		{"the command-line line quoted in a bug report", "az login hangs",
			"I run az login:\n\n    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HCLRV78QY to authenticate.\n\nAfter I enter the code in my browser the CLI never returns.", false},
		// The bug report's twin: the command named, its output quoted, and
		// the reader asked to finish the sign-in rather than to type a code.
		{"the command's output and an ask to finish the sign-in, French", "Accès au portail Azure",
			"J'ai lancé az login pour le déploiement et la commande affiche :\n\n    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HQ7XM4KPD to authenticate.\n\nMerci de finaliser l'authentification avec ton compte, c'est urgent.", true},
		{"the command's output and an ask to complete the sign-in", "Azure deployment",
			"I ran az login and it printed:\n\n    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HQ7XM4KPD to authenticate.\n\nCould you complete the sign-in for me? It's urgent.", true},
		{"the command's output and an ask to approve it", "Azure deployment",
			"Running az login gives:\n\n    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HQ7XM4KPD to authenticate.\n\nI need you to approve it with your account in the next 15 minutes.", true},
		{"the bug report says the sign-in never completes", "az login hangs",
			"I run az login:\n\n    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HCLRV78QY to authenticate.\n\nThe sign-in never completes and I cannot finish the login. Any idea how to complete it?", false},
		{"a Teams copy: a passcode under a button to the page, no verb", "Réunion Microsoft Teams",
			"Rejoindre la réunion maintenant : https://microsoft.com/devicelogin\n\nID de la réunion : 372 918 440 116\nCode secret : HQ7XM4KPD", true},
		{"the bug report names the code again in its own words", "az login hangs",
			"    To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HCLRV78QY to authenticate.\n\nAfter entering code HCLRV78QY the browser says I can close the window.", false},
		{"the code shown on the console", "Teams Rooms",
			"Ouvrez https://microsoft.com/devicelogin et saisissez le code affiché sur l'écran de la salle.", false},
		{"the warning never to type one", "Alerte",
			"Ne saisissez jamais sur microsoft.com/devicelogin un code reçu par courriel (par exemple ABCD-EFGH).", false},
		{"a page and an ask, no code handed", "Device code flow",
			"The device shows a short code and the user enters it at microsoft.com/devicelogin. Enter the code on a phone.", false},
		{"a code without a device page", "Your verification code",
			"Enter the code ABCD-EFGH on the unrecognized device to complete the sign in.", false},
		{"the page in capitals", "ACTION REQUISE",
			"SAISISSEZ LE CODE KW9D4RZTE SUR MICROSOFT.COM/DEVICELOGIN.", true},
		{"the page behind Safe Links, the wrapper's address in the sentence", "Teams meeting",
			"To join, go to https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fmicrosoft.com%2Fdevicelogin&data=05%7C02%7Cagent%40example-hopital.fr%7C0&sdata=DPiJ%3D&reserved=0 and enter the code FJ3KL7QPA when prompted.", true},
		{"a link whose query says example", "Réunion",
			"Saisissez le code KW9D4RZTE sur https://microsoft.com/devicelogin?ref=exemple dès maintenant.", true},
		{"a capitalised word is no code", "Code",
			"Enter the code at microsoft.com/devicelogin now: code IMPORTANT, code MICROSOFT", false},
		// The page and the code as a lure writes them to pass a filter;
		// the reader types them all the same. A defanged page the
		// message only reports asked for is an alert's, not a lure's.
		{"the page defanged, as an alert names a campaign's", "Alerte",
			"Le message reçu demande de saisir le code FJ3KL7QPA sur hxxps://microsoft[.]com/devicelogin.", false},
		{"the page in mixed case", "Meeting",
			"Open Microsoft.com/dEvIcElOgIn and enter the code HQ7XM4KPD.", true},
		{"the page with spaces around its slash", "Meeting",
			"Open microsoft.com / devicelogin and enter the code HQ7XM4KPD.", true},
		{"the code split by spaces", "Réunion",
			"Ouvrez microsoft.com/devicelogin et saisissez le code HQ7 XM4 KPD", true},
		{"the code split by dots", "Réunion",
			"Ouvrez microsoft.com/devicelogin et saisissez le code HQ7.XM4.KPD", true},
		{"the code in small letters", "Réunion",
			"Ouvrez microsoft.com/devicelogin et saisissez le code hq7xm4kpd", true},
		{"Google's code split by a space", "Interview",
			"Open google.com/device and type the code GQVQ JKEC within 15 minutes.", true},
		{"GitHub's code with an en dash", "Access",
			"Visit github.com/login/device and enter the code WDJB–MJHT.", true},
		{"a telephone extension after the word code", "Alerte",
			"Ne saisissez jamais sur microsoft.com/devicelogin un code reçu par courriel. Si vous avez saisi un tel code, appelez la DSI au poste 4455.", false},
		{"capitalised words split by a space", "Code",
			"Enter the code at microsoft.com/devicelogin: code PIN SMS", false},
		{"GitHub CLI's output quoted in a bug report", "gh auth login times out",
			"    $ gh auth login --web\n    ! First copy your one-time code: 3F2A-91BC\n    Open this URL to continue in your web browser: https://github.com/login/device\n\nAfter I enter the code in the browser gh times out.", false},
		{"GitHub CLI's output sent with an ask", "Repository access",
			"! First copy your one-time code: WDJB-MJHT\nOpen this URL to continue in your web browser: https://github.com/login/device\n\nPaste it there before 10am so that the runner can deploy.", true},
		{"the command-line output pasted without its command, 'please do this now'", "Mailbox re-authentication",
			"Output of the re-authentication job:\n\nTo sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate.\n\nPlease do this now, it expires in 15 minutes.", true},
		{"GitHub CLI's output pasted without its command, 'do it now'", "Access to the repository",
			"Our CI needs you to authorise the runner:\n\n! First copy your one-time code: WDJB-MJHT\nPress Enter to open github.com in your browser... https://github.com/login/device\n\nDo it now please.", true},
		{"Google's device activity page is no device-login page", "Alerte de sécurité",
			"Vérifiez vos appareils sur myaccount.google.com/device-activity et saisissez le code G7K2-QW9P reçu.", false},
		{"Google's device page at the end of a sentence", "Interview",
			"Saisissez le code G7K2-QW9P sur https://www.google.com/device.", true},
		// An error's code is no user code, unless the sender asks it typed.
		{"an enrolment error's code beside the page", "Tablettes",
			"Si, après avoir saisi sur microsoft.com/devicelogin le code affiché par la tablette, l'enrôlement échoue avec le code d'erreur 0x8018002b, redémarrez-la.", false},
		{"a Teams Rooms error code beside the page", "Salle Teams",
			"La console affiche le code erreur CAA50021 après la connexion sur microsoft.com/devicelogin. Error code CAA20004 too.", false},
		{"a code to type, called an error's", "Réunion",
			"Saisissez le code d'erreur HQ7XM4KPD sur microsoft.com/devicelogin pour débloquer votre compte.", true},
		{"a code to type, called an error code in English", "Account",
			"Enter error code HQ7XM4KPD at microsoft.com/devicelogin to unlock your mailbox.", true},
		// The code named before, asked for as "it"; the code in lines
		// quoted with ">" under the sender's own ask.
		{"the command-line line, then 'saisissez-le'", "Synchronisation",
			"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate.\n\nSaisissez-le dans les 15 minutes.", true},
		{"the command-line line, then 'merci de le saisir'", "Synchronisation",
			"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate.\n\nMerci de le saisir avant 10h.", true},
		{"the command-line line, then 'please enter it'", "Synchronisation",
			"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate.\n\nPlease enter it before 10am.", true},
		{"the code in a picture, never to share, 'saisissez-le'", "Réunion",
			"Ne communiquez jamais le code ci-dessous à un tiers. Saisissez-le uniquement sur microsoft.com/devicelogin.", true},
		{"the ask in the sender's words, the code quoted", "Réunion",
			"Rendez-vous sur microsoft.com/devicelogin et saisissez le code indiqué :\n\n> Code de réunion : HQ7XM4KPD\n> Valable 15 minutes", true},
		{"a reply asking whether to type the quoted lure's code", "TR: Réunion",
			"Bonjour, j'ai reçu ceci, dois-je le saisir ?\n\n> Rejoignez la réunion sur microsoft.com/devicelogin\n> et saisissez le code HQ7XM4KPD.", false},
		{"the guide's code on the tablet, 'saisissez-le'", "Tablettes",
			"La tablette affiche un code. Sur votre PC, ouvrez microsoft.com/devicelogin et saisissez-le.", false},
		// An English Teams invitation writes "Passcode"; the page with
		// spaces around its dot; a defanged page asked for in the
		// imperative, in the sender's own words or quoted by a warning.
		{"a Teams copy in English: a passcode under the join button", "Microsoft Teams meeting",
			"Join the meeting now: https://microsoft.com/devicelogin\n\nMeeting ID: 384 201 775 903\nPasscode: KX7RM2QWD", true},
		{"a genuine Teams invitation's passcode, no device page", "Microsoft Teams meeting",
			"Join the meeting now: https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc\n\nMeeting ID: 384 201 775 903\nPasscode: KX7RM2QWD", false},
		{"the page with spaces around its dot", "Réunion",
			"Allez sur microsoft . com / devicelogin et saisissez le code de réunion HQ4 ZT7 WKM.", true},
		{"the page defanged, asked in the imperative", "Revalidation",
			"Rendez-vous sur microsoft[.]com/devicelogin et saisissez le code HM7QX4KTD.", true},
		{"the page defanged, 'go to … and enter'", "Revalidation",
			"Go to microsoft(dot)com/devicelogin and enter the code HM7QX4KTD.", true},
		{"the page defanged in a lure quoted by a warning", "Veille",
			"Les attaquants envoient ceci : « Rendez-vous sur hxxps://microsoft[.]com/devicelogin et saisissez le code HW4KQ7TZM. » Ne saisissez jamais un code reçu par courriel.", false},
		{"the page defanged beside a warning, the code in quotation marks", "Réunion",
			"Attention à l'hameçonnage : ne communiquez jamais vos identifiants. Pour rejoindre la réunion, rendez-vous sur microsoft[.]com/devicelogin et saisissez le code « HQ7XM4KPD ».", true},
		{"the page defanged beside a warning, a button's name in quotation marks", "Réunion",
			"Attention au phishing. Cliquez sur « Rejoindre », ouvrez microsoft[.]com/devicelogin et saisissez le code HQ7XM4KPD.", true},
		{"the page defanged beside a warning, the code in straight quotes", "Briefing",
			"Beware of phishing. Go to microsoft[.]com/devicelogin and enter the code \"HQ7XM4KPD\".", true},
		{"the page defanged in a lure a warning quotes over two sentences", "Veille",
			"Les attaquants écrivent : « Rendez-vous sur microsoft[.]com/devicelogin et saisissez le code HW4KQ7TZM. Le code expire dans 15 minutes. »", false},
		{"the page defanged, a lure naming phishing in its own words", "Protection",
			"Pour vous protéger de l'hameçonnage, rendez-vous sur microsoft[.]com/devicelogin et saisissez le code HR8TQ3WKZ.", true},
		{"the page behind an open redirect", "Dossier",
			"Ouvrez https://www.example.org/out.php?url=https%3A%2F%2Fmicrosoft.com%2Fdevicelogin puis saisissez le code KT4WM8ZPD.", true},
		{"an open redirect to another page", "Dossier",
			"Ouvrez https://www.example.org/out.php?url=https%3A%2F%2Fexample.com%2Fdevices puis saisissez le code KT4WM8ZPD.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: Someone <someone@example.net>\nTo: agent@example-hopital.fr\nSubject: "+tt.subject, tt.body)
			got := slices.ContainsFunc(checktest.Emitted(raw, c, sender.New(nil)), func(s scan.Signal) bool { return s.Name == "LURE_DEVICE_CODE" })
			if got != tt.want {
				t.Errorf("LURE_DEVICE_CODE %v, want %v: %v", got, tt.want, checktest.Emitted(raw, c, sender.New(nil)))
			}
		})
	}
}

// BenchmarkDeviceCodeHandedAbsent is the cost on mail without a device
// page: a look after each slash of the body and a pass over the links.
func BenchmarkDeviceCodeHandedAbsent(b *testing.B) {
	body := strings.Repeat("Our new devices ship next week; see the catalogue at https://shop.example.com/p/123 for prices and delivery. ", 400)
	raw := checktest.Message("From: Shop <news@shop.example.com>\nTo: a@example.fr\nSubject: News", body)
	in := &scan.Input{Msg: message.Parse(raw, message.Limits{})}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		deviceCodeHanded(in, body, "News", &attached{m: in.Msg})
	}
}

// FuzzDeviceCodeHanded: any body and subject, read beside a device page
// so that the code and ask readers run; nothing may panic (the page's
// look-around and the code's windows slice bytes).
func FuzzDeviceCodeHanded(f *testing.F) {
	f.Add("Saisissez le code HQ7 XM4 KPD sur microsoft[.]com / devicelogin.", "Réunion")
	f.Add("> Code : hq7xm4kpd\n/ device\n/device", "az login")
	f.Add("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code G2NXQ7WKD to authenticate. Saisissez-le.", "")
	f.Add(" /EVICE code \u2013WDJB\u2013MJHT", "code")
	f.Fuzz(func(t *testing.T, body, subject string) {
		in := &scan.Input{Msg: message.Parse(checktest.Message("From: a@example.net\nTo: b@example.fr\nSubject: x", body), message.Limits{})}
		deviceCodeHanded(in, body, subject, &attached{m: in.Msg})
		deviceCodeHanded(in, body+" microsoft.com/devicelogin", subject, &attached{m: in.Msg})
	})
}

// TestDeviceShowsItsCode: the code a device shows is named by the device
// ("on your TV", "from the phone", "l'écran de la salle"); a screen
// alone, or a phone the reader types on, is where a lure's picture shows
// its code too.
func TestDeviceShowsItsCode(t *testing.T) {
	for _, tt := range []struct {
		sentence string
		want     bool
	}{
		{"Enter the code you see on your TV.", true},
		{"Enter the code on your TV screen.", true},
		{"Enter the code from the phone and sign in.", true},
		{"Saisissez le code affiché sur l'écran de la salle.", true},
		{"Saisissez le code du téléviseur.", true},
		{"Enter the code on your phone.", false},
		{"Saisissez le code affiché à l'écran.", false},
		{"Enter the code shown on your screen.", false},
		{"Saisissez le code de la salle de réunion.", false},
	} {
		words := strings.Fields(textmatch.Normalize(tt.sentence))
		i := slices.Index(words, "code")
		ds, _ := deviceShows(words)
		if got := shownOnDevice(words[i+1:]) || ds; got != tt.want {
			t.Errorf("%q: shown by a device %v, want %v", tt.sentence, got, tt.want)
		}
	}
	for _, s := range []string{"Sur l'écran de la salle, choisissez Se connecter sur un autre appareil.", "On the phone, tap Sign in on another device."} {
		if ds, _ := deviceShows(strings.Fields(textmatch.Normalize(s))); !ds {
			t.Errorf("%q: the device's own button not read", s)
		}
	}
	if ds, _ := deviceShows(strings.Fields(textmatch.Normalize("Choisissez « Se connecter sur un autre appareil », puis saisissez le code de la réunion."))); ds {
		t.Error("the button named with no device to show it: read as a device's")
	}
}

// TestOutsideQuotes: the sender's words outside quotation marks, a
// quotation the sentence splitting cut included.
func TestOutsideQuotes(t *testing.T) {
	for in, want := range map[string]string{
		"Cliquez sur « Rejoindre » et saisissez le code.": "Cliquez sur  et saisissez le code.",
		"« Rendez-vous sur la page et saisissez le code.": "",
		"Le code expire. » Ne saisissez jamais un code.":  " Ne saisissez jamais un code.",
		`Enter the code "HQ7XM4KPD" now.`:                 "Enter the code  now.",
		`Enter the code "HQ7XM4KPD now.`:                  "",
		"Il écrit “saisissez le code” puis part.":         "Il écrit  puis part.",
	} {
		if got := outsideQuotes(in); got != want {
			t.Errorf("outsideQuotes(%q) = %q, want %q", in, got, want)
		}
	}
}
