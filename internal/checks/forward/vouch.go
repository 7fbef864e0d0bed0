package forward

import (
	"strings"

	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/scan"
)

// suspectFloor is the score from which an original under the tag
// threshold is suspect, counting only what it adds to its forward (the
// forward's own checks judged its links already): on the training part of
// the corpus written out in typed forwards from a free mailbox, judged
// with the site's learned policy, a floor of 2.0 raises the signal for
// 121 legitimate messages of 998, 2.5 for 3 and 3.0 for 2, while the
// phishing detected goes 74.6 %, 74.3 %, 73.0 % (README).
const suspectFloor = 2.5

// Why a forward does not vouch for the original it carries, as the
// detail of FORWARDED_SUSPECT_UNVOUCHED says it.
const (
	whyUnauthenticated = "unauthenticated"
	whyFreemail        = "free mailbox"
	whyTyped           = "typed block"
)

// unvouched returns why the forward does not vouch for the original it
// carries, nil when it does. A forward vouches when its sender is
// authenticated, its block was written by a mail client, not typed, and
// its sender is an organisation, not a free mailbox, which anyone opens
// in a minute. A phisher who types "TR:" and a block above his message
// writes no client's markup; a colleague's or a partner's forward from
// Outlook, Gmail, Thunderbird or Apple Mail has it.
//
// A free mailbox's forward never vouches, however threaded it looks: its
// In-Reply-To, References, Thread-Index and Thread-Topic are text its
// sender writes, and a free mailbox takes any header and any markup
// through SMTP submission (RFC 6409) — a fake forward in Gmail's shape
// with References to a message no one received scores as a relative's
// genuine Gmail forward. On the training part written out in forwards
// (internal/engine TestWrappedInForwards), taking thread headers as
// proof let that fake forward through (65.7 % of phishing detected
// against 73.2 % typed); without it a relative's Gmail forward is
// judged as one from Yahoo, which writes no thread headers at all, at
// the cost of one legitimate forward of 998 tagged, none held (README).
// out holds the outer message's signals so far (sender's FROM_FREEMAIL).
func unvouched(in *scan.Input, out *scan.Emitter) []string {
	var why []string
	if !in.SenderAuthenticated() {
		why = append(why, whyUnauthenticated)
	}
	if !clientWritten(in.Forward, in.Msg.HTML) {
		why = append(why, whyTyped)
	}
	if out.Emitted("FROM_FREEMAIL") {
		why = append(why, whyFreemail)
	}
	return why
}

// clientWritten reports a block as a mail client writes it, not typed:
// a client's marker line right above it (Gmail's "---------- Forwarded
// message ---------", Thunderbird's "-------- Forwarded Message --------",
// Apple Mail's "Begin forwarded message:", Outlook's "-----Original
// Message-----", Yahoo's "----- Message transféré -----"), the rule of
// underscores Outlook draws above it in plain text, or the markup the
// clients wrap a forward in (clientMarkup) in the HTML above the
// original's body — not in the original, which may be a forward or a
// reply itself.
func clientWritten(f *fwdblock.Found, htmlBody string) bool {
	if f.Marked || ruleAbove(f.Own) {
		return true
	}
	if f.Kind != "text/html" || len(f.Body) > len(htmlBody) {
		return false
	}
	above := htmlBody[:len(htmlBody)-len(f.Body)]
	lower := strings.ToLower(above[max(0, len(above)-maxMarkupScan):])
	for _, m := range clientMarkup {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return false
}

// maxMarkupScan bounds the HTML searched for a client's markup: the end
// of what stands above the original, where the clients wrap the block.
const maxMarkupScan = 128 << 10

// clientMarkup is the markup the mail clients write around a forwarded
// original in HTML, lower-cased: Outlook's header division
// (divRplyFwdMsg, x_divRplyFwdMsg once forwarded again; its older
// OutlookMessageHeader and the mail-editor-reference-message-container of
// the new Outlook), Gmail's gmail_quote and gmail_attr classes,
// Thunderbird's moz-forward-container, Apple Mail's blockquote
// type="cite", Yahoo's yahoo_quoted.
var clientMarkup = []string{`divrplyfwdmsg`, `outlookmessageheader`, `mail-editor-reference-message-container`,
	`class="gmail_quote`, `class="gmail_attr`, `moz-forward-container`, `type="cite"`, `yahoo_quoted`}

// ruleAbove reports a rule of underscores or dashes on the last line that
// is not blank of the forwarder's words: Outlook's plain text draws one
// above the block.
func ruleAbove(own string) bool {
	own = strings.TrimRight(own, " \t\r\n>\u00a0")
	line := strings.TrimSpace(own[strings.LastIndexByte(own, '\n')+1:])
	return len(line) >= 10 && strings.Trim(line, "_-") == ""
}
