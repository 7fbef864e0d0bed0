package hunt

import (
	"fmt"
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// privilegedRoles are administrator roles whose holder can take over the
// tenant or read every mailbox: Entra's and Exchange's built-in roles and
// Google's super administrator (lower-cased).
var privilegedRoles = []string{
	"global administrator", "company administrator", "privileged role administrator", "privileged authentication administrator",
	"application administrator", "cloud application administrator", "exchange administrator", "exchange service administrator",
	"security administrator", "user administrator", "hybrid identity administrator", "authentication administrator",
	"organization management", "applicationimpersonation", "discovery management", "ediscovery manager", "ediscovery administrator",
	"compliance administrator", "super admin", "_seed_admin_role", "grant_admin_privilege",
}

// admin checks one directory or tenant change.
func (h *Hunter) admin(e *logs.AdminChange) {
	ip := ""
	if e.IP.IsValid() {
		ip = e.IP.String()
	}
	add := func(id string, sev Severity, subject, account string, d detail) {
		h.changeFinding(id, sev, subject, account, ip, e.Time, d, e.Src)
	}
	by := logs.FirstNonEmpty(e.User, "?")
	target := logs.FirstNonEmpty(e.Target, "?")
	switch e.Kind {
	case logs.KindAppCredential:
		add(AppCredential, High, by, e.User, tr("%s : %s, par %s", "%s: %s, by %s", target, keyDescription(e.Detail), by))
	case logs.KindAppPermission:
		sev := Medium
		if mailScope(e.Detail) {
			sev = High
		}
		add(AppPermission, sev, by, e.User, tr("%s : %s, par %s", "%s: %s, by %s", target, logs.FirstNonEmpty(e.Detail, e.Operation), by))
	case logs.KindFederation:
		add(FederationChange, High, by, e.User, tr("%s sur %s, par %s", "%s on %s, by %s", logs.FirstNonEmpty(e.Detail, e.Operation), target, by))
	case logs.KindRoleAssignment:
		sev := Medium
		if contains(privilegedRoles, strings.TrimSpace(e.Detail)) {
			sev = High
		}
		add(RoleAssignment, sev, target, e.Target, tr("%s attribué à %s par %s", "%s given to %s by %s", logs.FirstNonEmpty(e.Detail, "?"), target, by))
	case logs.KindMFAMethod:
		if e.Removed {
			add(MFARemoved, Medium, target, e.Target, tr("%s : %s, par %s", "%s: %s, by %s", target, e.Detail, by))
		} else {
			add(MFAMethodAdded, Low, target, e.Target, tr("%s : %s, par %s", "%s: %s, by %s", target, e.Detail, by))
		}
	case logs.KindTransportRule:
		sev := Medium
		for _, a := range e.Actions {
			if a.Kind == "delete" || len(h.external("", a.Value)) > 0 {
				sev = High
			}
		}
		if strings.Contains(e.Detail, "SetSCL=-1") {
			sev = High
		}
		add(TransportRule, sev, by, e.User, tr("%s %q : %s, par %s", "%s %q: %s, by %s", e.Operation, target, logs.FirstNonEmpty(e.Detail, "?"), by))
	case logs.KindAuditBypass:
		add(AuditBypass, High, target, e.Target, tr("%s pour %s, par %s", "%s for %s, by %s", e.Detail, target, by))
	case logs.KindAuditConfig:
		if e.Removed {
			add(AuditDisabled, High, by, e.User, tr("%s sur %s, par %s", "%s on %s, by %s", e.Detail, target, by))
		}
	case logs.KindSearch:
		add(EDiscoverySearch, Medium, by, e.User, tr("%s %q (%s), par %s", "%s %q (%s), by %s", e.Operation, target, logs.FirstNonEmpty(e.Detail, "?"), by))
	case logs.KindExport:
		add(EDiscoveryExport, High, by, e.User, tr("%s %q (%s), par %s", "%s %q (%s), by %s", e.Operation, target, logs.FirstNonEmpty(e.Detail, "?"), by))
	default:
		h.log.Debug("hunt: directory change of unknown kind", "kind", e.Kind, "operation", e.Operation)
	}
}

var keyFields = regexp.MustCompile(`(KeyType|DisplayName|KeyUsage)=([^,\]"]*)`)

// keyDescription makes Entra's KeyDescription readable: "[KeyIdentifier=…,
// KeyType=Password,KeyUsage=Verify,DisplayName=SimuLandCreds]" → "Password
// «SimuLandCreds» (Verify)".
func keyDescription(s string) string {
	m := map[string]string{}
	for _, kv := range keyFields.FindAllStringSubmatch(s, -1) {
		if _, ok := m[kv[1]]; !ok {
			m[kv[1]] = kv[2]
		}
	}
	if len(m) == 0 {
		return logs.FirstNonEmpty(s, "?")
	}
	return strings.TrimSpace(fmt.Sprintf("%s «%s» %s", m["KeyType"], m["DisplayName"], paren(m["KeyUsage"])))
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
