package received

import (
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
)

// Results returns the authentication results a trusted relay wrote in h, for
// use when the message can't be checked live (stored copies, a gateway behind
// another filter). hops and ctx come from Chain(h) and t.Context(hops).
//
// An Authentication-Results field is used only when
//   - its authserv-id matches Trust.AuthServIDs and it sits above the
//     Received field of hop ctx.HopIndex, the one the first trusted relay
//     wrote (Microsoft 365 and Exim put their results there); or
//   - its authserv-id is the "by" name of that hop and it sits between that
//     hop and the next older one, which the untrusted client wrote: Postfix
//     milters never see Postfix's own Received field, so their results land
//     just below it. RFC 8601 §5 makes the border relay remove incoming
//     fields bearing its own authserv-id, so the client can't forge those;
//     it could forge any other trusted id there, hence the restriction; or
//   - it has no authserv-id, Trust.NoAuthServID is set, and it sits strictly
//     above the Received field of hop ctx.HopIndex (the Microsoft 365 variant:
//     nothing but its place tells who wrote it).
//
// The oldest usable field picks the authserv-id: it was written by the relay
// nearest the untrusted client, which saw the message as it arrived; relays
// further in (a mailing list's archiver, say) see it after a list has
// rewritten it and break SPF and DKIM. Every usable field with that
// authserv-id is merged, newer ones first (relays often write one field per
// method). A Received-SPF field strictly above hop ctx.HopIndex fills the SPF
// result when the Authentication-Results fields have none. ok is false when
// no usable result was found.
func (t Trust) Results(h message.Header, hops []Hop, ctx Context) (res auth.Results, ok bool) {
	if ctx.HopIndex < 0 || ctx.HopIndex >= len(hops) {
		return auth.Results{}, false
	}
	pos := receivedPositions(h, ctx.HopIndex+2)
	// Fields above strict were written on the trusted side; fields above
	// loose were written on the trusted side or by the untrusted client.
	strict, loose := len(h.Fields), len(h.Fields)
	if ctx.HopIndex < len(pos) {
		strict = pos[ctx.HopIndex]
	}
	if ctx.HopIndex+1 < len(pos) {
		loose = pos[ctx.HopIndex+1]
	}

	byHost := hops[ctx.HopIndex].By
	type usable struct {
		id  string
		mrs []MethodResult
	}
	var found []usable
	var spfFallback *MethodResult
	spfEnvelopeDomain := ""
	for i, f := range h.Fields[:loose] {
		switch {
		case strings.EqualFold(f.Name, "Authentication-Results"):
			id, mrs, err := ParseAuthResults(valueOrRaw(f))
			if err != nil {
				continue
			}
			if id == "" {
				if !t.NoAuthServID || i >= strict {
					continue
				}
			} else if !matchName(t.AuthServIDs, id) || i >= strict && !strings.EqualFold(id, byHost) {
				continue
			}
			found = append(found, usable{id, mrs})
		case strings.EqualFold(f.Name, "Received-SPF") && i < strict && spfFallback == nil:
			if r, dom, ok := parseReceivedSPF(valueOrRaw(f)); ok {
				spfFallback, spfEnvelopeDomain = &r, dom
			}
		}
	}
	if len(found) > 0 {
		chosen := found[len(found)-1].id
		res.Source = "header:" + sourceName(chosen)
		for _, u := range found {
			if strings.EqualFold(u.id, chosen) {
				merge(&res, u.mrs)
			}
		}
	}
	if res.SPF == "" && spfFallback != nil {
		res.SPF = auth.Norm(spfFallback.Result)
		if res.SPFDomain == "" {
			res.SPFDomain = spfEnvelopeDomain
		}
		if res.Source == "" {
			res.Source = "header:received-spf"
		}
	}
	return res, res.Known()
}

// receivedPositions returns the field index of each of the first n Received fields.
func receivedPositions(h message.Header, n int) []int {
	pos := make([]int, 0, n)
	for i, f := range h.Fields {
		if len(pos) == n {
			break
		}
		if strings.EqualFold(f.Name, "Received") {
			pos = append(pos, i)
		}
	}
	return pos
}

