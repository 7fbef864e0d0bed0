package links

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// trackedMail is a payer's mail sent through Twilio SendGrid with click
// tracking: every anchor rewritten to the account's
// u….ct.sendgrid.net/ls/click address, the anchor's text left as written.
func trackedMail(from, authResults, shown string) []byte {
	h := `Return-Path: <bounces+4815162-ab12@em1234.` + from + `>
` + authResults + `Received: from o1.ptr1234.sendgrid.net (o1.ptr1234.sendgrid.net [192.0.2.44])
	by mx.vigie.test (Postfix) with ESMTPS id 1; Tue, 12 Mar 2024 10:00:02 +0100
From: Comptabilite <compta@` + from + `>
To: factures@atelier-exemple.fr
Subject: Remittance advice 2024-0312
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`
	body := `<p>Please find our remittance advice attached.</p>
<p>Accounts payable<br><a href="https://u4815162.ct.sendgrid.net/ls/click?upn=u001.aBcDeF-2FgHiJ">` + shown + `</a></p>
`
	return checktest.Message(h, body)
}

func mismatched(t *testing.T, raw []byte) bool {
	t.Helper()
	c, err := New(Options{Freemail: func(d string) bool { return d == "gmail.com" }})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range checktest.Emitted(raw, c) {
		if s.Name == "URL_TEXT_HREF_MISMATCH" {
			return true
		}
	}
	return false
}

// TestOwnDomainThroughAPlatformTracker: an authenticated sender's anchor
// showing its own domain, rewritten by SendGrid's click tracking, is not
// a link whose text hides where it goes; the same anchor showing another
// site's domain, from a sender not authenticated, or where no
// authentication is read (the evaluation's trust) keeps the signal.
func TestOwnDomainThroughAPlatformTracker(t *testing.T) {
	pass := func(d string) string {
		return "Authentication-Results: mx.vigie.test; dkim=pass header.d=" + d + "; spf=pass smtp.mailfrom=em1234." + d + "; dmarc=pass header.from=" + d + "\n"
	}
	for _, tc := range []struct {
		name, from, ar, shown string
		want                  bool
	}{
		{"payer's own domain, DMARC pass", "payeur-exemple.fr", pass("payeur-exemple.fr"), "www.payeur-exemple.fr", false},
		{"look-alike's own domain, DMARC pass", "payeur-exemple-fr.com", pass("payeur-exemple-fr.com"), "www.payeur-exemple-fr.com", false},
		{"another site's domain through the sender's account", "payeur-exemple.fr", pass("payeur-exemple.fr"), "https://www.paypal.com/", true},
		{"phisher's account showing PayPal", "envois-exemple.com", pass("envois-exemple.com"), "www.paypal.com", true},
		{"own domain, DMARC fail", "payeur-exemple.fr", "Authentication-Results: mx.vigie.test; dkim=fail header.d=payeur-exemple.fr; spf=fail smtp.mailfrom=em1234.payeur-exemple.fr; dmarc=fail header.from=payeur-exemple.fr\n", "www.payeur-exemple.fr", true},
		{"free mailbox through SendGrid", "gmail.com", "Authentication-Results: mx.vigie.test; dkim=pass header.d=sendgrid.info; spf=pass smtp.mailfrom=em1234.gmail.com; dmarc=fail header.from=gmail.com\n", "www.gmail.com", true},
		{"own site shown with a path: the page the click claims to reach", "payeur-exemple.fr", pass("payeur-exemple.fr"), "https://www.payeur-exemple.fr/remittance/0812", true},
		{"own site shown with a trailing slash", "payeur-exemple.fr", pass("payeur-exemple.fr"), "https://www.payeur-exemple.fr/", false},
		{"free mailbox, authenticated by its provider, showing the provider's site", "gmail.com", "Authentication-Results: mx.vigie.test; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=gmail.com; dmarc=pass header.from=gmail.com\n", "https://www.gmail.com/", true},
		{"nothing read (evaluation trust)", "payeur-exemple.fr", "", "www.payeur-exemple.fr", true},
	} {
		if got := mismatched(t, trackedMail(tc.from, tc.ar, tc.shown)); got != tc.want {
			t.Errorf("%s: URL_TEXT_HREF_MISMATCH %v, want %v", tc.name, got, tc.want)
		}
	}
	// Not a platform's tracker: the shown own domain against another host
	// keeps the signal, authenticated or not.
	raw := trackedMail("payeur-exemple.fr", pass("payeur-exemple.fr"), "www.payeur-exemple.fr")
	raw = []byte(strings.ReplaceAll(string(raw), "u4815162.ct.sendgrid.net", "payeur-exemple.web.app"))
	if !mismatched(t, raw) {
		t.Error("own domain shown, free host behind: URL_TEXT_HREF_MISMATCH not raised")
	}
	// The phisher's twins with their own authenticated domain shown: a
	// page among the customer's own files on the platform's asset host
	// (Mailchimp's mcusercontent.com: the sender wrote that link, no
	// tracker rewrote it), and a tracker address that spells out where it
	// leads (Amazon SES's path, a url= query): the mismatch stays.
	for _, href := range []string{
		"https://mcusercontent.com/4f2a9b7c1d3e5f60718293a4b/files/8e1f2a3b/remittance_0812.html",
		"https://abcd1234.r.eu-west-1.awstrack.me/L0/https:%2F%2Fremit-docs-viewer.weebly.com%2Flogin/1/0102018c/xyz=123",
		"https://u4815162.ct.sendgrid.net/ls/click?upn=u001&amp;url=https%3A%2F%2Fremit-docs-viewer.weebly.com%2Flogin",
	} {
		raw := trackedMail("payeur-exemple.fr", pass("payeur-exemple.fr"), "www.payeur-exemple.fr")
		raw = []byte(strings.ReplaceAll(string(raw), "https://u4815162.ct.sendgrid.net/ls/click?upn=u001.aBcDeF-2FgHiJ", href))
		if !mismatched(t, raw) {
			t.Errorf("own domain shown over %s: URL_TEXT_HREF_MISMATCH not raised", href)
		}
	}
}

