package hunt

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// firstPartyApps are Microsoft's own mail clients, whose reads through the API
// are the user's own (Microsoft Learn, "Application IDs of commonly used
// Microsoft applications").
var firstPartyApps = []string{
	"00000002-0000-0ff1-ce00-000000000000", // Office 365 Exchange Online
	"d3590ed6-52b3-4102-aeff-aad2292ab01c", // Microsoft Office
	"27922004-5251-4030-b22d-91ecd9a37ea4", // Outlook Mobile
	"1fec8e78-bce4-4aaf-ab1b-5451cc387264", // Microsoft Teams
	"5e3ce6c0-2b1f-4285-8d4b-75ee78787346", // Microsoft Teams Web Client
	"9199bf20-a13f-4107-85dc-02114787ef48", // One Outlook Web
	"4765445b-32c6-49b0-83e6-1d93765276ca", // OfficeHome
}

// readKey groups a day of reads of one mailbox by one client.
type readKey struct {
	user, mailbox, app string
	ip                 netip.Addr
	day                int64
}

type readAgg struct {
	first     time.Time
	events    int
	items     int
	api, sync bool
	throttled bool
	src       []logs.Source
}

func (h *Hunter) mailAccess(e *logs.MailAccess) {
	h.account(e.Mailbox)
	h.learn(e.Mailbox)
	k := readKey{user: e.User, mailbox: e.Mailbox, app: e.App, day: e.Time.Unix() / 86400}
	if e.App == "" {
		k.ip = e.IP
	}
	if e.Time.IsZero() {
		k.day = 0
	}
	a := h.reads[k]
	if a == nil {
		a = &readAgg{first: e.Time}
		h.reads[k] = a
	}
	a.events++
	a.items += e.Items
	a.api = a.api || e.API
	a.sync = a.sync || e.Sync
	a.throttled = a.throttled || e.Throttled
	if !e.Time.IsZero() && e.Time.Before(a.first) {
		a.first = e.Time
	}
	if len(a.src) < maxEvidence {
		a.src = append(a.src, e.Src)
	}
}

// analyseReads raises mass reads (Exchange throttled the audit, or more than
// MailBurst items in a day) and reads by applications through the API.
func (h *Hunter) analyseReads() {
	for k, a := range h.reads {
		if !h.inScope(a.first) {
			continue
		}
		var sev Severity
		var fr, en []string
		if a.throttled {
			sev = High
			fr = append(fr, "audit limité par Exchange (plus de 1 000 lectures en 24 h)")
			en = append(en, "audit throttled by Exchange (over 1,000 reads in 24 h)")
		}
		if a.items >= h.cfg.MailBurst {
			sev = High
			fr = append(fr, fmt.Sprintf("%d éléments lus en un jour", a.items))
			en = append(en, fmt.Sprintf("%d items read in a day", a.items))
		}
		if a.api && k.app != "" && !contains(firstPartyApps, k.app) && !h.knownApp(k.app) {
			sev = max(sev, Medium)
			if a.sync {
				sev = High
			}
			fr = append(fr, fmt.Sprintf("%d éléments lus par l'application %s via l'API", a.items, k.app))
			en = append(en, fmt.Sprintf("%d items read by application %s through the API", a.items, k.app))
		}
		if sev == 0 {
			continue
		}
		who := logs.FirstNonEmpty(k.user, k.mailbox)
		d := detail{fmt.Sprintf("boîte %s : %s", k.mailbox, strings.Join(fr, " ; ")), fmt.Sprintf("mailbox %s: %s", k.mailbox, strings.Join(en, "; "))}
		f := h.group(MailItemsAccessed+"|"+k.mailbox+"|"+k.user+"|"+k.app+"|"+k.ip.String()+"|"+fmt.Sprint(k.day), func() *Finding {
			f := newFinding(MailItemsAccessed, sev, who, a.first, d, a.src...)
			if k.ip.IsValid() {
				f.IP = k.ip.String()
			}
			f.Account = strings.ToLower(k.mailbox)
			return f
		}, logs.Source{}, a.first)
		f.Count = a.events
	}
}
