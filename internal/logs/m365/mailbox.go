package m365

import (
	"encoding/json"
	"strings"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/entra"
)

// mailboxEvents handles sign-ins and the operations on one mailbox; nil when
// the operation is not one of them.
func mailboxEvents(c *ctx) []logs.Event {
	r, p := c.r, c.params
	mc := func(kind string) *logs.MailboxChange {
		return &logs.MailboxChange{User: c.user, IP: c.ip(), Kind: kind, Operation: c.op}
	}
	switch c.lop {
	case "userloggedin", "userloginfailed":
		ev := &logs.SignIn{User: c.user, IP: c.ip(), Result: logs.Success, App: r.Workload}
		ext := pairs(r.ExtendedProperties)
		ev.Client = ext["useragent"]
		ev.Legacy = entra.Legacy("", ev.Client)
		if c.lop == "userloginfailed" {
			ev.Result = logs.Failure
			ev.FailureReason = logs.FirstNonEmpty(r.LogonError, ext["resultstatusdetail"], "login failed")
		}
		return []logs.Event{ev}
	case "new-inboxrule", "set-inboxrule", "updateinboxrules", "enable-inboxrule":
		ev := mc(logs.KindInboxRule)
		if c.lop == "updateinboxrules" {
			inboxRuleFromOperationProperties(ev, pairs(r.OperationProperties))
		} else {
			inboxRuleFromParameters(ev, p)
		}
		return []logs.Event{ev}
	case "set-mailbox":
		evs := []logs.Event{}
		if fwd := logs.FirstNonEmpty(p["forwardingsmtpaddress"], p["forwardingaddress"]); fwd != "" {
			ev := mc(logs.KindForwarding)
			ev.Target = logs.FirstNonEmpty(p["identity"], r.ObjectID)
			ev.Actions = []logs.RuleAction{{Kind: "forward-to", Value: stripSMTP(fwd)}}
			if strings.EqualFold(p["delivertomailboxandforward"], "false") {
				ev.Conditions = append(ev.Conditions, "no copy kept in the mailbox")
			}
			evs = append(evs, ev)
		}
		if d := p["grantsendonbehalfto"]; d != "" {
			ev := mc(logs.KindDelegation)
			ev.Target, ev.Delegate, ev.Permissions = logs.FirstNonEmpty(p["identity"], r.ObjectID), d, "SendOnBehalf"
			evs = append(evs, ev)
		}
		if v, ok := p["auditenabled"]; ok && !isTrue(v) {
			evs = append(evs, &logs.AdminChange{User: c.user, IP: c.ip(), Kind: logs.KindAuditConfig, Operation: c.op,
				Target: logs.FirstNonEmpty(p["identity"], r.ObjectID), Detail: "AuditEnabled=False", Removed: true})
		}
		return evs
	case "add-mailboxpermission", "add-recipientpermission", "add-mailboxfolderpermission", "set-mailboxfolderpermission", "addfolderpermissions", "add-adpermission":
		ev := mc(logs.KindDelegation)
		ev.Target = logs.FirstNonEmpty(p["identity"], r.ObjectID)
		ev.Delegate = logs.FirstNonEmpty(p["user"], p["trustee"])
		ev.Permissions = logs.FirstNonEmpty(p["accessrights"], p["extendedrights"])
		return []logs.Event{ev}
	case "consent to application", "add delegated permission grant", "add oauth2permissiongrant", "add app role assignment grant to user":
		ev := mc(logs.KindOAuthConsent)
		oauthTarget(ev, c)
		return []logs.Event{ev}
	case "mailitemsaccessed":
		return []logs.Event{mailAccess(c)}
	}
	return nil
}

