package forward

import (
	"encoding/base64"
	"strings"

	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// suspectFloor is the expert score from which an original under the tag
// threshold (5) is suspect: on the training part of the corpus, written
// out in typed forwards, the originals scoring 2.0 to 3.0 are mostly
// legitimate mail and those scoring 3.0 to 5.0 mostly phishing (README).
const suspectFloor = 3.0

// Why a forward does not vouch for the original it carries, as the
// detail of FORWARDED_SUSPECT_UNVOUCHED says it.
const (
	whyUnauthenticated = "unauthenticated"
	whyFreemail        = "free mailbox without a thread"
	whyTyped           = "typed block"
)

// unvouched returns why the forward does not vouch for the original it
// carries, nil when it does. A forward vouches when its sender is
// authenticated and its block was written by a mail client, not typed;
// from a free mailbox, which anyone opens in a minute, only when it is
// also threaded to a message as the client threads it. A phisher who
// types "TR:" and a block above his message, from a free mailbox or his
// own domain, writes neither the client's markup nor its thread headers;
// a colleague's or a partner's forward from Outlook, Gmail, Thunderbird or
// Apple Mail has both, and a relative's has at least the client's block.
// out holds the outer message's signals so far (sender's FROM_FREEMAIL).
func unvouched(in *scan.Input, out *scan.Emitter) []string {
	var why []string
	if !in.SenderAuthenticated() {
		why = append(why, whyUnauthenticated)
	}
	if !clientWritten(in.Forward, in.Msg.HTML) {
		why = append(why, whyTyped)
	}
	if out.Emitted("FROM_FREEMAIL") && !threaded(in.Msg, in.Forward.Subject) {
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

// threaded reports a forward threaded to a message as the clients thread
// it: References naming it (and In-Reply-To, when written, one of them —
// Gmail, Thunderbird and Apple Mail; RFC 5322 §3.6.4), or Outlook's
// conversation headers — a Thread-Index with a child block (22 bytes for
// a conversation's first message, 5 more per answer or forward, per
// [MS-OXOMSG] PidTagConversationIndex) or a Thread-Topic that is the
// original's subject.
func threaded(m *message.Message, subject string) bool {
	h := m.Header
	if refs := h.Get("References"); strings.Contains(refs, "@") {
		irt := strings.TrimSpace(h.Get("In-Reply-To"))
		if irt == "" || strings.Contains(refs, strings.Trim(irt, "<>")) {
			return true
		}
	}
	if idx, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h.Get("Thread-Index"))); err == nil && len(idx) > 22 && (len(idx)-22)%5 == 0 {
		return true
	}
	topic := strings.TrimSpace(h.Get("Thread-Topic"))
	return topic != "" && strings.EqualFold(topic, strings.TrimSpace(subject))
}