func sourceName(id string) string {
	if id == "" {
		return "none"
	}
	return strings.ToLower(id)
}

// valueOrRaw prefers the decoded value: a few senders (and Microsoft 365
// once) wrote Authentication-Results as an RFC 2047 encoded-word.
func valueOrRaw(f message.Field) string {
	if f.Value != "" {
		return f.Value
	}
	return f.Raw
}

// merge adds method results to r; a method already set by a newer field is
// kept, DKIM results accumulate.
func merge(r *auth.Results, mrs []MethodResult) {
	for _, m := range mrs {
		switch m.Method {
		case "spf":
			mailfrom, hasMailfrom := m.Props["smtp.mailfrom"]
			if _, hasHelo := m.Props["smtp.helo"]; hasHelo && !hasMailfrom {
				if r.HELOSPF == "" {
					r.HELOSPF = auth.Norm(m.Result)
				}
				continue
			}
			if r.SPF == "" {
				r.SPF = auth.Norm(m.Result)
				r.SPFDomain = domainOf(mailfrom)
			}
		case "dkim":
			d := auth.DKIMResult{
				Domain:   m.Props["header.d"],
				Selector: m.Props["header.s"],
				Result:   auth.Norm(m.Result),
				Reason:   m.Reason,
			}
			if d.Domain == "" {
				d.Domain = domainOf(m.Props["header.i"])
			}
			if len(r.DKIM) < maxMethods {
				r.DKIM = append(r.DKIM, d)
			}
		case "dmarc":
			if r.DMARC == "" {
				r.DMARC = auth.Norm(m.Result)
				r.DMARCDomain = domainOf(m.Props["header.from"])
				r.DMARCPolicy = dmarcPolicy(m)
			}
		case "arc":
			if r.ARC == "" {
				r.ARC = auth.Norm(m.Result)
			}
		}
	}
}

// dmarcPolicy finds the published policy in what real headers carry:
// "policy.dmarc=reject" (RFC 8601 registry), "policy.published-domain-policy"
// (OpenDMARC), a "(p=reject dis=none)" or "(policy=none)" comment (OpenDMARC,
// rspamd, Google, Microsoft's ARC results), and Microsoft 365's action=
// (none, quarantine, reject, oreject for an overridden reject, pct.quarantine)
// which tells the policy only when DMARC failed.
func dmarcPolicy(m MethodResult) string {
	for _, k := range [...]string{"policy.dmarc", "policy.published-domain-policy", "policy.policy"} {
		if p := normPolicy(m.Props[k]); p != "" {
			return p
		}
	}
	for w := range strings.FieldsSeq(m.Comment) {
		k, v, ok := strings.Cut(w, "=")
		if ok && (strings.EqualFold(k, "p") || strings.EqualFold(k, "policy")) {
			if p := normPolicy(v); p != "" {
				return p
			}
		}
	}
	if a, ok := m.Props["action"]; ok && m.Result == "fail" {
		return normPolicy(a)
	}
	return ""
}

func normPolicy(s string) string {
	s = strings.ToLower(strings.Trim(s, `"'.,;`))
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "reject"):
		return "reject"
	case strings.Contains(s, "quarantine"):
		return "quarantine"
	case s == "none":
		return "none"
	}
	return ""
}

// domainOf returns the domain of "user@domain", "<user@domain>", "@domain"
// or "domain", lower-cased.
func domainOf(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "<>\"")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// parseReceivedSPF reads an RFC 7208 §9.1 Received-SPF value:
// "Pass (comment) receiver=...; client-ip=...; envelope-from=...; helo=...".
func parseReceivedSPF(v string) (MethodResult, string, bool) {
	v = strings.TrimSpace(v)
	word, rest, _ := strings.Cut(v, " ")
	r := auth.Norm(word)
	switch r {
	case auth.Pass, auth.Fail, auth.SoftFail, auth.Neutral, auth.None, auth.TempError, auth.PermError:
	default:
		return MethodResult{}, "", false
	}
	dom := ""
	for _, kv := range strings.Split(stripComments(rest), ";") {
		for w := range strings.FieldsSeq(kv) {
			k, val, ok := strings.Cut(w, "=")
			if ok && strings.EqualFold(k, "envelope-from") {
				dom = domainOf(val)
			}
		}
	}
	return MethodResult{Method: "spf", Result: string(r)}, dom, true
}

