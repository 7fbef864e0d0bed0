package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// TestNewsletters2002AreAccepted: commercial mail of the early 2000s — the
// kind of the corpus's sahard source, whose other half the held-back set
// judges (testdata/newsletters2002/README.md) — is accepted under the
// default policy, behind the company's trusted MX and under the
// evaluation's trust settings alike. Such mail predates DKIM and DMARC,
// so nothing of its authentication can be believed either way: order and
// shipping confirmations, travel deals, software vendors' and news
// sites' bulletins, opt-in confirmations, greeting-card notices,
// password reminders, HTML-only and image-heavy offers with tracking
// redirectors, "click here", "free" and "reply to unsubscribe". The log
// gives every score and its signals, so the margin is visible.
func TestNewsletters2002AreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/newsletters2002/*.eml", 40)
}

// TestNewsletters2002SisterDomains: a sender's display name or opt-out
// link that names its own organisation under a sister domain (the site
// expedia.com of mail from expediamail.com, lastminute.com of
// lastminute.fr, 1-800-flowers.com of 1800flowers.com) is not "another
// domain" (urlx.SameName); an unrelated domain in the display name still
// is, and a lookalike sender that carries a brand's name in its own
// domain, which the same rule leaves without FROM_NAME_OTHER_DOMAIN, is
// still flagged by what it asks for. A company named after its vanity
// toll-free number (1800flowers.com) is not a generated domain
// (urlx.RandomLabel); a generated name behind the same digits still is.
func TestNewsletters2002SisterDomains(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	hop := func(host string) string {
		return "Received: from " + host + " (" + host + " [198.51.100.140])\r\n" +
			"\tby mx1.atelier-exemple.fr (Postfix) with ESMTP id 5B1C2D3E4F\r\n" +
			"\tfor <p.morel@atelier-exemple.fr>; Wed, 04 Sep 2002 18:15:02 +0200\r\n"
	}
	offer := func(from, host, link string) string {
		return crlf("Return-Path: <bounce-2291@"+host+">",
			hop("mail."+host)+"From: "+from,
			"To: p.morel@atelier-exemple.fr",
			"Subject: Your weekly fare update: Paris to New York from $398",
			"Date: Wed, 04 Sep 2002 09:15:00 -0700",
			"Message-ID: <2291.1031155700@mail."+host+">",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=iso-8859-1",
			"",
			`<p>Here are the lowest round-trip fares found this week for your routes.</p>`,
			`<p>Paris to New York: $398. <a href="http://www.`+link+`/fares?r=cdg-jfk">Search this fare</a></p>`,
			`<p><font size="1">To stop receiving these updates, <a href="http://www.`+link+`/subscriptions">change your subscriptions</a>.</font></p>`)
	}
	signin := func(from, host string) string {
		return crlf("Return-Path: <service@"+host+">",
			hop("mail."+host)+"From: "+from,
			"To: p.morel@atelier-exemple.fr",
			"Subject: Your account has been limited",
			"Date: Wed, 04 Sep 2002 09:15:00 -0700",
			"Message-ID: <lim.2291@"+host+">",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=iso-8859-1",
			"",
			`<p>Dear customer,</p>`,
			`<p>We noticed unusual activity and your account access has been limited. To restore access, please verify your account and confirm your password within 24 hours, or your account will be suspended.</p>`,
			`<p><a href="http://`+host+`/webscr/login">Verify your account now</a></p>`)
	}
	for _, c := range []struct {
		name    string
		raw     string
		present []string
		absent  []string
		flag    bool
	}{{
		name:   "a travel site's fares from its mailing domain, links to its site",
		raw:    offer(`"Expedia.com" <Expedia@expediamail.com>`, "expediamail.com", "expedia.com"),
		absent: []string{"FROM_NAME_OTHER_DOMAIN", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:    "the same fares from a domain that is not the site's",
		raw:     offer(`"Expedia.com" <Expedia@fares-mailer.net>`, "fares-mailer.net", "expedia.com"),
		present: []string{"FROM_NAME_OTHER_DOMAIN", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:    "a lookalike of a payment brand asks for the password",
		raw:     signin(`"PayPal.com" <service@paypal-account-center.com>`, "paypal-account-center.com"),
		present: []string{"LURE_VERIFY_IDENTITY"},
		flag:    true,
	}, {
		name:    "a shop's name on a lookalike domain asks for the password",
		raw:     signin(`"Expedia.com" <service@expedia-secure-login.com>`, "expedia-secure-login.com"),
		present: []string{"LURE_VERIFY_IDENTITY"},
		flag:    true,
	}, {
		name:   "a florist named after its toll-free number, from its own domain",
		raw:    offer(`"1-800-FLOWERS.COM" <specials@1800flowers.com>`, "1800flowers.com", "1800flowers.com"),
		absent: []string{"FROM_NAME_OTHER_DOMAIN", "FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN"},
	}, {
		name:    "a generated domain behind a toll-free number asks for the password",
		raw:     signin(`"Account Services" <service@1800x7k2q9p.com>`, "1800x7k2q9p.com"),
		present: []string{"FROM_RANDOM_DOMAIN", "LURE_VERIFY_IDENTITY"},
		flag:    true,
	}} {
		v := s.Scan(t.Context(), []byte(c.raw), scan.Envelope{})
		t.Logf("%5.2f %-10s %s %s", v.Score, v.Action, c.name, weighted(v))
		for _, sig := range c.present {
			if !v.Has(sig) {
				t.Errorf("%s: %s missing: %s", c.name, sig, weighted(v))
			}
		}
		for _, sig := range c.absent {
			if v.Has(sig) {
				t.Errorf("%s: %s raised: %s", c.name, sig, weighted(v))
			}
		}
		if c.flag && v.Action == scan.Accept {
			t.Errorf("%s: accepted (%.2f): %s", c.name, v.Score, weighted(v))
		}
	}
}

// TestNewsletters2002bAreAccepted: the second round of the same kind
// (testdata/newsletters2002b/README.md), the most spam-looking opt-in
// mail of 2000-2003 — points and cash-back programmes, paid survey
// panels, card issuers' and lenders' offers, insurance quotes, stock
// letters, diet and pharmacy mail, dating notices, ISPs' upgrade offers,
// magazine renewals, charity appeals, job alerts, registrars' and
// software vendors' promotions, auctions, affiliate letters, ASCII-art
// letters and their French counterparts — is accepted the same way.
func TestNewsletters2002bAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/newsletters2002b/*.eml", 40)
}

// TestNewsletters2002bTwinsAreFlagged: the phisher's copy of each shape
// a signal's definition spares for newsletters2002b
// (testdata/newsletters2002b/twins/, README there) is still flagged,
// behind the company's MX and under the evaluation's trust settings.
func TestNewsletters2002bTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/newsletters2002b/twins/*.eml", 1)
}

// TestNewsletters2002cAreAccepted: the third round
// (testdata/newsletters2002c/README.md) covers the technical shapes of
// 2000-2003 bulk mail across kinds — the e-mail service bureaus' sending
// domains, VERP envelope senders and click-tracking redirectors with long
// tokens, HTML-only and image-heavy letters, Windows-1252 and ISO-8859-1
// bodies, uppercase FONT tables, open-tracking pixels, "reply with REMOVE",
// "you opted in", subjects in capitals with FREE, $ and !!!, the mailers
// of the time (Microsoft CDO, Lotus Notes, Eudora, AOL, KANA) — and is
// accepted the same way.
func TestNewsletters2002cAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/newsletters2002c/*.eml", 38)
}

// TestNewsletters2002cTwinsAreFlagged: the phishing of the same period in
// the same look (testdata/newsletters2002c/twins/: a bureau-style PayPal
// "verify your account", an eBay suspension with its link on an IP, a
// 419 letter in an HTML table, the Verizon Wireless and Citi Cards
// notices from look-alike domains, the twins of the brand domains and
// name this set added) is flagged under both trusts.
func TestNewsletters2002cTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/newsletters2002c/twins/*.eml", 5)
}
