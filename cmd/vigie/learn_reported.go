package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

// reportedMessage is one message a user's report teaches.
type reportedMessage struct {
	name string
	raw  []byte
}

// reportedMessages returns what a file of `vigie learn --reported` teaches.
// The report mailbox, or Outlook's .msg, keeps the reported message itself:
// it is learned as it is. A user who forwarded it as an attachment sent a
// message of the organisation's own domain carrying it: the messages it
// carries are learned, not the user's words and the organisation's
// signature around them, which would teach the classifier that the
// organisation's own mail is phishing. A message of the organisation's
// own domain carrying none (internal mail, a forward quoting the original
// in its text) is refused: it needs a person's review, then vigie learn
// --phish. Without org.domains nothing is known to be ours.
func reportedMessages(name string, raw []byte, cfg *config.Config, lang string) ([]reportedMessage, error) {
	own := ownMailDomains(cfg)
	m := message.Parse(raw, cfg.MessageLimits())
	from := m.FromAddr().Domain()
	if !isOwnDomain(from, own) {
		return []reportedMessage{{name, raw}}, nil
	}
	refuse := func(domain string) error {
		return errors.New(say(lang,
			fmt.Sprintf("signalement refusé : message du domaine de l'organisation (%s) sans message signalé en pièce jointe (courrier interne, ou transfert qui cite l'original dans son texte) ; à examiner, puis vigie learn --phish s'il s'agit d'hameçonnage", domain),
			fmt.Sprintf("report refused: a message of the organisation's own domain (%s) with no reported message attached (internal mail, or a forward quoting the original in its text); review it, then vigie learn --phish if it is phishing", domain)))
	}
	if len(m.Enclosed) == 0 {
		return nil, refuse(from)
	}
	var out []reportedMessage
	var errs []error
	for i, e := range m.Enclosed {
		// The message the user forwarded may itself be internal mail.
		if d := message.Parse(e.Raw, cfg.MessageLimits()).FromAddr().Domain(); isOwnDomain(d, own) {
			errs = append(errs, refuse(d))
			continue
		}
		out = append(out, reportedMessage{fmt.Sprintf("%s#%d", name, i+1), e.Raw})
	}
	return out, errors.Join(errs...)
}

// forwardedMessages returns the messages a file of the organisation's own
// domains carries (a user's forward as an attachment), nil for any other
// file: what --forget takes back besides the file, as --reported learned
// them in its place.
func forwardedMessages(name string, raw []byte, cfg *config.Config) []reportedMessage {
	m := message.Parse(raw, cfg.MessageLimits())
	if !isOwnDomain(m.FromAddr().Domain(), ownMailDomains(cfg)) {
		return nil
	}
	var out []reportedMessage
	for i, e := range m.Enclosed {
		out = append(out, reportedMessage{fmt.Sprintf("%s#%d", name, i+1), e.Raw})
	}
	return out
}

// ownMailDomains are the domains the organisation's mail is from.
func ownMailDomains(cfg *config.Config) []string {
	return append(append([]string{}, cfg.Org.Domains...), cfg.Serve.Relay.Domains...)
}

// isOwnDomain reports whether domain is one of own or under one of them.
func isOwnDomain(domain string, own []string) bool {
	return domain != "" && slices.ContainsFunc(own, func(o string) bool { return urlx.InDomain(domain, strings.TrimSpace(o)) })
}
