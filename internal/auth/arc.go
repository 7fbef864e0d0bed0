package auth

import (
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

// maxARCInstances is the highest instance allowed (RFC 8617 §4.2.1).
const maxARCInstances = 50

const (
	hdrARCSeal = "ARC-Seal"
	hdrARCMsg  = "ARC-Message-Signature"
	hdrARCAR   = "ARC-Authentication-Results"
)

// hfield is a header field as the ARC code needs it: the value, and the raw
// text when the message bytes are known (for cryptographic checks).
type hfield struct {
	name  string
	value string
	text  string // "" when only a parsed header is available
}

// arcSet is one ARC instance: its three fields (RFC 8617 §4.1).
type arcSet struct {
	instance   int
	seal, ams  *hfield
	aar        *hfield
	sealTags   map[string]string
	amsTags    map[string]string
	aarPayload string // the Authentication-Results value after "i=N;"
}

// arcChain is the structure of a message's ARC sets, newest last.
type arcChain struct {
	sets   []*arcSet // sets[k].instance == k+1 when complete
	result Result    // None (no ARC field), Fail (broken), Pass (structurally sound)
	reason string
	// complete: every set parsed and complete, instances 1..N; result may
	// still be Fail because of the cv values.
	complete bool
}

// sealers returns the d= of each ARC-Seal, oldest first.
func (c arcChain) sealers() []string {
	var out []string
	for _, s := range c.sets {
		if s != nil && s.sealTags != nil {
			out = append(out, strings.ToLower(strings.Trim(s.sealTags["d"], fws)))
		}
	}
	return out
}

func (c arcChain) newest() *arcSet {
	if len(c.sets) == 0 {
		return nil
	}
	return c.sets[len(c.sets)-1]
}

// parseARCChain collects the ARC sets of fields and validates their
// structure (RFC 8617 §5.2 steps 1 and 2): every set complete, instances
// 1..N without gap or repetition, cv=none at i=1 and cv=pass above, and the
// newest seal not cv=fail. It does no cryptography.
func parseARCChain(fields []hfield) arcChain {
	var ch arcChain
	byInstance := map[int]*arcSet{}
	get := func(i int) *arcSet {
		s := byInstance[i]
		if s == nil {
			s = &arcSet{instance: i}
			byInstance[i] = s
		}
		return s
	}
	fail := func(format string, args ...any) arcChain {
		ch.result = Fail
		ch.reason = fmt.Sprintf(format, args...)
		if ch.complete {
			return ch
		}
		// Keep what was understood, for reporting sealers.
		ch.sets = nil
		for i := 1; i <= maxARCInstances; i++ {
			if s, ok := byInstance[i]; ok {
				ch.sets = append(ch.sets, s)
			}
		}
		return ch
	}
	seen := false
	for k := range fields {
		f := &fields[k]
		switch {
		case strings.EqualFold(f.name, hdrARCSeal), strings.EqualFold(f.name, hdrARCMsg):
			seen = true
			tags, err := parseTagList(f.value)
			if err != nil {
				return fail("%s: %v", f.name, err)
			}
			i, err := parseInstance(tags["i"])
			if err != nil {
				return fail("%s: %v", f.name, err)
			}
			s := get(i)
			if strings.EqualFold(f.name, hdrARCSeal) {
				if s.seal != nil {
					return fail("two ARC-Seal with i=%d", i)
				}
				s.seal, s.sealTags = f, tags
			} else {
				if s.ams != nil {
					return fail("two ARC-Message-Signature with i=%d", i)
				}
				s.ams, s.amsTags = f, tags
			}
		case strings.EqualFold(f.name, hdrARCAR):
			seen = true
			i, payload, err := parseAARInstance(f.value)
			if err != nil {
				return fail("%s: %v", f.name, err)
			}
			s := get(i)
			if s.aar != nil {
				return fail("two ARC-Authentication-Results with i=%d", i)
			}
			s.aar, s.aarPayload = f, payload
		}
	}
	if !seen {
		ch.result = None
		return ch
	}
	n := len(byInstance)
	for i := 1; i <= n; i++ {
		s, ok := byInstance[i]
		if !ok {
			return fail("instances are not 1..%d", n)
		}
		if s.seal == nil || s.ams == nil || s.aar == nil {
			return fail("ARC set i=%d incomplete", i)
		}
		ch.sets = append(ch.sets, s)
	}
	ch.complete = true
	for _, s := range ch.sets {
		cv := s.sealTags["cv"]
		switch {
		case s.instance == 1 && cv != "none":
			return fail("ARC-Seal i=1 has cv=%s, want none", cv)
		case s.instance > 1 && cv != "pass":
			return fail("ARC-Seal i=%d has cv=%s, want pass", s.instance, cv)
		}
	}
	ch.result = Pass
	return ch
}

// parseAARInstance splits "i=N; authserv-id; ..." (RFC 8617 §4.1.1).
func parseAARInstance(v string) (int, string, error) {
	first, rest, ok := strings.Cut(v, ";")
	if !ok {
		return 0, "", fmt.Errorf("no ';' after the instance")
	}
	name, num, ok := strings.Cut(first, "=")
	if !ok || strings.Trim(name, fws) != "i" {
		return 0, "", fmt.Errorf("does not start with i=")
	}
	i, err := parseInstance(num)
	return i, strings.Trim(rest, fws), err
}

func headerFields(h message.Header) []hfield {
	out := make([]hfield, 0, len(h.Fields))
	for _, f := range h.Fields {
		v := f.Raw
		if v == "" {
			v = f.Value
		}
		out = append(out, hfield{name: f.Name, value: v})
	}
	return out
}

func rawHFields(fields []rawField) []hfield {
	out := make([]hfield, len(fields))
	for i, f := range fields {
		out[i] = hfield{name: f.name, value: fieldValue(f), text: f.text}
	}
	return out
}

// ARCResults returns the authentication results that the newest trusted
// sealer recorded in its ARC-Authentication-Results (RFC 8617 §4.1.1), and
// whether there are any. A trusted sealer is an ARC-Seal whose d= matches
// an entry of trustedSealers (urlx.MatchName: a name, or "*.example.com"
// for its subdomains). Source is "arc:<sealer>", ARCSealers the d= of every
// seal, oldest first.
//
// The chain must be intact from that sealer to the newest set: every set
// complete, instances 1..N, and every later seal cv=pass. The sealer's own
// cv may be "fail": it then vouched for its own results while saying the
// hops before it were broken, which is what a mailing list receiving
// already-modified mail does. ARC is what the sealer recorded (its arc=
// result, else its cv). This function does no cryptography: for a stored
// message the trace is all there is; at the door, callers must also
// require Checker.Check's Results.ARC to be Pass.
func ARCResults(h message.Header, trustedSealers []string) (Results, bool) {
	ch := parseARCChain(headerFields(h))
	if !ch.complete {
		return Results{}, false
	}
	for k := len(ch.sets) - 1; k >= 0; k-- {
		s := ch.sets[k]
		d := strings.ToLower(strings.Trim(s.sealTags["d"], fws))
		if !urlx.MatchName(trustedSealers, d) {
			if s.sealTags["cv"] != "pass" {
				return Results{}, false // broken after any trusted sealer
			}
			continue
		}
		_, mrs, _ := ParseAuthResults(s.aarPayload)
		r := Results{Source: "arc:" + d}
		r.Merge(mrs)
		if r.ARC == "" {
			// What the sealer found before it: its cv (RFC 8617 §4.1.3).
			r.ARC = Norm(s.sealTags["cv"])
		}
		r.ARCSealers = ch.sealers()
		return r, r.Known()
	}
	return Results{}, false
}
