package lure

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// A service notification carrying an attacker's text: Google Forms,
// Calendar and sharing notices, PayPal invoices and money requests,
// DocuSign envelopes. The service really sent the message, so SPF, DKIM
// and DMARC pass and the sender's reputation is the service's; the
// attacker only wrote the part the service lets its user write (the form's
// title, the event's description, the invoice's note). What betrays the
// abuse is what that part carries and the service's own templates never
// do: a sum to claim, a number to call, a form to fill (notice_services.yaml
// gives the sources, service by service).

//go:embed notice_signals.yaml
var noticeSignals []byte

//go:embed notice_services.yaml
var noticeServicesData []byte

var noticeDefinitions = scan.MustDefinitions("lure", noticeSignals)

// Payload kinds of notice_services.yaml.
const (
	payloadSum   = "sum"
	payloadPhone = "phone"
	payloadForm  = "form"
)

// NoticeService is one entry of notice_services.yaml.
type NoticeService struct {
	Service     string   `yaml:"service"`
	Domains     []string `yaml:"domains"`
	Notifiers   []string `yaml:"notifiers"`
	Payloads    []string `yaml:"payloads"`
	DialIn      []string `yaml:"dial_in,omitempty"`
	FormLinks   []string `yaml:"form_links,omitempty"`
	FormHeaders []string `yaml:"form_headers,omitempty"`
	Source      string   `yaml:"source"`
}

// ParseNoticeServices reads notice_services.yaml's format: every service
// needs domains, notifiers, known payloads and a source.
func ParseNoticeServices(data []byte) ([]NoticeService, error) {
	var out []NoticeService
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("lure: notice services: %w", err)
	}
	for _, s := range out {
		if s.Service == "" || len(s.Domains) == 0 || len(s.Notifiers) == 0 || len(s.Payloads) == 0 || strings.TrimSpace(s.Source) == "" {
			return nil, fmt.Errorf("lure: notice services: %q needs domains, notifiers, payloads and a source", s.Service)
		}
		for _, p := range s.Payloads {
			if p != payloadSum && p != payloadPhone && p != payloadForm {
				return nil, fmt.Errorf("lure: notice services: %q: unknown payload %q", s.Service, p)
			}
		}
		if slices.Contains(s.Payloads, payloadForm) && len(s.FormLinks) == 0 {
			return nil, fmt.Errorf("lure: notice services: %q: payload form needs form_links", s.Service)
		}
	}
	return out, nil
}

// Notice is the family of SERVICE_NOTICE_PAYLOAD.
type Notice struct {
	services []NoticeService
}

// NewNotice builds the family from the embedded notice_services.yaml.
func NewNotice() *Notice {
	s, err := ParseNoticeServices(noticeServicesData)
	if err != nil {
		panic(err)
	}
	return &Notice{services: s}
}

// Name implements scan.Check.
func (*Notice) Name() string { return "lure-notice" }

// Signals implements scan.Family.
func (*Notice) Signals() []scan.Definition { return noticeDefinitions }

// Checks implements scan.Family.
func (n *Notice) Checks() []scan.Check { return []scan.Check{n} }

// Check implements scan.Check.
func (n *Notice) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	if in.Forward != nil || in.Env.Rebuilt {
		return // a forward's words are the forwarder's, not a service's
	}
	dkim := in.Auth.DKIMPass() // once, not once per service
	for i := range n.services {
		s := &n.services[i]
		if !s.sent(in, dkim) {
			continue
		}
		if p := s.payload(in); p != "" {
			out.Emit("SERVICE_NOTICE_PAYLOAD", s.Service+": "+p)
		}
		return
	}
}

// sent reports a notice the service itself sent: one of its domains
// authenticated (SPF for the envelope sender, a DKIM signature, DMARC for
// the From), and a From that is either one of its notification addresses
// or someone outside the service on whose behalf it wrote — not one of
// the company's people writing as themselves. dkim is in.Auth.DKIMPass().
func (s *NoticeService) sent(in *scan.Input, dkim []string) bool {
	authed := in.Auth.SPF == "pass" && s.owns(in.Auth.SPFDomain) ||
		in.Auth.DMARC == "pass" && s.owns(in.FromDomain)
	for _, d := range dkim {
		authed = authed || s.owns(d)
	}
	if !authed {
		return false
	}
	if !s.owns(in.FromDomain) {
		return true
	}
	local, _, _ := strings.Cut(strings.ToLower(in.Msg.FromAddr().Addr), "@")
	for _, w := range s.Notifiers {
		if strings.Contains(local, w) {
			return true
		}
	}
	return false
}

func (s *NoticeService) owns(host string) bool {
	for _, d := range s.Domains {
		if urlx.InDomain(host, d) {
			return true
		}
	}
	return false
}

// payload returns what the notice carries that the service never writes,
// as the signal's detail, or "".
func (s *NoticeService) payload(in *scan.Input) string {
	text := in.Msg.Subject + "\n" + in.Body()
	for _, p := range s.Payloads {
		switch p {
		case payloadSum:
			if v := anySum(text); v != "" {
				return "sum " + v
			}
		case payloadPhone:
			if s.dialIn(in.Msg, text) {
				continue
			}
			if v := PhoneNumber(text); v != "" {
				return "phone " + v
			}
		case payloadForm:
			if v := s.formLink(in.Msg); v != "" {
				return "form " + v
			}
		}
	}
	return ""
}

// dialIn reports a notice whose phone numbers the service wrote itself:
// a conference's dial-in numbers beside its address, linked or written
// bare ("meet.google.com/kdw-qpzr-tmx" in Calendar's plain text).
func (s *NoticeService) dialIn(m *message.Message, text string) bool {
	text = strings.ToLower(text)
	for _, h := range s.DialIn {
		if strings.Contains(text, h) {
			return true
		}
		for _, u := range m.URLs {
			if urlx.InDomain(u.Host, h) {
				return true
			}
		}
	}
	return false
}

// formLink returns a link to a published form in a notice that is not the
// form service's own (an invitation, a shared collection pointing to a
// form to fill), or "".
func (s *NoticeService) formLink(m *message.Message) string {
	for _, h := range s.FormHeaders {
		if m.Header.Has(h) {
			return ""
		}
	}
	for _, u := range m.URLs {
		if u.Source == message.URLFromAttachment {
			continue
		}
		raw := strings.ToLower(u.Raw)
		raw = strings.TrimPrefix(strings.TrimPrefix(raw, "https://"), "http://")
		for _, f := range s.FormLinks {
			if strings.HasPrefix(raw, f) {
				return u.Host
			}
		}
	}
	return ""
}

// anySum returns the first sum of money written with its currency in s
// ("+$83", "USD 250", "1 200,00 €"), or "".
func anySum(s string) string {
	var kept []string
	for _, f := range strings.Fields(sumBetween(s, 0.01, 1e15)) {
		f = strings.TrimRight(f, ".,;:!?)")
		if !strings.ContainsAny(f, "0123456789") && !currencyAfter(f) && !currencyBefore(f) {
			break
		}
		kept = append(kept, f)
	}
	return strings.Join(kept, " ")
}
