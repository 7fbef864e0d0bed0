package layout

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// The plain part a client writes beside an HTML body of linked images is
// the alt texts with the links written out: it is no readable text, and
// the message is still only images. A plain part that says something
// keeps the message out of IMAGE_ONLY_BODY.
func TestImageOnlyBodyReadsThePlainPartWithoutItsLinks(t *testing.T) {
	const html = `<p><a href="https://bit.ly/3kExemple"><img src="cid:part1@exemple" alt="offre" width="900" height="1200"></a></p>` +
		`<p><a href="https://bit.ly/4mExemple"><img src="cid:part2@exemple" alt="details" width="900" height="100"></a></p>`
	for _, c := range []struct {
		name, plain, want string
	}{
		{"alt texts and links written out", "[xqwzkcvbnmlpoiuy]<https://bit.ly/3kExemple>\n\n[qwplmnbvcxzlkjhg]<https://bit.ly/4mExemple>", "bit.ly"},
		{"links written bare", "https://bit.ly/3kExemple https://bit.ly/4mExemple www.exemple-offre.fr/promo mailto:x@exemple.fr", "bit.ly"},
		{"a plain part that says something", "Bonjour, voici le programme de la journée régionale d'hygiène hospitalière du 14 mars, inscriptions avant vendredi : https://bit.ly/3kExemple", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := checktest.Message(`From: Offres <offres@exemple-boutique.fr>
To: agent@example-hopital.fr
Subject: Offre
Date: Tue, 12 Mar 2024 09:14:01 +0100
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"`, "--b\nContent-Type: text/plain; charset=utf-8\n\n"+c.plain+"\n--b\nContent-Type: text/html; charset=utf-8\n\n"+html+"\n--b--\n")
			got := ""
			for _, s := range checktest.Emitted(raw, Check{}) {
				if s.Name == "IMAGE_ONLY_BODY" {
					got = s.Detail
				}
			}
			if got != c.want {
				t.Errorf("IMAGE_ONLY_BODY %q, want %q", got, c.want)
			}
		})
	}
}
