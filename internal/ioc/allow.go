package ioc

import (
	"context"
	"net/netip"
	"strings"
)

// allowSet holds the live allow entries: values that no feed may block. It
// is small (an organisation's partners and own services), loaded whole
// when needed.
type allowSet struct {
	exact map[kindValue]bool // every kind, normalised value
	names map[string]bool    // allowed domains: the name and its subdomains
	nets  []netip.Prefix
}

type kindValue struct {
	k Kind
	v string
}

func (s *Service) loadAllow(ctx context.Context) (*allowSet, error) {
	a := &allowSet{exact: map[kindValue]bool{}, names: map[string]bool{}}
	err := s.ix.Each(ctx, RowFilter{Mode: string(Allow), Now: s.now()}, func(r *Row) error {
		a.add(Kind(r.Kind), r.Value)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (a *allowSet) add(k Kind, v string) {
	a.exact[kindValue{k, v}] = true
	switch k {
	case KindDomain:
		a.names[v] = true
	case KindIP:
		if p, ok := parseIPValue(v); ok {
			a.nets = append(a.nets, p)
		}
	}
}

func (a *allowSet) empty() bool { return len(a.exact) == 0 }

// check reports the allow entry covering value: the same value, an
// allowed domain above a name, an allowed network containing an address,
// the allowed host of a URL or the allowed domain of an address.
func (a *allowSet) check(k Kind, v string) *Finding {
	if a == nil || a.empty() {
		return nil
	}
	hit := func(entry string) *Finding {
		return &Finding{Kind: k, Value: v, Rule: RuleAllowListed, Entry: entry}
	}
	if a.exact[kindValue{k, v}] {
		return hit(v)
	}
	name := ""
	switch k {
	case KindDomain, KindHost:
		name = v
	case KindEmail:
		name = v[strings.LastIndexByte(v, '@')+1:]
	case KindURL:
		if h := urlHost(v); h != "" {
			if a.exact[kindValue{KindHost, h}] {
				return hit(h)
			}
			name = h
		}
	case KindIP:
		if p, ok := parseIPValue(v); ok {
			for _, n := range a.nets {
				if n.Bits() <= p.Bits() && n.Contains(p.Addr()) {
					return hit(n.String())
				}
			}
		}
	}
	for p := name; p != ""; {
		if a.names[p] {
			return hit(p)
		}
		i := strings.IndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[i+1:]
	}
	return nil
}

// urlHost returns the lower-case host of a normalised URL.
func urlHost(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	h := u[i+3:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	if strings.HasPrefix(h, "[") {
		if j := strings.IndexByte(h, ']'); j > 0 {
			return h[1:j]
		}
	}
	if j := strings.LastIndexByte(h, ':'); j >= 0 {
		h = h[:j]
	}
	return h
}
