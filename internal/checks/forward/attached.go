package forward

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/olemsg"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// Limits of the attached-message check.
const (
	// maxAttached is how many attached messages one message has scanned.
	maxAttached = 4
	// maxAttachedBytes bounds an attached message scanned; a larger one
	// (a forward of mail with big files) is not.
	maxAttachedBytes = 10 << 20
	// maxAttachedLevel is the deepest attached message scanned: one
	// attached to the message, or to a message attached to it.
	maxAttachedLevel = 2
)

// msgLimits bound the reading of an attached .msg: its embedded messages
// are read as deep as attached messages are scanned. No Timeout of its
// own: the reading stops at the scan's deadline (olemsg.ConvertContext).
var msgLimits = olemsg.Limits{MaxBytes: maxAttachedBytes, MaxDepth: maxAttachedLevel}

// attached judges the messages a message carries whole: a message/rfc822
// part (a forward as attachment), an attached .eml file, or an attached
// Outlook .msg file, rebuilt as an RFC 5322 message by internal/olemsg
// (mx_sec_conf names "courriel attaché (eml, msg)" as an evasion of
// gateways that read only .eml). They are
// scanned as originals of their own, as a forward's is, by the same
// scanner and policy: a phishing message sent inside an attached .eml,
// to be opened past the gateway's reading of the carrying message, and
// one forwarded as attachment, are judged on what they are.
type attached struct{ c *Check }

// Name implements scan.Check.
func (attached) Name() string { return "attached-message" }

// Check implements scan.Check.
func (a attached) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	if a.c.Inner == nil || in.Env.Authenticated || len(m.Enclosed) == 0 && len(m.Attachments) == 0 {
		return
	}
	scanned := 0
	// judge scans one carried message: a message/rfc822 part (file nil)
	// or an attached .eml or .msg file.
	judge := func(where string, raw []byte, file *message.Attachment) {
		if scanned >= maxAttached || len(raw) > maxAttachedBytes || ctx.Err() != nil {
			return
		}
		level, report := within(m, where)
		if report || level > maxAttachedLevel {
			return
		}
		scanned++
		inner := a.c.Inner
		if file != nil && a.c.InnerCarried != nil {
			inner = a.c.InnerCarried
		}
		v := inner(ctx, raw, scan.Envelope{Rebuilt: true})
		if v == nil || v.Partial {
			return
		}
		if file != nil {
			raiseCarried(v, a.c.CarriedRaise, file.Filename, out)
		}
		score, act, why := uncounted(a.c.policy(), v, out)
		if act.Rank() < scan.Tag.Rank() {
			return
		}
		hm := message.Parse(raw[:message.BodyStart(raw)], message.Limits{})
		from := hm.FromAddr()
		emitJudged(out, who(from.Name, from.Addr), why, score, act, "ATTACHED_MESSAGE_PHISH", "ATTACHED_MESSAGE_PHISH_HELD")
	}
	for _, e := range m.Enclosed {
		judge(e.Path, e.Raw, nil)
	}
	for _, at := range m.Attachments {
		switch {
		case at.Truncated:
		case olemsg.IsCompound(at.Data):
			// An Outlook .msg, whatever its name or declared type (a
			// .msg named .eml as well): the bytes decide, and a name or
			// type without them is no .msg. One that does not read (a
			// Word 97 document, a corrupt file) is an attachment like
			// any other.
			if scanned >= maxAttached {
				break
			}
			// Past the limits, only a file that says it is a .msg is
			// one the carrier could not inspect: a big Word or Excel
			// 97-2003 file shares the signature and is not a message.
			said := strings.EqualFold(path.Ext(at.Filename), ".msg") || strings.HasPrefix(strings.ToLower(at.DeclaredType), "application/vnd.ms-outlook")
			if len(at.Data) > maxAttachedBytes {
				if said {
					uninspected(at, out)
				}
				break
			}
			raw, err := olemsg.ConvertContext(ctx, at.Data, msgLimits)
			switch {
			case errors.Is(err, olemsg.ErrTooLarge) && said:
				uninspected(at, out)
			case err == nil:
				judge(at.Path, raw, &at)
			}
		case strings.EqualFold(path.Ext(at.Filename), ".eml") || message.LooksLikeMessage(at.Data):
			if len(at.Data) > maxAttachedBytes && scanned < maxAttached {
				uninspected(at, out)
				break
			}
			judge(at.Path, at.Data, &at)
		}
	}
}

