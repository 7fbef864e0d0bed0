package sender

import (
	"strings"

	"vigie.dev/vigie/internal/scan"
)

// webAppTemplate is a phrase that a web application's published default
// notification template writes, whatever the site: a contact form's mail
// to the site owner, a shop's order mail. Subject phrases are prefixes of
// the default subject line; body phrases are read anywhere in the text.
type webAppTemplate struct {
	app     string
	subject bool
	phrase  string // lower-case, typographic apostrophes as the template writes them
}

// webAppTemplates are the published defaults (each plugin's own source
// and documentation):
//
//   - Contact Form 7, WPCF7_ContactFormTemplate::mail() and
//     contactform7.com/setting-up-mail: "From: [your-name] <[your-email]> /
//     Subject: [your-subject] / Message Body: [your-message] -- This e-mail
//     was sent from a contact form on [_site_title] ([_site_url])", with
//     "Reply-To: [your-email]" as additional header; its fr_FR translation
//     (translate.wordpress.org, contact-form-7): "Cet e-mail a été envoyé via
//     le formulaire de contact de [_site_title] ([_site_url])".
//   - Elementor Pro's form "Email" action, whose default metadata ends
//     "Powered by: Elementor" (the "Credit" item, on by default) after
//     Date, Time, Page URL, User Agent and Remote IP.
//   - WPForms, default notification subject "New Entry: {form_name}"
//     (wpforms.com/docs/setup-form-notification-wpforms).
//   - Gravity Forms, default admin notification subject "New submission
//     from {form_title}" (docs.gravityforms.com, configuring notifications).
//   - WooCommerce, default email footer text "{site_title} — Built with
//     {WooCommerce}" and the admin "New order" mail's "You’ve received the
//     following order from {customer}" (templates/emails/admin-new-order.php).
//   - PrestaShop, mails/<lang>/*.html footer "{shop_name} powered by
//     PrestaShop™", in French "réalisé avec PrestaShop™" (order_conf,
//     contact, account…).
var webAppTemplates = []webAppTemplate{
	{"Contact Form 7", false, "this e-mail was sent from a contact form on"},
	{"Contact Form 7", false, "cet e-mail a été envoyé via le formulaire de contact de"},
	{"Elementor", false, "powered by: elementor"},
	{"WPForms", true, "new entry: "},
	{"Gravity Forms", true, "new submission from "},
	{"WooCommerce", false, "built with woocommerce"},
	{"WooCommerce", false, "you’ve received the following order from"},
	{"PrestaShop", false, "powered by prestashop"},
	{"PrestaShop", false, "réalisé avec prestashop"},
}

// webAppCredits are the applications' own sites, which their default
// templates link to from the footer ("powered by PrestaShop™"): a link
// there leads nowhere an attacker chose.
var webAppCredits = map[string]bool{
	"prestashop.com": true, "woocommerce.com": true, "elementor.com": true,
	"wpforms.com": true, "gravityforms.com": true, "contactform7.com": true,
	"wordpress.org": true,
}

// webAppNotice reports a notification that a web application sent from
// the sender's own site with its published default template
// (webAppTemplates): the site's contact form or shop, run by PHP on
// shared hosting, writes as www-data or the hosting account, through
// PHPMailer, with X-PHP-Originating-Script, bounces to the hosting
// cluster — everything ENVELOPE_WEBSERVER_USER, PHP_SCRIPT_TRACE,
// PHPMAILER and FROM_RETURN_PATH_MISMATCH say of a compromised site's
// phishing, and all that they say of this one. Such a notice is judged
// on its content only when nothing in it leads elsewhere: the From is the
// site's own domain, not a free mailbox; every link stays on that domain
// or the application's credit link (webAppCredits), or there is none; no
// attachment. A link to another host, an attachment, a brand claim or a
// lure keeps its own signals; the phishing sent from throw-away hosts as
// root@ carries no such template and leads elsewhere.
func (c *Check) webAppNotice(in *scan.Input) bool {
	m := in.Msg
	if in.FromOrg == "" || c.IsFreemail(in.FromDomain) || len(m.Attachments) > 0 || len(m.Enclosed) > 0 {
		return false
	}
	for _, l := range in.Links {
		if l.Domain != in.FromOrg && !webAppCredits[l.Domain] {
			return false
		}
	}
	subject := strings.ToLower(strings.TrimSpace(m.Subject))
	body := in.LowerText()
	for i, t := range webAppTemplates {
		if t.subject && strings.HasPrefix(subject, t.phrase) || !t.subject && containsAny(body, webAppSpellings[i]) {
			return true
		}
	}
	return false
}

// webAppSpellings are each template phrase's spellings with its
// typographic apostrophes written either way (apostrophed): a site whose
// theme converts either matches, and the text is read as it is, not
// copied to write its apostrophes one way.
var webAppSpellings = func() [][]string {
	out := make([][]string, len(webAppTemplates))
	for i, t := range webAppTemplates {
		out[i] = apostrophed(t.phrase)
	}
	return out
}()

// containsAny reports whether text holds one of phrases.
func containsAny(text string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

// apostrophed returns phrase's spellings with each typographic apostrophe
// written either way (2^k spellings for k apostrophes; the templates have
// at most one).
func apostrophed(phrase string) []string {
	before, after, ok := strings.Cut(phrase, "’")
	if !ok {
		return []string{phrase}
	}
	var out []string
	for _, rest := range apostrophed(after) {
		out = append(out, before+"’"+rest, before+"'"+rest)
	}
	return out
}

// visitorReplyTo reports a Reply-To that is the visitor's or customer's
// address the notice prints in its body — Contact Form 7's "From:
// [your-name] <[your-email]>" with "Reply-To: [your-email]", Elementor's
// "Email:" field, WooCommerce's billing e-mail —, on a notice that asks
// nothing of the reader (Asks): answering the person who filled the form
// is what the site owner does. A business e-mail compromise's Reply-To to
// a free mailbox comes with a request (a transfer, a gift card), which
// keeps REPLYTO_FREEMAIL.
func (c *Check) visitorReplyTo(in *scan.Input) bool {
	m := in.Msg
	if len(m.ReplyTo) == 0 || (c.Asks != nil && c.Asks(in)) {
		return false
	}
	addr := strings.ToLower(m.ReplyTo[0].Addr)
	return addr != "" && strings.Contains(in.LowerText(), addr)
}
