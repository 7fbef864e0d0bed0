package invoice

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed payroll.yaml
var defaultPayroll []byte

// PayrollPhrase is one payroll-diversion phrase: what it says (Kind
// "pay", "bank" or "both") and where it comes from.
type PayrollPhrase struct {
	Text, Kind, Source string
}

// payrollKinds are the phrase kinds of payroll.yaml, as bits: a request
// needs payBit and bankBit together.
var payrollKinds = map[string]uint8{"pay": payBit, "bank": bankBit, "both": payBit | bankBit, "data": dataBit, "ledger": dataBit}

const (
	payBit uint8 = 1 << iota
	bankBit
	dataBit
)

// PayrollPhrases parses payroll.yaml: sources described, then per kind
// phrases grouped by source.
func PayrollPhrases(data []byte) ([]PayrollPhrase, error) {
	var raw map[string]map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("invoice: payroll phrases: %w", err)
	}
	var out []PayrollPhrase
	kinds := make([]string, 0, len(payrollKinds))
	for k := range payrollKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for section := range raw {
		if section != "sources" && payrollKinds[section] == 0 {
			return nil, fmt.Errorf("invoice: payroll phrases: unknown section %q", section)
		}
	}
	for _, kind := range kinds {
		srcs := make([]string, 0, len(raw[kind]))
		for src := range raw[kind] {
			srcs = append(srcs, src)
		}
		sort.Strings(srcs)
		for _, src := range srcs {
			if d, _ := raw["sources"][src].(string); d == "" {
				return nil, fmt.Errorf("invoice: payroll phrases: source %q is not described", src)
			}
			list, ok := raw[kind][src].([]any)
			if !ok {
				return nil, fmt.Errorf("invoice: payroll phrases: %s/%s is not a list", kind, src)
			}
			for _, p := range list {
				s, _ := p.(string)
				if n := len(strings.Fields(s)); n == 0 || n > textmatch.MaxWords {
					return nil, fmt.Errorf("invoice: payroll phrase %q: %d words, 1 to %d", s, n, textmatch.MaxWords)
				}
				out = append(out, PayrollPhrase{Text: s, Kind: kind, Source: src})
			}
		}
	}
	return out, nil
}

// PayrollEntries returns the payroll phrases, for the provenance test.
func (c *Check) PayrollEntries() []PayrollPhrase { return c.payEntries }

// payrollWords is how much of each text PayrollRequest reads: the
// request is a few lines (IC3's examples, the fiche's), and a long message
// (a newsletter, a thread) is not read to its end for it.
const payrollWords = 400

// PayrollRequest returns the phrases of a payroll-diversion request the
// message's subject or text carries — the writer's own pay and a new bank,
// or one phrase saying both — or nil.
func (c *Check) PayrollRequest(in *scan.Input) []int {
	var seen uint8
	var found []int
	for _, s := range []string{in.Msg.Subject, in.Msg.Text, in.Msg.HTMLText} {
		c.payroll.FindAfter(s, payrollWords, func(i int, before uint64) bool {
			if textmatch.NoneOf(before) {
				return true
			}
			k := payrollKinds[c.payEntries[i].Kind]
			if k == dataBit {
				return true
			}
			if seen&k != k {
				seen |= k
				found = append(found, i)
			}
			return seen != payBit|bankBit
		})
		if seen == payBit|bankBit {
			return found
		}
	}
	return nil
}

