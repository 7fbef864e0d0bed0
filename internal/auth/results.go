// Package auth computes and represents the sender-authentication results of a
// message: SPF (RFC 7208), DKIM (RFC 6376, RFC 8463), DMARC (RFC 7489) and ARC
// (RFC 8617), verified live through a dnsx.Resolver (Checker). It is also the
// one reader and writer of recorded results: Authentication-Results (RFC
// 8601: ParseAuthResults, Results.Merge, FormatAuthResults), Received-SPF,
// and a trusted sealer's ARC-Authentication-Results (ARCResults). Which
// recorded fields to believe is package received's trust walk; which source
// a scan uses is package authsource's.
package auth

import "strings"

// Result is an RFC 8601 method result: "pass", "fail", "softfail", "neutral",
// "none", "temperror", "permerror", "policy", or a vendor extension such as
// Microsoft's "bestguesspass". The empty Result means the method was not run.
type Result string

const (
	None      Result = "none"
	Pass      Result = "pass"
	Fail      Result = "fail"
	SoftFail  Result = "softfail"
	Neutral   Result = "neutral"
	TempError Result = "temperror"
	PermError Result = "permerror"
	Policy    Result = "policy"
)

// Norm lower-cases a result word as found in a header.
func Norm(s string) Result { return Result(strings.ToLower(strings.TrimSpace(s))) }

// DKIMResult is the outcome for one DKIM-Signature.
type DKIMResult struct {
	Domain   string // d=
	Selector string // s=
	Result   Result
	Reason   string
}

// Results gathers what is known about a message's authentication.
type Results struct {
	// Source says where the results come from: "dns" when computed here,
	// "header:<authserv-id>" when read from a trusted relay's header,
	// "arc:<sealer>" when read from a trusted ARC-Authentication-Results.
	Source string

	SPF        Result // MAIL FROM identity (or HELO when MAIL FROM is empty)
	SPFDomain  string // smtp.mailfrom domain evaluated
	HELOSPF    Result // HELO identity, when evaluated
	HELODomain string // smtp.helo domain evaluated

	DKIM []DKIMResult

	DMARC       Result // pass, fail, none, temperror, permerror, bestguesspass...
	DMARCPolicy string // the published policy applied: "reject", "quarantine", "none" ("" unknown)
	DMARCDomain string // RFC5322.From domain evaluated

	ARC        Result // chain validation status (cv of the newest set): pass, fail, none; temperror when a seal key could not be fetched
	ARCSealers []string
	// ARCVouched is the trusted sealer (a forwarder or list the site
	// trusts) whose ARC-Authentication-Results say the message passed
	// DMARC for the message's From domain when it received it, in a chain
	// verified here in which it sealed last; "" when none does.
	// It explains a DMARC failure here by that intermediary's changes.
	ARCVouched string
	// ARCAuthor are the domains a trusted sealer's ARC results record as
	// authenticating the message when it received it — the From domain
	// whose DMARC passed, and each domain whose DKIM signature passed —
	// in a chain the receiving side verified (arc=pass); ARCAuthorSealer
	// is that sealer. A list that rewrote From to its own address (RFC
	// 7960 §4.1.3) recorded there that the author's domain answered for
	// what it received. Empty when no trusted sealer says so.
	ARCAuthor       []string
	ARCAuthorSealer string
}

// DKIMPass returns the domains with a passing DKIM signature.
func (r Results) DKIMPass() []string {
	var out []string
	for _, d := range r.DKIM {
		if d.Result == Pass {
			out = append(out, strings.ToLower(d.Domain))
		}
	}
	return out
}

// Known reports whether any authentication result is present.
func (r Results) Known() bool {
	return r.SPF != "" || len(r.DKIM) > 0 || r.DMARC != "" || r.ARC != ""
}

// EnvelopeSPF is the SPF result that speaks for the envelope: the MAIL
// FROM identity's, or, for the null reverse path of bounces and
// auto-replies (nullSender), the HELO identity's, which is what SPF
// checks then (RFC 7208 §2.4: postmaster@ the HELO name). A receiver that
// wrote only smtp.helo for a bounce said the sender passed.
func (r Results) EnvelopeSPF(nullSender bool) (Result, string) {
	if r.SPF == "" && r.HELOSPF != "" && nullSender {
		return r.HELOSPF, r.HELODomain
	}
	return r.SPF, r.SPFDomain
}