// uninspected says that a message carried as a file was not read: over
// the size limit, or an Outlook .msg past its reading limits (size,
// entries, depth, time). As for an archive the attachment family cannot
// open, the carrier says so (ATTACH_ARCHIVE_OPAQUE) rather than pass what
// it did not see as clean: a message file is a container like a zip.
func uninspected(at message.Attachment, out *scan.Emitter) {
	name := at.Filename
	if name == "" {
		name = "part " + at.Path
	}
	out.Emit("ATTACH_ARCHIVE_OPAQUE", name+": message not inspected, over the limits")
}

// raiseCarried raises on the carrier the carried message's signals that
// Check.CarriedRaise names, each detailed with the file that carried it
// ("Facture.msg: facture.pdf.exe"). uncounted then leaves them out of the
// carried message's own score: they count once, on the carrier.
func raiseCarried(v *scan.Verdict, names map[string]bool, file string, out *scan.Emitter) {
	for _, s := range v.Signals {
		if !names[s.Name] || out.Emitted(s.Name) {
			continue
		}
		detail := s.Detail
		if file != "" {
			detail = file + ": " + detail
		}
		out.Emit(s.Name, detail)
	}
}

// within says at which level the part at path p is attached (1 for a
// part of the message itself, 2 for one inside a message attached to it:
// one more per message/rfc822 part above it), and whether one of its
// ancestors is a report or a digest. A report (multipart/report: a
// bounce, a read receipt, an abuse feedback report) carries the message
// it reports on, mostly the recipient's own mail, not one sent to be
// read; a digest's messages are a list's posts, shown inline. Their text
// still counts as the carrying message's.
func within(m *message.Message, p string) (level int, report bool) {
	level = 1
	for _, part := range m.Parts {
		if part.Path == p || part.Path != "" && !strings.HasPrefix(p, part.Path+".") {
			continue
		}
		switch part.ContentType {
		case "message/rfc822", "message/global":
			level++
		case "multipart/report", "multipart/digest":
			report = true
		}
	}
	return level, report
}

// uncounted judges an attached message's verdict without the signals the
// carrying message raised already: the text, links and attachments of a
// message/rfc822 part are the carrier's too (internal/message), and were
// judged in it; counting them again through the attached message would
// weigh the same words twice. What is left is what the attached message
// adds: its sender, its display name, what its own header says. The
// action is policy p's for the score left, or what a signal left
// imposes.
func uncounted(p scan.Policy, v *scan.Verdict, out *scan.Emitter) (score float64, act scan.Action, why []string) {
	force := scan.Accept
	for _, s := range v.Signals {
		if out.Emitted(s.Name) {
			continue
		}
		score += s.Weight
		if s.Force.Rank() > force.Rank() {
			force = s.Force
		}
		if s.Weight >= 1 && len(why) < 4 {
			why = append(why, s.Name)
		}
	}
	score = math.Round(score*100) / 100
	switch {
	case p.RejectAt > 0 && score >= p.RejectAt:
		act = scan.Reject
	case score >= p.QuarantineAt:
		act = scan.Quarantine
	case score >= p.TagAt:
		act = scan.Tag
	default:
		act = scan.Accept
	}
	if force.Rank() > act.Rank() {
		act = force
	}
	return score, act, why
}

// emitJudged raises phish when an original would itself be tagged (it has
// no authentication results to add suspicion: being tagged on its own is
// enough), with who sent it and up to four of its signals, and held as
// well when it would be quarantined, with its score.
func emitJudged(out *scan.Emitter, who string, why []string, score float64, act scan.Action, phish, held string) {
	if act.Rank() < scan.Tag.Rank() {
		return
	}
	out.Emit(phish, fmt.Sprintf("%s: %s", textmatch.Clip(who, 80), strings.Join(why, ", ")))
	if act.Rank() >= scan.Quarantine.Rank() {
		out.Emit(held, fmt.Sprintf("%.1f", score))
	}
}

// who names an original's sender in a signal's detail: "Name <addr>", or
// the name alone when the client showed no address.
func who(name, addr string) string {
	if addr == "" {
		return name
	}
	return strings.TrimSpace(name + " <" + addr + ">")
}

// reasons names up to four of the signals that weigh in a verdict.
func reasons(v *scan.Verdict) []string {
	var why []string
	for _, s := range v.Signals {
		if s.Weight >= 1 && len(why) < 4 {
			why = append(why, s.Name)
		}
	}
	return why
}