// TestBrandsOwnDomainsShownOverEachOther: an anchor showing one of a
// catalogued brand's own domains over a link to another of its own, in
// the brand's own authenticated mail (a regional bank's newsletter
// showing the group's site over its tracker under its own domain), is
// not a link whose text hides where it goes. Kept: a look-alike behind
// the same text, the brand's tracker spelling out a destination
// elsewhere, a free host; a host where the brand's customers publish
// (a phisher's SharePoint or Microsoft Forms page under "www.office.com":
// Published); a brand's redirect (LinkedIn's /slink) under its text from
// a forged, unauthenticated From or from a sender that is not the brand;
// any link when no authentication is read (the evaluation's trust) or no
// catalogue is wired.
func TestBrandsOwnDomainsShownOverEachOther(t *testing.T) {
	owner := map[string]string{"credit-agricole.fr": "ca", "ca-paris.fr": "ca", "microsoft.com": "ms", "office.com": "ms", "sharepoint.com": "ms", "linkedin.com": "ms"}
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.SameOwner = func(a, b string) bool { return owner[a] != "" && owner[a] == owner[b] }
	c.Published = func(host string) bool {
		return strings.HasSuffix(host, ".sharepoint.com") || host == "forms.office.com"
	}
	pass := func(d string) string {
		return "Authentication-Results: mx.vigie.test; dkim=pass header.d=" + d + "; spf=pass smtp.mailfrom=bounce." + d + "; dmarc=pass header.from=" + d + "\n"
	}
	mail := func(ar, from, shown, href string) []byte {
		return checktest.Message(ar+"Received: from mta1.vigie.test (mta1.vigie.test [192.0.2.56])\n\tby mx.vigie.test (Postfix) with ESMTPS id 1; Wed, 02 Dec 2026 07:24:38 +0100\nFrom: Lettre <communication@"+from+">\nTo: j.dupont@atelier-exemple.fr\nSubject: Votre lettre d'information\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
			`<p><a href="`+href+`">`+shown+`</a></p>`)
	}
	const tracker = "https://t.info.ca-paris.fr/r/?id=h1a2b3c4d,5e6f7a8,9b0c1d2"
	for _, tc := range []struct {
		name, ar, from, shown, href string
		want                        bool
	}{
		{"the bank's own tracker, authenticated", pass("info.ca-paris.fr"), "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", tracker, false},
		{"the bank's own tracker, nothing read", "", "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", tracker, true},
		{"a look-alike's tracker", pass("info.ca-paris.fr"), "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", "https://t.info.ca-paris-securite.fr/r/?id=h1a2b3c4d,5e6f7a8,9b0c1d2", true},
		{"the bank's tracker spelling out elsewhere", pass("info.ca-paris.fr"), "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", "https://t.info.ca-paris.fr/r/?url=https%3A%2F%2Fca-paris-securite.fr%2Fconnexion", true},
		{"a free host", pass("info.ca-paris.fr"), "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", "https://credit-agricole-fr.web.app/ca-paris", true},
		{"a phisher's SharePoint under office.com, forged From", "", "microsoft.com", "www.office.com", "https://fabrikam4-my.sharepoint.com/:b:/g/personal/j_martin_fabrikam4_onmicrosoft_com/EaBcD3fGh", true},
		{"a phisher's SharePoint under office.com, even authenticated", pass("microsoft.com"), "microsoft.com", "www.office.com", "https://fabrikam4-my.sharepoint.com/:b:/g/personal/j_martin_fabrikam4_onmicrosoft_com/EaBcD3fGh", true},
		{"a phisher's Microsoft Form under microsoft.com", pass("microsoft.com"), "microsoft.com", "www.microsoft.com", "https://forms.office.com/r/Qx7Lm2Np9Z", true},
		{"LinkedIn's redirect under office.com, forged From", "", "microsoft.com", "www.office.com", "https://www.linkedin.com/slink?code=eTq4Zb7Kx", true},
		{"LinkedIn's redirect under office.com, a sender not the brand", pass("partage-exemple.com"), "partage-exemple.com", "www.office.com", "https://www.linkedin.com/slink?code=eTq4Zb7Kx", true},
	} {
		got := false
		for _, s := range checktest.Emitted(mail(tc.ar, tc.from, tc.shown, tc.href), c) {
			got = got || s.Name == "URL_TEXT_HREF_MISMATCH"
		}
		if got != tc.want {
			t.Errorf("%s: URL_TEXT_HREF_MISMATCH %v, want %v", tc.name, got, tc.want)
		}
	}
	c.SameOwner = nil
	for _, s := range checktest.Emitted(mail(pass("info.ca-paris.fr"), "info.ca-paris.fr", "www.credit-agricole.fr/ca-paris", tracker), c) {
		if s.Name == "URL_TEXT_HREF_MISMATCH" {
			return
		}
	}
	t.Error("no catalogue wired: URL_TEXT_HREF_MISMATCH not raised")
}

