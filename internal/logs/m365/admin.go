package m365

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Operation names as the audit log writes them (lower-cased, "–" as "-"),
// grouped by what they change. The anchors' lists: CISA Sparrow and Untitled
// Goose Tool (application credentials, federation, role and permission
// changes), CrowdStrike CRT and Hawk (transport rules, audit bypass,
// eDiscovery, MailItemsAccessed).
var (
	appCredentialOps = []string{
		"update application - certificates and secrets management",
		"add service principal credentials",
		"update service principal - certificates and secrets management",
	}
	appUpdateOps     = []string{"update application", "update service principal"}
	appPermissionOps = []string{"add app role assignment to service principal"}
	federationOps    = []string{
		"set domain authentication", "set federation settings on domain", "set-msoldomainauthentication",
		"set-msoldomainfederationsettings", "new-msolfederateddomain", "add unverified domain", "verify domain",
		"update domain",
	}
	roleOps = []string{
		"add member to role", "add eligible member to role", "add scoped member to role",
		"add member to role completed (pim activation)", "add-rolegroupmember", "new-managementroleassignment",
	}
	mfaOps = []string{
		"user registered security info", "user deleted security info", "user changed default security info",
		"admin registered security info", "admin deleted security info", "admin updated security info",
		"user registered all required security info", "disable strong authentication",
		"delete authentication method", "reset user's strong authentication methods",
	}
	transportOps = []string{
		"new-transportrule", "set-transportrule", "enable-transportrule",
		"new-inboundconnector", "set-inboundconnector", "new-outboundconnector", "set-outboundconnector",
	}
	searchOps = []string{
		"new-compliancesearch", "start-compliancesearch", "set-compliancesearch", "searchcreated", "searchstarted",
		"new-mailboxsearch", "start-mailboxsearch", "search-mailbox", "new-compliancecase",
	}
	exportOps = []string{
		"searchexported", "searchexportdownloaded", "viewedsearchexported", "searchpreviewed", "searchresultsexported",
		"new-compliancesearchaction", "searchpurged",
	}
)

func in(op string, list []string) bool {
	for _, l := range list {
		if op == l {
			return true
		}
	}
	return false
}