// ARCResults returns the results recorded in the newest
// ARC-Authentication-Results field (RFC 8617 §4.1.1) whose authserv-id is
// trusted: a mailing list that seals what it saw keeps the author's results
// there. Only the structure is checked (instance tag, one field per instance,
// a matching ARC-Seal); the signatures are verified by package auth. ARC is
// the chain validation the sealer recorded (its arc= result, or the cv= of
// its ARC-Seal), ARCSealers the d= of every ARC-Seal, newest first. The
// Source is "arc:<authserv-id>".
func (t Trust) ARCResults(h message.Header) (auth.Results, bool) {
	type set struct {
		aar, seal int // counts
		aarValue  string
		cv, d     string
	}
	sets := map[int]*set{}
	get := func(i int) *set {
		if sets[i] == nil {
			sets[i] = &set{}
		}
		return sets[i]
	}
	var sealers []string
	for _, f := range h.Fields {
		isAAR := strings.EqualFold(f.Name, "ARC-Authentication-Results")
		isSeal := strings.EqualFold(f.Name, "ARC-Seal")
		if !isAAR && !isSeal {
			continue
		}
		v := valueOrRaw(f)
		inst, rest, ok := arcInstance(v)
		if !ok || len(sets) > 50 {
			continue
		}
		s := get(inst)
		if isAAR {
			s.aar++
			s.aarValue = rest
			continue
		}
		s.seal++
		s.cv, s.d = tagValue(v, "cv"), tagValue(v, "d")
		if s.d != "" && len(sealers) < 50 {
			sealers = append(sealers, strings.ToLower(s.d))
		}
	}
	best := 0
	for i, s := range sets {
		if i > best && s.aar == 1 && s.seal == 1 {
			if id, _, err := ParseAuthResults(s.aarValue); err == nil && id != "" && matchName(t.AuthServIDs, id) {
				best = i
			}
		}
	}
	if best == 0 {
		return auth.Results{}, false
	}
	s := sets[best]
	id, mrs, _ := ParseAuthResults(s.aarValue)
	res := auth.Results{Source: "arc:" + strings.ToLower(id)}
	merge(&res, mrs)
	if res.ARC == "" && s.cv != "" {
		res.ARC = auth.Norm(s.cv)
	}
	res.ARCSealers = sealers
	return res, res.Known()
}

// arcInstance reads the leading "i=N;" of an ARC field (RFC 8617 §4.2.1) and
// returns N (1..50) and the rest of the value.
func arcInstance(v string) (int, string, bool) {
	v = strings.TrimLeft(v, " \t")
	if !strings.HasPrefix(v, "i") && !strings.HasPrefix(v, "I") {
		// ARC-Seal may list tags in any order.
		n, err := strconv.Atoi(tagValue(v, "i"))
		return n, v, err == nil && n >= 1 && n <= 50
	}
	tag, rest, ok := strings.Cut(v, ";")
	if !ok {
		return 0, "", false
	}
	k, num, ok := strings.Cut(tag, "=")
	if !ok || strings.TrimSpace(k) != "i" && strings.TrimSpace(k) != "I" {
		return 0, "", false
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || n < 1 || n > 50 {
		return 0, "", false
	}
	return n, rest, true
}

// tagValue returns the value of tag name in a "k=v; k=v" tag list (RFC 6376 §3.2).
func tagValue(v, name string) string {
	for part := range strings.SplitSeq(v, ";") {
		k, val, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.Join(strings.Fields(val), "")
		}
	}
	return ""
}
