package links

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// The host names below are shaped like those of the OpenPhish feed
// (../shared/corpus/feeds); the addresses are documentation ranges.
func TestHostingDefaultName(t *testing.T) {
	for host, want := range map[string]bool{
		"ec2-198-51-100-7.us-west-2.compute.amazonaws.com": true,
		"7.100.51.198.host.secureserver.net":               true,
		"198-51-100-7.cprapid.com":                         true,
		"mail.198-51-100-7.cloud-xip.com":                  true,
		"www.chu-exemple.fr":                               false,
		"v1-2-3.example.org":                               false, // three numbers: a version
		"2024-03-15-12.example.org":                        false, // not octets
		"web-256-1-1-1.example.net":                        false, // 256 is no octet
	} {
		if got := hostingDefaultName(host); got != want {
			t.Errorf("%s: got %v", host, got)
		}
	}
}

func TestKitShapes(t *testing.T) {
	if p := nonStandardPort("https://mail.example-pme.com:2080/login", "mail.example-pme.com:2080", "mail.example-pme.com"); p != "2080" {
		t.Errorf("port %q", p)
	}
	for _, raw := range []string{"https://www.example.org:443/", "http://192.168.31.10:49153/", "http://localhost:8080/", "https://user@www.example.org/"} {
		authority := strings.SplitN(strings.SplitN(raw, "://", 2)[1], "/", 2)[0]
		host := authority[strings.LastIndexByte(authority, '@')+1:]
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host = host[:i]
		}
		if p := nonStandardPort(raw, authority, host); p != "" {
			t.Errorf("%s: port %q", raw, p)
		}
	}
	if n := encodedLetters("https://www.google.com/url?q=%68t%74%70%3A%2F%2Fc%61%6e%61di%61n-%70h%61rm%61cy.example%2F"); n < 3 {
		t.Errorf("encoded letters %d", n)
	}
	if n := encodedLetters("https://click.example.net/?u=https%3A%2F%2Fwww.example.org%2Fa%20b%3Fx%3D1"); n != 0 {
		t.Errorf("reserved characters counted: %d", n)
	}
	for path, want := range map[string]bool{
		"/wp-content/plugins/dpd/index.php":         true,
		"/wp-includes/js/m365/":                     true,
		"/wp-admin/css/verify.html?e=1":             true,
		"/wp-content/uploads/2024/03/programme.pdf": false,
		"/wp-content/uploads/2023/09/cake.jpg":      false,
		"/wp-content/themes/x/style.css":            false,
		"/actualites/2024/03/":                      false,
	} {
		if got := cmsKitPath(path); got != want {
			t.Errorf("%s: got %v", path, got)
		}
	}
}

// check runs the link check on an HTML body sent to agent@example-hopital.fr.
func check(t *testing.T, from, html string) map[string]string {
	t.Helper()
	raw := []byte(strings.ReplaceAll("From: "+from+"\nTo: agent@example-hopital.fr\nSubject: Information\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <k1@example.net>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"+html+"\n", "\n", "\r\n"))
	in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{})
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out scan.Emitter
	c.Check(context.Background(), in, &out)
	got := map[string]string{}
	for _, name := range []string{"URL_RECIPIENT_IN_LINK", "URL_SHORTENER", "URL_FREE_HOSTING", "URL_OPEN_REDIRECT", "URL_HOSTING_DEFAULT_NAME", "URL_CMS_KIT_PATH", "URL_NONSTANDARD_PORT", "URL_ENCODED_LETTERS"} {
		if out.Emitted(name) {
			got[name] = ""
		}
	}
	return got
}

func TestKitLinks(t *testing.T) {
	cases := []struct {
		name, from, html string
		want, not        []string
	}{
		{"recipient in the fragment of a kit page", "RH <rh@partage-exemple.com>",
			`<a href="https://198511.cdn-exemple.ru/papi/doc.htm#agent@example-hopital.fr">Voir le document</a>`,
			[]string{"URL_RECIPIENT_IN_LINK"}, nil},
		{"recipient in base64 in the fragment", "RH <rh@partage-exemple.com>",
			`<a href="https://login-exemple.web.app/#YWdlbnRAZXhhbXBsZS1ob3BpdGFsLmZy">Ouvrir</a>`,
			[]string{"URL_RECIPIENT_IN_LINK", "URL_FREE_HOSTING"}, nil},
		{"recipient in a query: newsletters do it too", "Lettre <news@fournisseur-exemple.fr>",
			`<a href="https://esp-exemple.net/view.php?email=agent@example-hopital.fr">Voir en ligne</a>`,
			nil, []string{"URL_RECIPIENT_IN_LINK"}},
		{"an archive path holding a message-id", "Dev <dev@lists.example.org>",
			`<a href="https://lore.example.org/r/20240312.1-1-agent@example-hopital.fr/">thread</a>`,
			nil, []string{"URL_RECIPIENT_IN_LINK"}},
		{"a redirector in front of a shortener", "Promo <promo@gmail.com>",
			`<a href="https://vk.com/away.php?utf=1&amp;to=https%3A%2F%2Ftinyurl.com%2Fzz5e2u5k">Cliquez</a>`,
			[]string{"URL_SHORTENER"}, nil},
		{"a redirect to a known site is no shortener", "Lettre <news@fournisseur-exemple.fr>",
			`<a href="https://click.esp-exemple.net/t?url=https%3A%2F%2Fwww.legifrance.gouv.fr%2F">Le décret</a>`,
			nil, []string{"URL_SHORTENER", "URL_FREE_HOSTING"}},
		{"a rented server's default name", "Total AV <reply@antivirus-exemple.com>",
			`<a href="https://198-51-100-55.cloud.hebergeur-exemple.net/4sgETW">Activer</a>`,
			[]string{"URL_HOSTING_DEFAULT_NAME"}, nil},
		{"a kit in a WordPress plugin directory", "DPD <suivi@colis-exemple.com>",
			`<a href="https://www.boulangerie-exemple.fr/wp-content/plugins/dpd/index.php">Suivre</a>`,
			[]string{"URL_CMS_KIT_PATH"}, nil},
		{"the sender's own WordPress", "CHU <com@chu-exemple.fr>",
			`<a href="https://www.chu-exemple.fr/wp-admin/admin-ajax.php?action=x">Lien</a>`,
			nil, []string{"URL_CMS_KIT_PATH"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, tc.from, tc.html)
			for _, w := range tc.want {
				if _, ok := got[w]; !ok {
					t.Errorf("missing %s (got %v)", w, got)
				}
			}
			for _, n := range tc.not {
				if _, ok := got[n]; ok {
					t.Errorf("unexpected %s", n)
				}
			}
		})
	}
}
