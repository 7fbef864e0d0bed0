package lure

import "testing"

// An urgency phrase ending a capitalised name is no call; the call is
// read wherever it opens its sentence or follows a lower-case word.
func TestNamedIn(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"The EU Data Act now applies to connected products.", true},
		{"Since September, the Data Act now applies; the AI Act follows.", true},
		{"Act now to keep your account.", false},
		{"Your account will be closed. Act now to keep it.", false},
		{"Please Act now to keep your account.", false},
		{"You must act now or lose access.", false},
		{"ACT NOW: verify your mailbox", false},
		{"Act Now to claim your reward", false},
		{"The EU Data Act now applies. Act now to keep your account.", false},
		{"Nothing to see here.", false},
		{"react now", false},
		// A title-cased run without the article is no act's name: a
		// phisher's line, or two cells of a layout table read as one.
		{"Microsoft Outlook Act now to keep your mailbox", false},
		{"Dear User, Your Email Account Act now or lose access.", false},
		{"Your Account Security Team: Act now to avoid suspension", false},
		{"Read The Act now", false},
		{"The Act now applies.", false},
	} {
		if got := namedIn("act now", c.text); got != c.want {
			t.Errorf("namedIn(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	if namedIn("action requise", "Messagerie Outlook Action requise : vérifiez votre compte") {
		t.Error(`"Messagerie Outlook Action requise" is a call`)
	}
	if !namedIn("act now", "The EU Data Act now applies.", "") || namedIn("act now", "The EU Data Act now applies.", "Act now!") {
		t.Error("namedIn must read the subject with the body")
	}
}
