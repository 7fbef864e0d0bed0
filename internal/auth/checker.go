package auth

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/message"
)

// DefaultTimeout bounds one Check when Checker.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Conn is the SMTP context of a message as the gateway saw it.
type Conn struct {
	IP       netip.Addr // client address; SPF is skipped when invalid
	HELO     string     // EHLO/HELO argument
	MailFrom string     // reverse-path without brackets; "" for the null sender
}

// Checker computes authentication results from live DNS. The zero value is
// not usable: Resolver is required (wrap it with dnsx.NewCache).
type Checker struct {
	Resolver dnsx.Resolver
	// Timeout bounds the whole check; DefaultTimeout when zero. A lookup
	// cut short gives temperror, never fail.
	Timeout time.Duration
	// MaxDKIMSignatures bounds the signatures verified;
	// DefaultMaxDKIMSignatures when zero.
	MaxDKIMSignatures int
	// Logger receives one debug line per check; nil discards.
	Logger *slog.Logger
}

// Check runs SPF (MAIL FROM and HELO identities), DKIM and ARC at once,
// then DMARC for fromDomain (the RFC5322.From domain) over their results.
// raw is the message as received; h its parsed header.
func (c *Checker) Check(ctx context.Context, raw []byte, h message.Header, fromDomain string, conn Conn) Results {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()

	r := Results{Source: "dns"}
	var (
		wg                 sync.WaitGroup
		spfErr, heloErr    error
		arcReason          string
		fields, body       = splitMessage(raw)
		fromDomainNorm     = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(fromDomain), "."))
		mailFrom, heloName = strings.Trim(strings.TrimSpace(conn.MailFrom), "<>"), strings.TrimSpace(conn.HELO)
	)
	if conn.IP.IsValid() {
		checkHELO := heloSPFApplies(heloName)
		wg.Go(func() {
			if mailFrom == "" && !checkHELO {
				r.SPF, r.SPFDomain = None, strings.ToLower(heloName)
				return
			}
			if mailFrom == "" {
				// The MAIL FROM identity is postmaster@HELO (RFC 7208
				// §2.4): one evaluation serves both.
				r.SPF, r.SPFDomain, spfErr = SPF(ctx, c.Resolver, conn.IP, heloName, "")
				r.HELOSPF, r.HELODomain = r.SPF, r.SPFDomain
				return
			}
			r.SPF, r.SPFDomain, spfErr = SPF(ctx, c.Resolver, conn.IP, heloName, mailFrom)
		})
		if mailFrom != "" && checkHELO {
			wg.Go(func() {
				r.HELOSPF, r.HELODomain, heloErr = SPF(ctx, c.Resolver, conn.IP, heloName, "postmaster@"+heloName)
			})
		}
	}
	wg.Go(func() {
		r.DKIM = DKIM(ctx, c.Resolver, raw, c.MaxDKIMSignatures)
	})
	wg.Go(func() {
		r.ARC, r.ARCSealers, arcReason = checkARC(ctx, c.Resolver, fields, body)
	})
	wg.Wait()

	if fromDomainNorm == "" {
		r.DMARC = None
	} else {
		l := lookupDMARC(ctx, c.Resolver, fromDomainNorm)
		key := h.Get("Message-Id")
		if key == "" {
			sum := sha256.Sum256(raw)
			key = string(sum[:])
		}
		r.DMARC, r.DMARCPolicy = evalDMARC(l, fromDomainNorm, r, sampler(key+"\x00"+fromDomainNorm))
		r.DMARCDomain = fromDomainNorm
		if l.err != nil {
			c.logger().Debug("dmarc lookup", "domain", fromDomainNorm, "err", l.err)
		}
	}

	c.logger().Debug("auth check",
		"ip", conn.IP, "helo", heloName, "mail_from", mailFrom, "from_domain", fromDomainNorm,
		"spf", r.SPF, "spf_err", errString(spfErr), "helo_spf", r.HELOSPF, "helo_err", errString(heloErr),
		"dkim", len(r.DKIM), "dkim_pass", r.DKIMPass(), "dmarc", r.DMARC, "policy", r.DMARCPolicy,
		"arc", r.ARC, "arc_reason", arcReason, "took", time.Since(start))
	return r
}

func (c *Checker) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