// TestOwnDomainThroughAPlatformTrackerUnderALure: the same authenticated
// own domain over SendGrid's tracker keeps the signal when the message's
// words ask something of the reader (Options.Asks): the tracker is open
// to any account holder, the phisher's included, and the link is then
// the lure's button.
func TestOwnDomainThroughAPlatformTrackerUnderALure(t *testing.T) {
	ar := "Authentication-Results: mx.vigie.test; dkim=pass header.d=payeur-exemple.fr; spf=pass smtp.mailfrom=em1234.payeur-exemple.fr; dmarc=pass header.from=payeur-exemple.fr\n"
	for _, asks := range []bool{false, true} {
		c, err := New(Options{Asks: func(*scan.Input) bool { return asks }})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, s := range checktest.Emitted(trackedMail("payeur-exemple.fr", ar, "www.payeur-exemple.fr"), c) {
			got = got || s.Name == "URL_TEXT_HREF_MISMATCH"
		}
		if got != asks {
			t.Errorf("words asking %v: URL_TEXT_HREF_MISMATCH %v", asks, got)
		}
	}
}

// TestOwnTrackedFooterBesideAWordedButton: under words that ask, the
// sender's own site shown over the tracker is spared beside a worded
// button through a tracker (the vendor's footer, wordedTrackedLink), and
// not as the message's only way in (the phisher's button).
func TestOwnTrackedFooterBesideAWordedButton(t *testing.T) {
	ar := "Authentication-Results: mx.vigie.test; dkim=pass header.d=payeur-exemple.fr; spf=pass smtp.mailfrom=em1234.payeur-exemple.fr; dmarc=pass header.from=payeur-exemple.fr\n"
	c, err := New(Options{Asks: func(*scan.Input) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	raw := string(trackedMail("payeur-exemple.fr", ar, "www.payeur-exemple.fr"))
	for _, tc := range []struct {
		button string
		want   bool
	}{
		{``, true},
		{`<p><a href="https://u4815162.ct.sendgrid.net/ls/click?upn=u001.zYxWv-2FuTsRq">Payer ma facture</a></p>`, false},
		// A button showing an address is no worded button.
		{`<p><a href="https://u4815162.ct.sendgrid.net/ls/click?upn=u001.zYxWv-2FuTsRq">www.payeur-exemple.fr/payer</a></p>`, true},
		// Nor a worded link elsewhere than through a tracker.
		{`<p><a href="https://payeur-exemple.fr/payer">Payer ma facture</a></p>`, true},
	} {
		msg := strings.Replace(raw, "<p>Accounts payable", tc.button+"<p>Accounts payable", 1)
		got := false
		for _, s := range checktest.Emitted([]byte(msg), c) {
			got = got || s.Name == "URL_TEXT_HREF_MISMATCH"
		}
		if got != tc.want {
			t.Errorf("button %q: URL_TEXT_HREF_MISMATCH %v, want %v", tc.button, got, tc.want)
		}
	}
}
