package hunt

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"vigie.dev/vigie/internal/logs"
)

// changeFinding raises one finding per change event (its evidence line).
func (h *Hunter) changeFinding(id string, sev Severity, user, account string, ip string, t time.Time, d detail, src logs.Source) *Finding {
	f := h.group(id+"|"+user+"|"+src.String(), func() *Finding {
		f := newFinding(id, sev, user, t, d, src)
		f.IP = ip
		if isAccount(account) && (h.known[strings.ToLower(account)] || strings.Contains(account, "@")) {
			f.Account = strings.ToLower(account)
		}
		return f
	}, src, t)
	if sev > f.Severity {
		f.Severity = sev
	}
	return f
}

func ipString(e *logs.MailboxChange) string {
	if e.IP.IsValid() {
		return e.IP.String()
	}
	return ""
}

// mailbox checks one mailbox change: rules, forwarding, delegation, consent.
func (h *Hunter) mailbox(e *logs.MailboxChange) {
	rule := e.RuleName
	if rule == "" {
		rule = "(unnamed)"
	}
	owner := logs.FirstNonEmpty(mailboxOwner(e.Target), e.User)
	add := func(id string, sev Severity, d detail) {
		h.changeFinding(id, sev, e.User, owner, ipString(e), e.Time, d, e.Src)
	}
	switch e.Kind {
	case logs.KindInboxRule:
		forwards := false
		for _, a := range e.Actions {
			switch a.Kind {
			case "forward-to", "redirect-to":
				if ext := h.external(owner, a.Value); len(ext) > 0 {
					forwards = true
					verb := map[string][2]string{"forward-to": {"transfère à", "forwards to"}, "redirect-to": {"redirige vers", "redirects to"}}[a.Kind]
					add(InboxRuleForward, High, detail{fmt.Sprintf("règle %q %s %s", rule, verb[0], strings.Join(ext, ", ")), fmt.Sprintf("rule %q %s %s", rule, verb[1], strings.Join(ext, ", "))})
				}
			case "move-to":
				if h.hideFolder(a.Value) {
					add(InboxRuleMove, Medium, tr("règle %q, vers %q", "rule %q moves to %q", rule, a.Value))
				}
			case "mark-read":
				add(InboxRuleMarkRead, Medium, tr("règle %q", "rule %q", rule))
			}
		}
		for _, a := range e.Actions {
			if a.Kind == "delete" {
				sev := Medium
				if forwards {
					sev = High
				}
				add(InboxRuleDelete, sev, tr("règle %q", "rule %q", rule))
			}
		}
		if shortName(e.RuleName) {
			add(InboxRuleShortName, Medium, tr("règle %q", "rule %q", e.RuleName))
		}
	case logs.KindForwarding:
		for _, a := range e.Actions {
			if ext := h.external(owner, a.Value); len(ext) > 0 {
				add(MailboxForwarding, High, tr("%s → %s%s", "%s → %s%s", logs.FirstNonEmpty(e.Target, e.User), strings.Join(ext, ", "), conds(e.Conditions)))
			}
		}
	case logs.KindDelegation:
		sev := Medium
		if p := strings.ToLower(e.Permissions); strings.Contains(p, "fullaccess") || strings.Contains(p, "sendas") {
			sev = High
		}
		add(Delegation, sev, tr("%s sur %s pour %s", "%s on %s to %s", logs.FirstNonEmpty(e.Permissions, e.Operation), e.Target, e.Delegate))
	case logs.KindOAuthConsent:
		if h.knownApp(e.Target) {
			return
		}
		sev := Medium
		if mailScope(e.Permissions) {
			sev = High
		}
		add(OAuthConsent, sev, tr("%s : %s", "%s: %s", logs.FirstNonEmpty(e.Target, "?"), logs.FirstNonEmpty(e.Permissions, "?")))
	}
}

// mailScope: permissions that reach mail (Graph Mail.*, EWS, Gmail, offline access).
func mailScope(p string) bool {
	p = strings.ToLower(p)
	for _, s := range []string{"mail.", "full_access", "ews.", "mail.google.com", "gmail", "imap", "smtp.send", "exchange.", "readwrite.all"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// external returns the addresses in list (";"- or ","-separated) outside the
// organisation: not in one of its domains (given, or learned from the
// accounts seen) nor in the owner's, nor a parent or subdomain of those.
func (h *Hunter) external(owner, list string) []string {
	var out []string
	own := ""
	if u := strings.LastIndexByte(owner, '@'); u >= 0 && len(h.cfg.InternalDomains) == 0 {
		own = strings.ToLower(owner[u+1:])
	}
	for _, a := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		a = strings.ToLower(strings.Trim(a, "<>\"'"))
		at := strings.LastIndexByte(a, '@')
		if at < 0 {
			continue // a contact or an internal alias
		}
		d := a[at+1:]
		internal := own != "" && sameOrg(d, own)
		for id := range h.domains {
			if sameOrg(d, id) {
				internal = true
				break
			}
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

func (h *Hunter) hideFolder(f string) bool { return contains(h.cfg.HideFolders, strings.TrimSpace(f)) }

func (h *Hunter) knownApp(app string) bool { return app != "" && contains(h.cfg.KnownApps, app) }

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
