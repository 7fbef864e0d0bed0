package hunt

import (
	"fmt"
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/logs"
)

// mailbox checks one mailbox change: rules, forwarding, delegation, consent.
func (h *Hunter) mailbox(e *logs.MailboxChange) {
	rule := e.RuleName
	if rule == "" {
		rule = "(unnamed)"
	}
	add := func(id string, sev Severity, detail string) {
		f := h.group(id+"|"+e.User+"|"+e.Src.String(), func() *Finding {
			f := newFinding(id, sev, e.User, e.Time, detail, e.Src)
			if e.IP.IsValid() {
				f.IP = e.IP.String()
			}
			return f
		}, e.Src, e.Time)
		_ = f
	}
	switch e.Kind {
	case logs.KindInboxRule:
		forwards := false
		for _, a := range e.Actions {
			switch a.Kind {
			case "forward-to", "redirect-to":
				if ext := h.external(e.User, a.Value); len(ext) > 0 {
					forwards = true
					add(InboxRuleForward, High, fmt.Sprintf("rule %q %s %s", rule, a.Kind, strings.Join(ext, ", ")))
				}
			case "move-to":
				if h.hideFolder(a.Value) {
					add(InboxRuleMove, Medium, fmt.Sprintf("rule %q moves to %q", rule, a.Value))
				}
			case "mark-read":
				add(InboxRuleMarkRead, Medium, fmt.Sprintf("rule %q", rule))
			}
		}
		for _, a := range e.Actions {
			if a.Kind == "delete" {
				sev := Medium
				if forwards {
					sev = High
				}
				add(InboxRuleDelete, sev, fmt.Sprintf("rule %q", rule))
			}
		}
		if shortName(e.RuleName) {
			add(InboxRuleShortName, Medium, fmt.Sprintf("rule %q", e.RuleName))
		}
	case logs.KindForwarding:
		for _, a := range e.Actions {
			if ext := h.external(firstNonEmpty(mailboxOwner(e.Target), e.User), a.Value); len(ext) > 0 {
				add(MailboxForwarding, High, fmt.Sprintf("%s → %s%s", firstNonEmpty(e.Target, e.User), strings.Join(ext, ", "), conds(e.Conditions)))
			}
		}
	case logs.KindDelegation:
		sev := Medium
		if p := strings.ToLower(e.Permissions); strings.Contains(p, "fullaccess") || strings.Contains(p, "sendas") {
			sev = High
		}
		add(Delegation, sev, fmt.Sprintf("%s on %s to %s", firstNonEmpty(e.Permissions, e.Operation), e.Target, e.Delegate))
	case logs.KindOAuthConsent:
		if h.knownApp(e.Target) {
			return
		}
		sev := Medium
		if p := strings.ToLower(e.Permissions); strings.Contains(p, "mail.") || strings.Contains(p, "offline_access") ||
			strings.Contains(p, "full_access") || strings.Contains(p, "ews.") || strings.Contains(p, "mail.google.com") || strings.Contains(p, "gmail") {
			sev = High
		}
		add(OAuthConsent, sev, fmt.Sprintf("%s: %s", firstNonEmpty(e.Target, "unknown app"), firstNonEmpty(e.Permissions, "permissions not logged")))
	}
}

// external returns the addresses in list (";"- or ","-separated) outside the
// organisation.
func (h *Hunter) external(user, list string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		a = strings.ToLower(strings.Trim(a, "<>\"'"))
		at := strings.LastIndexByte(a, '@')
		if at < 0 {
			continue // a contact or an internal alias
		}
		d := a[at+1:]
		internal := false
		if len(h.cfg.InternalDomains) > 0 {
			for _, id := range h.cfg.InternalDomains {
				if sameOrg(d, strings.ToLower(id)) {
					internal = true
				}
			}
		} else if u := strings.LastIndexByte(user, '@'); u >= 0 {
			internal = sameOrg(d, user[u+1:])
		}
		if !internal {
			out = append(out, a)
		}
	}
	return out
}

// sameOrg: equal, or one a subdomain of the other.
func sameOrg(a, b string) bool {
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

func (h *Hunter) hideFolder(f string) bool {
	for _, x := range h.cfg.HideFolders {
		if strings.EqualFold(strings.TrimSpace(f), x) {
			return true
		}
	}
	return false
}

func (h *Hunter) knownApp(app string) bool {
	for _, k := range h.cfg.KnownApps {
		if strings.EqualFold(k, app) {
			return true
		}
	}
	return false
}

// shortName: one or two characters, or no letter or digit at all (".", "..", " ").
func shortName(name string) bool {
	n := strings.TrimSpace(name)
	if name == "" {
		return false // not logged
	}
	if len([]rune(n)) <= 2 {
		return true
	}
	return strings.IndexFunc(n, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
}

// mailboxOwner extracts an address from an Identity that may be a path.
func mailboxOwner(id string) string {
	if strings.Contains(id, "@") && !strings.ContainsAny(id, "/\\") {
		return strings.ToLower(id)
	}
	return ""
}

func conds(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return " (" + strings.Join(c, "; ") + ")"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
