package engine

import "testing"

// A hospital staff member's own inbox, as a new user would try Vigie on it
// (testdata/inbox/README.md): patients and relatives writing from personal
// mailboxes and phones, replies with quoted history, forwarded photos, a
// colleague's scan from home, contact cards and calendar files; the
// consumer services a staff member meets at work (parcel carriers, rail
// tickets, a business marketplace, job alerts, meeting and booking
// platforms, a bank's verification code, a nursing school's Moodle, a
// training fund's newsletter, a telephony provider's voicemail); English
// mail from a supplier, an NHS colleague and a publisher's peer-review
// system; automatic replies and read receipts. Each must be accepted under
// the default policy with the learned weights, a point under the tag
// threshold as the hospital set (hospitalMargin); the log shows each score
// and its signals (go test -v -run TestPersonalInboxIsAccepted).
func TestPersonalInboxIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/inbox/*.eml", 20)
}
