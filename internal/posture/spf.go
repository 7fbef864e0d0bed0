package posture

import (
	"context"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/dnsx"
)

// spfLookupLimit is the cap on DNS-querying terms of RFC 7208 §4.6.4, and
// spfVoidLimit the cap on lookups that return nothing.
const (
	spfLookupLimit = 10
	spfVoidLimit   = 2
)

// spfRecords keeps the TXT strings that are SPF records (RFC 7208 §4.5).
func spfRecords(txts []string) []string {
	var out []string
	for _, t := range txts {
		if l := strings.ToLower(t); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
			out = append(out, t)
		}
	}
	return out
}

// checkSPF reads the domain's SPF record: presence and uniqueness, syntax,
// the final "all", and the DNS lookups an evaluation costs, includes and
// redirects followed (§4.6.4).
func (a *auditor) checkSPF(ctx context.Context, domain string) {
	txts, err := a.opt.Resolver.LookupTXT(ctx, domain)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "SPF", err)
		return
	}
	recs := spfRecords(txts)
	switch len(recs) {
	case 0:
		a.find("SPF_NONE", domain, "no v=spf1 TXT record")
		return
	case 1:
	default:
		a.find("SPF_MULTIPLE", domain, "%d records", len(recs))
		return
	}
	a.fact(domain, "SPF", "%s", recs[0])
	w := &spfWalk{a: a, ctx: ctx, seen: map[string]bool{}}
	all := w.walk(domain, recs[0], 0)
	if w.syntax != "" {
		a.find("SPF_SYNTAX", domain, "%s", w.syntax)
		return
	}
	switch all {
	case "+":
		a.find("SPF_PLUS_ALL", domain, "+all")
	case "?", "":
		a.find("SPF_NEUTRAL_ALL", domain, "final term: %q", all+"all")
	case "~":
		a.find("SPF_SOFTFAIL", domain, "~all")
	}
	a.fact(domain, "SPF lookups", "%d of %d", w.lookups, spfLookupLimit)
	if w.lookups > spfLookupLimit {
		a.find("SPF_TOO_MANY_LOOKUPS", domain, "%d DNS-querying terms (limit %d)", w.lookups, spfLookupLimit)
	}
	if w.voids > spfVoidLimit {
		a.find("SPF_VOID_LOOKUPS", domain, "%d lookups returned nothing: %s", w.voids, strings.Join(w.voidNames, ", "))
	}
	if w.ptr {
		a.find("SPF_PTR", domain, "ptr mechanism")
	}
}

// spfWalk follows a record's includes and redirect, counting lookups.
type spfWalk struct {
	a         *auditor
	ctx       context.Context
	seen      map[string]bool
	lookups   int
	voids     int
	voidNames []string
	ptr       bool
	syntax    string
}

// walk returns the qualifier of the record's effective "all" ("+", "-",
// "~", "?", or "" when there is none).
func (w *spfWalk) walk(domain, rec string, depth int) string {
	if err := auth.CheckSPFRecord(rec); err != nil && w.syntax == "" {
		w.syntax = domain + ": " + err.Error()
		return ""
	}
	all, redirect := "", ""
	for _, term := range strings.Fields(rec)[1:] {
		lt := strings.ToLower(term)
		if name, val, ok := strings.Cut(lt, "="); ok && !strings.ContainsAny(name, ":/") {
			if name == "redirect" {
				redirect = val
			}
			continue
		}
		q := "+"
		if strings.IndexByte("+-~?", lt[0]) >= 0 {
			q, lt = lt[:1], lt[1:]
		}
		mech, arg, _ := strings.Cut(lt, ":")
		mech, _, _ = strings.Cut(mech, "/")
		switch mech {
		case "all":
			all = q
		case "include":
			w.lookups++
			w.follow(arg, depth, true)
		case "a", "mx":
			w.lookups++
			target := domain
			if arg != "" {
				target, _, _ = strings.Cut(arg, "/")
			}
			w.void(target, mech)
		case "ptr":
			w.lookups++
			w.ptr = true
		case "exists":
			w.lookups++
		}
	}
	if redirect != "" && all == "" {
		// §6.1: redirect applies only when no "all" matched.
		w.lookups++
		return w.follow(redirect, depth, false)
	}
	return all
}

// follow fetches and walks the SPF record of an include or redirect
// target; a target without record is a void lookup (and a permerror).
func (w *spfWalk) follow(target string, depth int, include bool) string {
	if strings.Contains(target, "%") || depth >= spfLookupLimit || w.seen[target] {
		return "" // macros cannot be expanded without a message; loops stop
	}
	w.seen[target] = true
	txts, err := w.a.opt.Resolver.LookupTXT(w.ctx, target)
	recs := spfRecords(txts)
	if err != nil && !dnsx.IsNotFound(err) {
		w.a.failed(target, "SPF include/redirect", err)
		return ""
	}
	if len(recs) != 1 {
		w.voids++
		w.voidNames = append(w.voidNames, target)
		if w.syntax == "" {
			w.syntax = target + ": include/redirect target has " + map[bool]string{true: "no", false: "several"}[len(recs) == 0] + " SPF record"
		}
		return ""
	}
	all := w.walk(target, recs[0], depth+1)
	if include {
		return ""
	}
	return all
}

// void counts an a/mx target that returns no record (§4.6.4).
func (w *spfWalk) void(target, mech string) {
	if strings.Contains(target, "%") {
		return
	}
	var err error
	if mech == "mx" {
		var mxs []string
		recs, e := w.a.opt.Resolver.LookupMX(w.ctx, target)
		for _, r := range recs {
			mxs = append(mxs, r.Host)
		}
		err = e
		if e == nil && len(mxs) == 0 {
			err = &dnsx.Error{Name: target, Type: "MX", Kind: dnsx.KindNoData}
		}
	} else {
		_, err = w.a.opt.Resolver.LookupIP(w.ctx, target)
	}
	if dnsx.IsNotFound(err) {
		w.voids++
		w.voidNames = append(w.voidNames, mech+":"+target)
	}
}