// payrollDiversion raises PAYROLL_DIVERSION_REQUEST: a writer asking for
// his own salary to be paid into a new bank account, from a free mailbox
// outside the reader's organisation, or from the organisation's own
// address asking for the answer outside it (Reply-To). The employee who
// changes banks writes from his work mailbox, or enters the account in
// the HR portal (the payroll department's own procedure); the phisher
// writes in his name from a free mailbox or forges his work address with
// a Reply-To of his own — FBI IC3 I-091818-PSA, Cybermalveillance.gouv.fr's
// fraud through a change of bank details (payroll.yaml). A work mailbox
// of another organisation is not judged: a GHT's support hospital pays
// the member hospitals' staff, who write from their own hospital's
// domain (testdata/rhfraude/genuine of the engine). The organisation is
// the configured one, else the recipients' domains
// (scan.Input.RecipientOrgs).
func (c *Check) payrollDiversion(in *scan.Input, out *scan.Emitter) {
	if in.FromOrg == "" {
		return
	}
	inside := c.insideOrg(in)
	if inside == nil {
		return
	}
	where := ""
	if !inside(in.FromDomain) {
		if c.free(in.FromDomain) {
			where = in.FromOrg
		}
	} else {
		// A Reply-To without a domain (a display name alone, "<>", a
		// local part) sends no answer outside.
		for _, r := range in.Msg.ReplyTo {
			if r.Domain() != "" && !inside(r.Domain()) {
				where = "réponses vers " + r.Domain()
				break
			}
		}
	}
	if where == "" {
		return
	}
	found := c.PayrollRequest(in)
	if found == nil {
		return
	}
	said := make([]string, len(found))
	for i, f := range found {
		said[i] = "« " + c.payEntries[f].Text + " »"
	}
	out.Emit("PAYROLL_DIVERSION_REQUEST", strings.Join(said, ", ")+", "+where)
}

// insideOrg returns the test of a domain being the organisation's: the
// configured domains (Options.OrgDomains), else the recipients'; nil when
// neither is known.
func (c *Check) insideOrg(in *scan.Input) func(domain string) bool {
	orgs := c.org
	if len(orgs) == 0 {
		orgs = in.RecipientOrgs()
	}
	if len(orgs) == 0 {
		return nil
	}
	return func(d string) bool {
		return slices.ContainsFunc(orgs, func(o string) bool { return urlx.InDomain(d, o) })
	}
}

// free reports a free mailbox provider's domain (Options.Freemail), as
// message.Address.Domain and scan.Input.FromDomain give it: lower-cased.
func (c *Check) free(domain string) bool {
	return c.freemail != nil && c.freemail(domain)
}

// DataRequest returns the employee-records phrase (payroll.yaml's "data"
// or "ledger") the message's subject or text carries, or -1.
func (c *Check) DataRequest(in *scan.Input) int {
	return firstPhrase(c.payroll, in, payrollWords, func(i int) bool { return payrollKinds[c.payEntries[i].Kind] == dataBit })
}

// employeeData raises EMPLOYEE_DATA_REQUEST: the employees' W-2s, payroll
// journal, salary statement or staff file asked for (payroll.yaml's
// "data", the IRS's W-2 alerts) by the forged executive of the W-2 scam,
// who writes from a personal address — asking every employee's W-2 or
// personal file ("data"), or a payroll ledger ("ledger": the journal de
// paie, the état des salaires, which an accountant asks too) with the
// confidential first contact of CEO fraud (LURE_BEC_OPENER, which the
// lure family, earlier in the pipeline, emitted) —, or forges the organisation's address (or writes
// from any) and reads the answer on a free mailbox or outside the
// organisation. The payroll provider, the accountant or the auditor asking
// for the same records writes from its own domain — a small practice from
// its ISP's mailbox (orange.fr, wanadoo.fr) — and is answered there or on
// its help desk (a payroll software's support on Zendesk: Reply-To
// <vendor>.zendesk.com; engine testdata/rhfraude/genuine).
func (c *Check) employeeData(in *scan.Input, out *scan.Emitter) {
	if in.FromOrg == "" {
		return
	}
	fromFree := c.free(in.FromDomain)
	where := ""
	if fromFree {
		where = in.FromOrg
	} else if len(in.Msg.ReplyTo) > 0 {
		inside := c.insideOrg(in)
		fromInside := inside != nil && inside(in.FromDomain)
		for _, r := range in.Msg.ReplyTo {
			d := urlx.Registrable(r.Domain())
			if d == "" || d == in.FromOrg {
				continue
			}
			if c.free(r.Domain()) || fromInside && !inside(r.Domain()) {
				where = "réponses vers " + d
				break
			}
		}
	}
	if where == "" {
		return
	}
	var i int
	if fromFree && !out.Emitted("LURE_BEC_OPENER") {
		i = firstPhrase(c.payroll, in, payrollWords, func(i int) bool { return c.payEntries[i].Kind == "data" })
	} else {
		i = c.DataRequest(in)
	}
	if i >= 0 {
		out.Emit("EMPLOYEE_DATA_REQUEST", "« "+c.payEntries[i].Text+" », "+where)
	}
}
