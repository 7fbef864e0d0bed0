package message

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// teamsInvite is a Teams meeting request as Outlook sends it: an inline
// text/calendar part (RFC 6047 METHOD:REQUEST) beside the HTML body, the
// description folded at 75 octets with its commas escaped.
const teamsInvite = "BEGIN:VCALENDAR\r\n" +
	"METHOD:REQUEST\r\n" +
	"PRODID:Microsoft Exchange Server 2010\r\n" +
	"VERSION:2.0\r\n" +
	"BEGIN:VEVENT\r\n" +
	"ORGANIZER;CN=\"Durand, Claire\":mailto:Claire.Durand@example-industrie.fr\r\n" +
	"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Jean Dupont:mailto:jean.dupont@example-hopital.fr\r\n" +
	"DESCRIPTION;LANGUAGE=fr-FR:Point d'avancement\\, lot 2\\nRéunion Microsoft Te\r\n" +
	" ams\\nRejoindre : https://teams.microsoft.com/l/meetup-join/19%3ameeting_N2\r\n" +
	" E5/0?context=%7b%7d\\n\r\n" +
	"SUMMARY;LANGUAGE=fr-FR:Point lot 2\r\n" +
	"DTSTART;TZID=Romance Standard Time:20261208T100000\r\n" +
	"LOCATION;LANGUAGE=fr-FR:Réunion Microsoft Teams\r\n" +
	"END:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

func TestCalendarInvitation(t *testing.T) {
	raw := "From: Claire Durand <Claire.Durand@example-industrie.fr>\r\n" +
		"To: jean.dupont@example-hopital.fr\r\n" +
		"Subject: Point lot 2\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Point lot 2</p>\r\n" +
		"--b\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		wrap76(b64encode(teamsInvite)) +
		"--b--\r\n"
	m := Parse([]byte(raw), DefaultLimits())
	for _, want := range []string{"Point d'avancement, lot 2\nRéunion Microsoft Teams\nRejoindre : https://teams.microsoft.com/l/meetup-join/19%3ameeting_N2E5/0?context=%7b%7d", "Point lot 2", "Réunion Microsoft Teams"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Text %q lacks %q", m.Text, want)
		}
	}
	if got := m.CalendarOrganizers; !slices.Equal(got, []string{"claire.durand@example-industrie.fr"}) {
		t.Errorf("CalendarOrganizers = %q", got)
	}
	if got := m.CalendarAttendees; !slices.Equal(got, []string{"jean.dupont@example-hopital.fr"}) {
		t.Errorf("CalendarAttendees = %q", got)
	}
	var hosts []string
	for _, u := range m.URLs {
		hosts = append(hosts, u.Host)
	}
	if !slices.Contains(hosts, "teams.microsoft.com") {
		t.Errorf("URLs %q lack the meeting link", hosts)
	}
	if strings.Contains(m.Text, "ATTENDEE") || strings.Contains(m.Text, "jean.dupont") {
		t.Errorf("Text %q holds more than the shown fields", m.Text)
	}
}

func TestCalendarFields(t *testing.T) {
	for _, tc := range []struct {
		name, ics, text  string
		urls, organizers []string
	}{
		{
			// An invitation attached as a file, bare LF line ends, a
			// lure in the description and the link in URL (the fields
			// the invitation-phishing write-ups describe).
			name: "attached lure",
			ics: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nORGANIZER;CN=Microsoft 365:MAILTO:m365.billing@gmail.com\n" +
				"SUMMARY:Action requise : mot de passe expiré\nDESCRIPTION:Votre mot de passe expire aujourd'hui.\\nConfirmez vos identifiants\n" +
				"URL:https://m365-verify.example-bad.top/login\nEND:VEVENT\nEND:VCALENDAR\n",
			text:       "Action requise : mot de passe expiré\nVotre mot de passe expire aujourd'hui.\nConfirmez vos identifiants",
			urls:       []string{"m365-verify.example-bad.top"},
			organizers: []string{"m365.billing@gmail.com"},
		},
		{
			// A colon in a quoted parameter does not end the name; an
			// inline binary ATTACH is not a link.
			name: "quoted colon",
			ics: "BEGIN:VEVENT\r\nLOCATION;ALTREP=\"https://maps.example.org/a:b\":Cabinet médical\\; 2e étage\r\n" +
				"ATTACH;ENCODING=BASE64;VALUE=BINARY:aHR0cHM6Ly94LmV4YW1wbGU=\r\nATTACH:https://files.example.com/ordre-du-jour.pdf\r\nEND:VEVENT\r\n",
			text: "Cabinet médical; 2e étage",
			urls: []string{"files.example.com"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &parser{lim: DefaultLimits(), m: &Message{}}
			p.urls.max = 100
			p.calendar([]byte(tc.ics), "invite.ics")
			if got := strings.Join(p.texts, "\n"); got != tc.text {
				t.Errorf("text = %q, want %q", got, tc.text)
			}
			var hosts []string
			for _, u := range p.urls.list {
				hosts = append(hosts, u.Host)
			}
			if !slices.Equal(hosts, tc.urls) {
				t.Errorf("URL hosts = %q, want %q", hosts, tc.urls)
			}
			if !slices.Equal(p.m.CalendarOrganizers, tc.organizers) {
				t.Errorf("organizers = %q, want %q", p.m.CalendarOrganizers, tc.organizers)
			}
		})
	}
}

func FuzzCalendar(f *testing.F) {
	for _, s := range []string{teamsInvite, "SUMMARY:a\\", "X;A=\":\":b\n c", "ORGANIZER:mailto:\n", ":\n\t\n", "DESCRIPTION:\\n\\N\\\\\\,"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		start := time.Now()
		p := &parser{lim: fuzzLimits, m: &Message{}}
		p.urls.max = fuzzLimits.MaxURLs
		p.calendar(doc, "f.ics")
		if d := time.Since(start); d > time.Second {
			t.Errorf("%d bytes took %v", len(doc), d)
		}
		if p.textLen > fuzzLimits.MaxTextBytes+1 || len(p.urls.list) > fuzzLimits.MaxURLs || len(p.m.CalendarOrganizers) > maxICSFields {
			t.Errorf("%d text bytes, %d URLs, %d organizers", p.textLen, len(p.urls.list), len(p.m.CalendarOrganizers))
		}
		for _, s := range append(slices.Clone(p.texts), p.m.CalendarOrganizers...) {
			if !utf8.ValidString(s) {
				t.Errorf("not UTF-8: %q", s)
			}
		}
	})
}