// adminEvents handles the directory and tenant operations hunting knows.
func adminEvents(c *ctx) []logs.Event {
	p := c.params
	ev := &logs.AdminChange{User: c.user, IP: c.ip(), Operation: c.op, Target: c.target()}
	switch {
	case in(c.lop, appCredentialOps):
		ev.Kind = logs.KindAppCredential
		ev.Detail = c.mods["keydescription"].New
	case in(c.lop, appUpdateOps):
		switch {
		case c.changed("keydescription", "keycredentials", "passwordcredentials"):
			ev.Kind, ev.Detail = logs.KindAppCredential, logs.FirstNonEmpty(c.mods["keydescription"].New, "credentials")
		case c.changed("requiredresourceaccess", "apprequiredresourceaccess"):
			ev.Kind = logs.KindAppPermission
			ev.Detail = permissionChange(c.mods["requiredresourceaccess"])
		default:
			return nil
		}
	case in(c.lop, appPermissionOps):
		ev.Kind = logs.KindAppPermission
		ev.Detail = logs.FirstNonEmpty(c.mods["approle.value"].New, c.mods["approle.displayname"].New, c.mods["serviceprincipal.displayname"].New)
	case in(c.lop, federationOps):
		ev.Kind = logs.KindFederation
		ev.Detail = logs.FirstNonEmpty(c.mods["authenticationtype"].New, c.mods["issueruri"].New, p["authentication"], p["issueruri"])
		if c.lop == "update domain" && !c.changed("authenticationtype", "federatedidpmfabehavior", "federationsettings", "issueruri") {
			return nil
		}
	case in(c.lop, roleOps):
		ev.Kind = logs.KindRoleAssignment
		ev.Detail = logs.FirstNonEmpty(c.mods["role.displayname"].New, c.mods["role.wellknownobjectname"].New, p["role"], p["identity"])
		if m := p["member"]; m != "" {
			ev.Target = strings.ToLower(m)
		} else if u := p["user"]; u != "" {
			ev.Target = strings.ToLower(u)
		}
	case in(c.lop, mfaOps):
		ev.Kind = logs.KindMFAMethod
		ev.Removed = strings.Contains(c.lop, "deleted") || strings.HasPrefix(c.lop, "disable") || strings.HasPrefix(c.lop, "delete") || strings.HasPrefix(c.lop, "reset")
		ev.Detail = c.op
	case c.lop == "update user" && c.changed("strongauthenticationmethod", "strongauthenticationphoneappdetail", "strongauthenticationuserdetails", "strongauthenticationrequirement"):
		ev.Kind = logs.KindMFAMethod
		ev.Removed, ev.Detail = mfaRemoved(c.mods)
	case in(c.lop, transportOps):
		ev.Kind = logs.KindTransportRule
		ev.Target = logs.FirstNonEmpty(p["name"], p["identity"], ev.Target)
		ev.Actions, ev.Detail = transportActions(p)
		if strings.Contains(c.lop, "connector") {
			ev.Detail = strings.TrimSpace("connector " + ev.Detail)
		}
	case c.lop == "set-mailboxauditbypassassociation":
		if !isTrue(p["auditbypassenabled"]) {
			return nil
		}
		ev.Kind, ev.Removed, ev.Detail = logs.KindAuditBypass, true, "AuditBypassEnabled=True"
		ev.Target = logs.FirstNonEmpty(p["identity"], ev.Target)
	case c.lop == "set-adminauditlogconfig" || c.lop == "set-organizationconfig":
		off := []string{}
		for _, k := range []string{"unifiedauditlogingestionenabled", "adminauditlogenabled"} {
			if v, ok := p[k]; ok && !isTrue(v) {
				off = append(off, k+"=False")
			}
		}
		if isTrue(p["auditdisabled"]) {
			off = append(off, "AuditDisabled=True")
		}
		if len(off) == 0 {
			return nil
		}
		ev.Kind, ev.Removed, ev.Detail = logs.KindAuditConfig, true, strings.Join(off, ", ")
	case in(c.lop, searchOps):
		ev.Kind = logs.KindSearch
		ev.Target = logs.FirstNonEmpty(p["name"], p["identity"], c.r.ObjectID, ev.Target)
		ev.Detail = logs.FirstNonEmpty(p["contentmatchquery"], p["searchquery"], p["exchangelocation"])
		if c.lop == "search-mailbox" && (p["targetmailbox"] != "" || isTrue(p["deletecontent"])) {
			ev.Kind = logs.KindExport
			ev.Detail = strings.TrimSpace("copied to " + p["targetmailbox"])
		}
	case in(c.lop, exportOps):
		ev.Kind = logs.KindExport
		ev.Target = logs.FirstNonEmpty(p["searchname"], p["name"], c.r.ObjectID, ev.Target)
		ev.Detail = logs.FirstNonEmpty(p["action"], exportFlag(p), c.op)
	default:
		return nil
	}
	return []logs.Event{ev}
}

func exportFlag(p map[string]string) string {
	for _, k := range []string{"export", "purge", "preview"} {
		if isTrue(p[k]) {
			return k
		}
	}
	return ""
}

// changed reports whether one of the named properties was modified.
func (c *ctx) changed(names ...string) bool {
	for _, n := range names {
		if _, ok := c.mods[n]; ok {
			return true
		}
	}
	if inc, ok := c.mods["included updated properties"]; ok {
		l := strings.ToLower(inc.New)
		for _, n := range names {
			if strings.Contains(l, n) {
				return true
			}
		}
	}
	return false
}

// target names the object changed: a user's UPN, an application's or a
// domain's name, rather than the object IDs beside them.
func (c *ctx) target() string {
	for _, t := range targets(c.r) {
		if t.UPN != "" {
			return strings.ToLower(t.UPN)
		}
		if t.DisplayName != "" {
			return t.DisplayName
		}
	}
	var list []idType
	logs.UnmarshalMaybeString(c.r.Target, &list)
	for _, t := range list {
		if strings.Contains(t.ID, "@") {
			return strings.ToLower(t.ID)
		}
	}
	return c.r.ObjectID
}

// mfaRemoved compares the old and new StrongAuthenticationMethod lists.
func mfaRemoved(m map[string]modProp) (bool, string) {
	p, ok := m["strongauthenticationmethod"]
	if !ok {
		return false, "strong authentication details changed"
	}
	var oldList, newList []json.RawMessage
	json.Unmarshal([]byte(p.Old), &oldList)
	json.Unmarshal([]byte(p.New), &newList)
	switch {
	case len(newList) == 0 && len(oldList) > 0:
		return true, fmt.Sprintf("all %d methods removed", len(oldList))
	case len(newList) < len(oldList):
		return true, fmt.Sprintf("%d of %d methods removed", len(oldList)-len(newList), len(oldList))
	case len(newList) > len(oldList):
		return false, fmt.Sprintf("%d method(s) added", len(newList)-len(oldList))
	}
	return false, "methods changed"
}