// mailAccess reads a MailItemsAccessed record: who read whose mailbox, how many
// items, through which application, and whether Exchange throttled the audit.
func mailAccess(c *ctx) *logs.MailAccess {
	r := c.r
	ev := &logs.MailAccess{User: c.user, Mailbox: strings.ToLower(logs.FirstNonEmpty(r.MailboxOwnerUPN, c.user)), IP: c.ip()}
	var folders []struct {
		FolderItems []json.RawMessage `json:"FolderItems"`
	}
	logs.UnmarshalMaybeString(r.Folders, &folders)
	for _, f := range folders {
		ev.Items += len(f.FolderItems)
	}
	if ev.Items == 0 {
		ev.Items = max(r.OperationCount, 1)
	}
	props := pairs(r.OperationProperties)
	ev.Sync = strings.EqualFold(props["mailaccesstype"], "sync")
	ev.Throttled = isTrue(props["isthrottled"])
	// Mail read through an API by an application, rather than by a mail client:
	// "Client=REST" (Graph) or an application ID other than the mailbox's own client.
	info := strings.ToLower(r.ClientInfo)
	ev.API = strings.Contains(info, "client=rest") || strings.Contains(info, "client=webservices")
	if ev.API {
		ev.App = strings.ToLower(logs.FirstNonEmpty(r.ClientAppID, r.AppID))
	}
	return ev
}

func inboxRuleFromParameters(ev *logs.MailboxChange, p map[string]string) {
	ev.RuleName = logs.FirstNonEmpty(p["name"], p["identity"])
	for _, k := range []string{"from", "fromaddresscontainswords", "subjectcontainswords", "bodycontainswords", "subjectorbodycontainswords", "sentto", "headercontainswords", "hasattachment"} {
		if v := p[k]; v != "" {
			ev.Conditions = append(ev.Conditions, k+"="+v)
		}
	}
	for _, k := range []string{"forwardto", "forwardasattachmentto", "redirectto"} {
		if v := p[k]; v != "" {
			kind := "forward-to"
			if k == "redirectto" {
				kind = "redirect-to"
			}
			ev.Actions = append(ev.Actions, logs.RuleAction{Kind: kind, Value: stripSMTP(v)})
		}
	}
	if isTrue(p["deletemessage"]) || isTrue(p["softdeletemessage"]) {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "delete"})
	}
	if isTrue(p["markasread"]) {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "mark-read"})
	}
	if v := p["movetofolder"]; v != "" {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "move-to", Value: folderName(v)})
	}
	if isTrue(p["stopprocessingrules"]) {
		ev.Conditions = append(ev.Conditions, "stop processing more rules")
	}
}

// inboxRuleFromOperationProperties reads the UpdateInboxRules (Outlook client)
// form, where RuleActions is a serialized list of action types.
func inboxRuleFromOperationProperties(ev *logs.MailboxChange, p map[string]string) {
	ev.RuleName = p["rulename"]
	if c := p["rulecondition"]; c != "" {
		ev.Conditions = append(ev.Conditions, c)
	}
	acts := p["ruleactions"]
	la := strings.ToLower(acts)
	switch {
	case strings.Contains(la, "redirect"):
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "redirect-to", Value: addresses(acts)})
	case strings.Contains(la, "forward"):
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "forward-to", Value: addresses(acts)})
	}
	if strings.Contains(la, "delete") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "delete"})
	}
	if strings.Contains(la, "markasread") || strings.Contains(la, "mark as read") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "mark-read"})
	}
	if strings.Contains(la, "move") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "move-to", Value: folderName(logs.FirstNonEmpty(p["folder"], p["movetofolder"]))})
	}
}

func oauthTarget(ev *logs.MailboxChange, c *ctx) {
	ev.Permissions = logs.FirstNonEmpty(c.mods["delegatedpermissiongrant.scope"].New, c.mods["consentaction.permissions"].New)
	for _, t := range targets(c.r) {
		if ev.Target == "" && t.DisplayName != "" {
			ev.Target = t.DisplayName
		}
	}
	if ev.Target == "" {
		var list []idType
		logs.UnmarshalMaybeString(c.r.Target, &list)
		for _, t := range list {
			if t.ID != "" && !strings.Contains(t.ID, "-") {
				ev.Target = t.ID // the application name, as opposed to GUIDs
			}
		}
	}
	ev.Target = logs.FirstNonEmpty(ev.Target, c.r.ObjectID)
}

// folderName keeps the last element of a folder path ("mbx:\RSS Feeds" → "RSS Feeds").
func folderName(s string) string {
	if i := strings.LastIndexAny(s, `\/`); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// addresses pulls e-mail addresses out of free text.
func addresses(s string) string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" ;,\"'<>[]{}():", r) }) {
		if strings.Count(f, "@") == 1 && strings.Contains(f[strings.IndexByte(f, '@'):], ".") {
			out = append(out, strings.ToLower(f))
		}
	}
	return strings.Join(out, ";")
}
