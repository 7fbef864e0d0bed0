package engine

import "testing"

// TestEarlyListAndPersonalMailIsAccepted: mailing-list and personal mail of
// 2000–2005 from list software and mailboxes the shared corpus lacks
// (testdata/lists2002/README.md, each file's documentation cited there) —
// Yahoo! Groups and eGroups with their sponsor blocks and rd.yahoo.com
// redirects, Topica, SourceForge's Mailman 2.0 with its footer ads,
// Ecartis/Listar, SmartList, LISTSERV, ezmlm and Majordomo digests, Debian,
// Ubuntu and Fedora lists and advisories, news-to-mail gateways, release
// announcements with mirror lists, and personal mail from the ISPs of the
// time with PGP signatures, deep quotes, forwarded jokes, vacation replies
// and uuencoded or base64 attachments. Each is accepted behind the
// company's trusted MX and under the evaluation's trust settings, where
// nothing of its authentication is believed.
func TestEarlyListAndPersonalMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/lists2002/*.eml", 40)
}
