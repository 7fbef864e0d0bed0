package scan

import "vigie.dev/vigie/internal/urlx"

// Registrable is urlx.Registrable(host), remembered for the message: the
// families ask it of the same few names (the From's, the envelope
// sender's, the HELO, the Reply-To's) a score of times per message, and
// each answer is a Public Suffix List look-up that allocates (the list
// first tries the name as an IP address). Only the first maxRegistrable
// names asked are remembered; the memo lives and dies with the Input.
func (in *Input) Registrable(host string) string {
	for i := range in.registrable {
		if in.registrable[i].host == host {
			return in.registrable[i].domain
		}
	}
	d := urlx.Registrable(host)
	if len(in.registrable) < maxRegistrable {
		if in.registrable == nil {
			in.registrable = make([]hostDomain, 0, 8)
		}
		in.registrable = append(in.registrable, hostDomain{host, d})
	}
	return d
}

// maxRegistrable bounds Registrable's memo, read through at every ask.
const maxRegistrable = 16

type hostDomain struct{ host, domain string }
