package received

import (
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
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
		mrs []auth.MethodResult
	}
	var found []usable
	var spfFallback *auth.MethodResult
	spfEnvelopeDomain := ""
	for i, f := range h.Fields[:loose] {
		switch {
		case strings.EqualFold(f.Name, "Authentication-Results"):
			id, mrs, err := auth.ParseAuthResults(valueOrRaw(f))
			if err != nil {
				continue
			}
			if id == "" {
				if !t.NoAuthServID || i >= strict {
					continue
				}
			} else if !urlx.MatchName(t.AuthServIDs, id) || i >= strict && !strings.EqualFold(id, byHost) {
				continue
			}
			found = append(found, usable{id, mrs})
		case strings.EqualFold(f.Name, "Received-SPF") && i < strict && spfFallback == nil:
			if r, dom, ok := auth.ParseReceivedSPF(valueOrRaw(f)); ok {
				spfFallback, spfEnvelopeDomain = &r, dom
			}
		}
	}
	if len(found) > 0 {
		chosen := found[len(found)-1].id
		res.Source = "header:" + sourceName(chosen)
		for _, u := range found {
			if strings.EqualFold(u.id, chosen) {
				res.Merge(u.mrs)
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
