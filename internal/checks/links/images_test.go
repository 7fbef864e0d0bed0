package links

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// IMAGE_FREE_HOST reads the pictures a message shows, not the links people
// write, and spares the image host's own mail and mailing lists, whose
// members post pictures from anywhere.
func TestFreeImageHost(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const from = "From: Offres <promo@offres-exemple.fr>\n"
	for _, tc := range []struct {
		name, headers, body string
		want                []string
	}{
		{"picture on Imgur", from, `<img src="https://i.imgur.com/Qm3xT7a.png">`, []string{"i.imgur.com"}},
		{"a subdomain of ImgBB", from, `<img src="https://i.ibb.co/4Kx2/banner.jpg">`, []string{"i.ibb.co"}},
		{"CSS background", from, `<td style="background-image:url(https://www.zupimages.net/up/24/11/b.jpg)">x</td>`, []string{"www.zupimages.net"}},
		{"reported once", from, `<img src="https://i.imgur.com/a.png"><img src="https://i.postimg.cc/b.png">`, []string{"i.imgur.com"}},
		{"a link to an album", from, `<a href="https://imgur.com/a/Zx81pQ">photos</a>`, nil},
		{"own pictures", from, `<img src="https://offres-exemple.fr/img/a.png">`, nil},
		{"a look-alike name", from, `<img src="https://notimgur.com/a.png">`, nil},
		{"the host's own mail", "From: Imgur <noreply@imgur.com>\n", `<img src="https://i.imgur.com/logo.png">`, nil},
		{"a mailing list", from + "List-Id: Club photo <photo.lists.club-exemple.fr>\nList-Post: <mailto:photo@lists.club-exemple.fr>\n", `<img src="https://i.imgur.com/Qm3xT7a.png">`, nil},
	} {
		raw := checktest.Message(tc.headers+"To: marie.martin@example-hopital.fr\nSubject: x\nContent-Type: text/html; charset=utf-8", "<html><body>"+tc.body+"</body></html>")
		var got []string
		for _, s := range checktest.Emitted(raw, c) {
			if s.Name == "IMAGE_FREE_HOST" {
				got = append(got, s.Detail)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