// permissionChange says which permissions an application now requests that
// it did not, named when they are well known, and on which APIs.
func permissionChange(p modProp) string {
	type access struct {
		ResourceAppID string `json:"ResourceAppId"`
		Perms         []struct {
			ID string `json:"EntitlementId"`
		} `json:"RequiredAppPermissions"`
	}
	var oldList, newList []access
	json.Unmarshal([]byte(p.Old), &oldList)
	json.Unmarshal([]byte(p.New), &newList)
	had := map[string]bool{}
	for _, a := range oldList {
		for _, perm := range a.Perms {
			had[strings.ToLower(perm.ID)] = true
		}
	}
	var added, apis []string
	n := 0
	for _, a := range newList {
		apis = append(apis, apiName(a.ResourceAppID))
		for _, perm := range a.Perms {
			n++
			if id := strings.ToLower(perm.ID); !had[id] {
				added = append(added, logs.FirstNonEmpty(permissionNames[id], id))
			}
		}
	}
	if n == 0 {
		return "required permissions changed"
	}
	sort.Strings(apis)
	sort.Strings(added)
	if len(added) == 0 {
		return fmt.Sprintf("%d permissions requested on %s", n, strings.Join(apis, ", "))
	}
	return fmt.Sprintf("added %s (%d permissions requested on %s)", strings.Join(added, ", "), n, strings.Join(apis, ", "))
}

// permissionNames are the IDs of well-known Microsoft Graph and Exchange
// permissions (Microsoft Graph permissions reference): the mail ones, the
// sign-in basics, and those that let an application take over a tenant.
var permissionNames = map[string]string{
	"e1fe6dd8-ba31-4d61-89e7-88639da4683d": "User.Read",
	"37f7f235-527c-4136-accd-4a02d197296e": "openid",
	"14dad69e-099b-42c9-810b-d002981feec1": "profile",
	"64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0": "email",
	"7427e0e9-2fba-42fe-b0c0-848c9e6a8182": "offline_access",
	"570282fd-fa5c-430d-a7fd-fc8dc98a9dca": "Mail.Read (delegated)",
	"024d486e-b451-40bb-833d-3e66d98c5c73": "Mail.ReadWrite (delegated)",
	"e383f46e-2787-4529-855e-0e479a3ffac0": "Mail.Send (delegated)",
	"810c84a8-4a9e-49e6-bf7d-12d183f40d01": "Mail.Read (application)",
	"e2a3a72e-5f79-4c64-b1b1-878b674786c9": "Mail.ReadWrite (application)",
	"b633e1c5-b582-4048-a93e-9f11b44c7e96": "Mail.Send (application)",
	"dc890d15-9560-4a4c-9b7f-a736ec74ec40": "full_access_as_app (Exchange, application)",
	"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All (application)",
	"19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All (application)",
	"06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All (application)",
	"75359482-378d-4052-8f01-80520e7db3cd": "Files.ReadWrite.All (application)",
}

// apiName names Microsoft's well-known API application IDs.
func apiName(id string) string {
	switch strings.ToLower(id) {
	case "00000003-0000-0000-c000-000000000000":
		return "Microsoft Graph"
	case "00000002-0000-0ff1-ce00-000000000000":
		return "Office 365 Exchange Online"
	case "00000003-0000-0ff1-ce00-000000000000":
		return "SharePoint Online"
	case "00000002-0000-0000-c000-000000000000":
		return "Azure AD Graph"
	}
	return id
}

// transportActions lists what a mail flow rule does to messages.
func transportActions(p map[string]string) ([]logs.RuleAction, string) {
	var acts []logs.RuleAction
	var words []string
	for _, k := range []struct{ param, kind string }{
		{"blindcopyto", "bcc"}, {"redirectmessageto", "redirect-to"}, {"addtorecipients", "forward-to"},
		{"copyto", "forward-to"}, {"addmanageraserecipienttype", ""}, {"routemessageoutboundconnector", "route"},
	} {
		if v := p[k.param]; v != "" && k.kind != "" {
			acts = append(acts, logs.RuleAction{Kind: k.kind, Value: stripSMTP(v)})
			words = append(words, k.param+"="+v)
		}
	}
	if isTrue(p["deletemessage"]) {
		acts = append(acts, logs.RuleAction{Kind: "delete"})
		words = append(words, "DeleteMessage")
	}
	if p["setscl"] == "-1" {
		words = append(words, "SetSCL=-1 (bypass spam filtering)")
	}
	return acts, strings.Join(words, ", ")
}
