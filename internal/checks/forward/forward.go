// Package forward judges the message a forward carries. A forwarded
// phishing message arrives with its forwarder's sender and authentication,
// which are genuine, and the original's sender is only text in the body
// ("From: Microsoft account team <no-reply@…> Sent: …"): the sender,
// brand, link and lure checks would judge the forwarder, not the fraud.
// The check reads the original's header block as Outlook, Gmail,
// Thunderbird and Apple Mail write it, rebuilds the original as a message
// of its own (its sender and subject, its own body cut after the block,
// the forward's attachments) and scans it without authentication; a
// forward whose original would itself be tagged or held raises
// FORWARDED_PHISH, and FORWARDED_PHISH_HELD as well when the original
// would be held. An original suspect but under the tag threshold raises
// FORWARDED_SUSPECT_UNVOUCHED when the forward does not vouch for it: an
// unauthenticated sender, a typed block rather than a mail client's, a
// free mailbox (vouch.go). A forward
// is recognised by its subject prefix, or by
// the marker line a client writes above the block (internal/fwdblock,
// read once per message as scan.Input.Forward).
//
// A message carried whole — a message/rfc822 part, an attached .eml file,
// an attached Outlook .msg file (read by internal/olemsg) — is scanned the same way as an original of its own (attached.go), and
// raises ATTACHED_MESSAGE_PHISH and ATTACHED_MESSAGE_PHISH_HELD.
//
// Users forwarding suspect mail to the security team write from inside
// (an authenticated or internal sender) and are left alone: their report
// must reach the team.
package forward

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("forward", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the forward's original, and the
// messages carried as attachments.
func (c *Check) Checks() []scan.Check { return []scan.Check{c, attached{c}} }

// Check is the forwarded-message check family.
type Check struct {
	// Inner scans the rebuilt original: the other content and sender
	// families, without authentication and without this check.
	Inner func(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict
	// InnerCarried scans a message carried as a file — an attached .eml
	// or .msg — with Inner's families and the attachment family: the
	// carrier's attachment family saw the file, not the attachments of
	// the message in it (a message/rfc822 part's it saw, and Inner is
	// enough). nil: Inner.
	InnerCarried func(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict
	// Policy is the policy Inner and InnerCarried judge with
	// (InnerPolicyOf the site's): its thresholds say whether what an
	// attached message adds would be tagged or held. Zero: InnerPolicy.
	Policy scan.Policy
	// CarriedRaise names the signals of a message carried as a file that
	// are raised on the carrier itself, as they would be had the carried
	// message's attachments been attached to it (the attachment family's:
	// a program in an attached Facture.msg is ATTACH_EXECUTABLE for the
	// message that carries it, as a program in an archive or in a
	// message/rfc822 part is). Wrapping a program in a message file must
	// not weaken its verdict. nil: none.
	CarriedRaise map[string]bool
}

// artefacts are the signals a rebuilt original raises by construction, not
// by anything its sender did. A block shows no List-Unsubscribe, no
// In-Reply-To, only a name when the client knew the sender, and the
// rebuilt body's MIME shape and encoding are this package's. Nor does it
// show whether the original was authenticated: the original is scanned as
// scan.Envelope.Rebuilt, for which the checks that fire on a lack of
// authentication stay silent.
var artefacts = []string{"BULK_NO_LIST_UNSUBSCRIBE", "FAKE_REPLY", "FROM_MISSING", "MIME_HTML_ONLY", "BASE64_HTML_BODY"}

// InnerPolicy is InnerPolicyOf the default policy: the catalogue's expert
// weights and the default thresholds (the family's own tests).
func InnerPolicy() scan.Policy {
	return InnerPolicyOf(scan.DefaultPolicy())
}

// InnerPolicyOf is the policy a forward's original is judged with: the
// site's own — its weights (learned, and the configuration's overrides)
// and thresholds, what the same message would be judged with had it
// arrived directly — without the signals of the rebuilding (README, "The
// original judged as it would arrive").
func InnerPolicyOf(site scan.Policy) scan.Policy {
	p := site
	p.Disabled = append(append([]string(nil), site.Disabled...), artefacts...)
	return p
}

// policy is the policy the originals are judged with.
func (c *Check) policy() scan.Policy {
	if c.Policy.TagAt > 0 {
		return c.Policy
	}
	return InnerPolicy()
}

// Name implements scan.Check.
func (*Check) Name() string { return "forward" }

// Check implements scan.Check.
func (c *Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	f := in.Forward
	if c.Inner == nil || in.Env.Authenticated || f == nil {
		return
	}
	raw := original(in, *f)
	v := c.Inner(ctx, raw, scan.Envelope{Rebuilt: true})
	if v == nil {
		return
	}
	from, _ := parseSender(f.From)
	emitJudged(out, who(from.name, from.addr), reasons(v), v.Score, v.Action, "FORWARDED_PHISH", "FORWARDED_PHISH_HELD")
	// What the original adds to the forward: its links and images are
	// the forward's too, and the forward's own checks judged them.
	if left, _, _ := uncounted(c.policy(), v, out); v.Action.Rank() < scan.Tag.Rank() && left >= suspectFloor {
		if why := unvouched(in, out); why != nil {
			out.Emit("FORWARDED_SUSPECT_UNVOUCHED", fmt.Sprintf("%s: %.1f, %s; %s",
				textmatch.Clip(who(from.name, from.addr), 80), v.Score, strings.Join(reasons(v), ", "), strings.Join(why, ", ")))
		}
	}
}
