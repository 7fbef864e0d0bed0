// Package authn turns SPF, DKIM, DMARC and ARC results into signals: failures
// raise the score, an aligned pass lowers it, and a temporary DNS failure
// never counts against the sender (RFC 7489 §6.6.3 leaves such mail alone).
package authn

import (
	"context"
	_ "embed"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("authn", signals)

// Signals implements scan.Family.
func (Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c Check) Checks() []scan.Check { return []scan.Check{c} }

// Check is the authentication check family.
type Check struct {
	// Young, when set, reports a registrable domain registered days ago
	// (links.Check.Young: the newly-registered list, the registry): a
	// mailing list on such a domain spares no DMARC failure.
	Young func(ctx context.Context, domain string) bool
}

// Name implements scan.Check.
func (Check) Name() string { return "authn" }

// Check implements scan.Check.
func (c Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	r := in.Auth
	if !r.Known() {
		out.Emit("AUTH_RESULTS_UNKNOWN", "")
		return
	}
	if r.DMARC == auth.Pass {
		// The visible sender is authenticated: an SPF failure on the way
		// (a forwarder, a list) or a broken ARC chain says nothing more.
		out.Emit("AUTH_DMARC_PASS", r.DMARCDomain)
		return
	}
	spf, spfDomain := r.EnvelopeSPF(in.Env.MailFrom == scan.NullSender)
	if spfDomain == "" {
		// The relay's result named no domain: the envelope's is the one
		// it was about, for the detail.
		spfDomain = in.MailFromDomain
	}
	// A domain without a DMARC record whose own DKIM signature passed
	// (aligned with From, scan.Input.SenderAuthenticated) has answered
	// for the message as DMARC would have counted it (RFC 7489 §4.2:
	// one aligned pass suffices); an SPF failure beside it is the path's
	// — a forwarder or a list resending from its own servers (RFC 7208
	// Appendix D) — as it is under a DMARC pass above. No training
	// phishing message had both.
	signedByFrom := (r.DMARC == auth.None || r.DMARC == "" || r.DMARC == "bestguesspass") && in.SenderAuthenticated()
	switch spf {
	case auth.Fail:
		if !signedByFrom {
			out.Emit("AUTH_SPF_FAIL", spfDomain)
		}
	case auth.SoftFail:
		out.Emit("AUTH_SPF_SOFTFAIL", spfDomain)
	case auth.None, "":
		out.Emit("AUTH_SPF_NONE", spfDomain)
	case auth.PermError:
		out.Emit("AUTH_SPF_PERMERROR", spfDomain)
	case auth.TempError:
		out.Emit("AUTH_TEMPERROR", "spf")
	}

	dkimPass, dkimFail := false, false
	for _, d := range r.DKIM {
		switch d.Result {
		case auth.Pass:
			dkimPass = true
		case auth.Fail, auth.PermError:
			dkimFail = true
		case auth.TempError:
			out.Emit("AUTH_TEMPERROR", "dkim")
		}
	}
	switch {
	case dkimFail && !dkimPass:
		out.Emit("AUTH_DKIM_FAIL", dkimDomains(r, auth.Fail))
	case !dkimPass:
		out.Emit("AUTH_DKIM_NONE", dkimUnverified(r))
	}

	dmarc := r.DMARC
	// Microsoft writes "bestguesspass" when the domain publishes no DMARC
	// record but SPF or DKIM aligned: as good as a pass without policy.
	switch {
	case dmarc == auth.Pass:
		out.Emit("AUTH_DMARC_PASS", r.DMARCDomain)
	case dmarc == "bestguesspass":
		out.Emit("AUTH_DMARC_NONE", in.FromDomain)
		// DMARC neither passed nor failed here, so this is the aligned SPF
		// or DKIM pass DMARC would have checked.
		if in.SenderAuthenticated() {
			out.Emit("AUTH_ALIGNED_PASS", in.FromDomain)
		}
	case dmarc == auth.Fail && r.ARCVouched != "":
		// A forwarder the site trusts saw DMARC pass before changing the
		// message, and its ARC chain verified here (RFC 8617 §7.2).
		out.Emit("AUTH_DMARC_FAIL_LIST", in.FromDomain+" via "+r.ARCVouched)
	case dmarc == auth.Fail && in.ListAuthenticated() && in.ListManaged() && !strictPolicy(r.DMARCPolicy) &&
		(c.Young == nil || !c.Young(ctx, in.List)):
		// A list whose own domain is authenticated rewrote the message
		// (subject tag, footer) and broke the signature of an author
		// whose domain asks for nothing: the usual fate of list mail,
		// not a forgery (RFC 7960 §3.2.3). For p=quarantine and p=reject
		// authors, list software rewrites From to its own domain
		// (Mailman, Sympa, LISTSERV, Google Groups, groups.io; RFC 7960
		// §4.1.3), so an author's From that still fails is explained
		// only by a trusted sealer above: anyone can add List-Id to a
		// message from a domain of their own, and a List-Id alone is
		// what any bulk sender writes (scan.Input.ListManaged). A list on
		// a domain registered days ago is the phisher's: three header
		// fields and an SPF record on a domain of his turn any p=none
		// From into list mail, while a list's host is years old — most
		// phishing domains are used within days of registration
		// (Interisle Consulting, Phishing Landscape 2020;
		// TestYoungListSparesNoForgedFrom).
		out.Emit("AUTH_DMARC_FAIL_LIST", in.FromDomain+" via "+in.List)
	case dmarc == auth.Fail:
		switch strings.ToLower(r.DMARCPolicy) {
		case "reject":
			out.Emit("AUTH_DMARC_FAIL_REJECT", in.FromDomain)
		case "quarantine":
			out.Emit("AUTH_DMARC_FAIL_QUARANTINE", in.FromDomain)
		default:
			out.Emit("AUTH_DMARC_FAIL", in.FromDomain)
		}
	case dmarc == auth.None || dmarc == "":
		out.Emit("AUTH_DMARC_NONE", in.FromDomain)
		// DMARC neither passed nor failed here, so this is the aligned SPF
		// or DKIM pass DMARC would have checked.
		if in.SenderAuthenticated() {
			out.Emit("AUTH_ALIGNED_PASS", in.FromDomain)
		}
	case dmarc == auth.PermError:
		out.Emit("AUTH_DMARC_PERMERROR", in.FromDomain)
	case dmarc == auth.TempError:
		out.Emit("AUTH_TEMPERROR", "dmarc")
	}
	if r.ARC == auth.Fail {
		out.Emit("AUTH_ARC_FAIL", strings.Join(r.ARCSealers, ","))
	}
}

// strictPolicy reports a DMARC policy that asks receivers to act on a
// failure (RFC 7489 §6.3).
func strictPolicy(p string) bool {
	p = strings.ToLower(p)
	return p == "reject" || p == "quarantine"
}

// dkimUnverified names the signatures that were found but not verified,
// with their result ("timeout kernel.org"), for AUTH_DKIM_NONE's detail:
// "" when the relay found none (dkim=none, written without a domain).
func dkimUnverified(r auth.Results) string {
	var ds []string
	for _, d := range r.DKIM {
		if d.Domain != "" && d.Domain != "none" && d.Result != "" {
			ds = append(ds, string(d.Result)+" "+d.Domain)
		}
	}
	return strings.Join(ds, ", ")
}

func dkimDomains(r auth.Results, res auth.Result) string {
	var ds []string
	for _, d := range r.DKIM {
		if d.Result == res && d.Domain != "" {
			ds = append(ds, d.Domain)
		}
	}
	return strings.Join(ds, ",")
}
