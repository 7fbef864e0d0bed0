package scan

import "strings"

// The texts below are whole-message copies that several families read:
// each is made once per message (an Input is one message, read by the
// checks one after the other), when a check first asks for it, so that a
// message whose checks need none is never copied.

// visibleKey is the text the reader sees as anchorKey folds it: the HTML
// edition of an alternative, its plain text only when there is no HTML
// (a mail reader shows them so). It is folded once per message, when a
// link first asks for it: the families that count cited sources (brand,
// links) share it, and a message whose links cite nothing never folds
// its text.
func (in *Input) visibleKey() string {
	if !in.visibleMade {
		in.visibleMade = true
		if in.Msg != nil {
			v := in.Msg.HTMLText
			if strings.TrimSpace(v) == "" {
				v = in.Msg.Text
			}
			in.visible = anchorKey(v)
		}
	}
	return in.visible
}

// LowerText returns the message's plain text and its HTML's visible
// text, joined by a line break, lower-cased: what a check that looks for
// an address or a template's sentence anywhere in the text reads. Made
// once per message (the sender family's web-application notice and its
// visitor's Reply-To both read it).
func (in *Input) LowerText() string {
	if !in.lowerMade {
		in.lowerMade = true
		if in.Msg != nil {
			in.lower = strings.ToLower(in.Msg.Text + "\n" + in.Msg.HTMLText)
		}
	}
	return in.lower
}
