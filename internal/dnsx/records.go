package dnsx

import (
	"context"

	"github.com/miekg/dns"
)

// RecordResolver is implemented by resolvers that can return records of any
// type (DS, TLSA, SRV…) and say whether the resolver validated them. Audits
// of a domain's own configuration need it; the mail path does not.
type RecordResolver interface {
	// LookupRecords returns the records of type qtype at name, CNAMEs
	// followed, and authenticated: whether every answer carried the AD bit
	// of a validating resolver (RFC 4035 §3.2.3, RFC 6840 §5.7). A missing
	// name or type is an *Error of kind KindNotFound or KindNoData, whose
	// authenticated value still says whether the denial was validated.
	LookupRecords(ctx context.Context, name string, qtype uint16) (rrs []dns.RR, authenticated bool, err error)
}

var _ RecordResolver = (*client)(nil)

func (c *client) LookupRecords(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
	rrs, _, ad, err := c.resolveAD(ctx, name, qtype)
	return rrs, ad, err
}
