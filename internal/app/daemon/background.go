package daemon

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// purgeLoop applies the quarantine and trace retention every hour.
func (d *Daemon) purgeLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		s := d.cfg.Serve
		if n, err := d.Quarantine.Purge(ctx, s.Quarantine.Retention, int64(s.Quarantine.MaxBytes)); err != nil {
			d.log.Warn("quarantine purge failed", "err", err)
		} else if n > 0 {
			d.log.Info("quarantine purged", "messages", n)
		}
		if n, err := d.Trace.Purge(ctx, s.Trace.Retention); err != nil {
			d.log.Warn("trace purge failed", "err", err)
		} else if n > 0 {
			d.log.Info("trace purged", "records", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Daemon) build(cfg *config.Config) (*scan.Scanner, error) {
	given := cfg
	cfg = d.withLearned(cfg)
	if d.suppliers == nil {
		d.suppliers = &suppliers.Cache{Store: d.App.Suppliers(), Log: d.log}
	}
	o := engine.Options{Log: d.log, Online: d.online, Indicators: d.Matcher, Suppliers: d.suppliers,
		OnTrustedRelay: d.learnRelay}
	if d.Bayes != nil {
		o.Bayes = d.Bayes.Model
	}
	sc, err := engine.New(cfg, o)
	if err != nil {
		return nil, err
	}
	d.builtFrom(given)
	return sc, nil
}

// watchSuppliers adds the supplier register's watcher to the gateway's
// observers: it learns authenticated bank details and alerts accounting
// (docs/invoice.md).
func (d *Daemon) watchSuppliers(bg context.Context, cfg *config.Config) {
	from := cfg.Invoice.AlertFrom
	if from == "" && len(cfg.Org.Domains) > 0 {
		from = "vigie@" + cfg.Org.Domains[0]
	}
	w := &suppliers.Watcher{Register: &suppliers.Register{Store: d.App.Suppliers()}, Books: d.suppliers,
		Mailer: nexthop.Release{Client: d.nexthop}, Mailbox: cfg.Invoice.AccountingMailbox, From: from,
		Learn: cfg.Invoice.Learn, Limits: cfg.MessageLimits(), Log: d.log}
	w.Start()
	d.Gateway.Observer = observers{d.Gateway.Observer, w}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		w.Run(bg)
	}()
}

// observers lets several observers see every verdict.
type observers []interface {
	Observe(raw []byte, v *scan.Verdict)
}

func (o observers) Observe(raw []byte, v *scan.Verdict) {
	for _, x := range o {
		if x != nil {
			x.Observe(raw, v)
		}
	}
}

// autolearn builds the classifier's autolearner from the configuration,
// nil when both of its halves are off.
func autolearn(cfg *config.Config, l *bayes.Learner, log *slog.Logger) *bayes.AutoLearn {
	c := cfg.Bayes.Autolearn
	if !c.Phish && !c.Ham {
		return nil
	}
	a := bayes.NewAutoLearn(l, log)
	if c.Phish {
		a.PhishScore = c.PhishScore
		if a.PhishScore <= 0 {
			a.PhishScore = cfg.Policy.RejectAt
		}
	}
	a.Ham, a.HamScore = c.Ham, c.HamScore
	return a
}

// learnRelay records a trusted relay's address as the organisation's own
// (store own_assets), at most once an hour per address, without slowing
// the message: the indicator guard then refuses to block it.
func (d *Daemon) learnRelay(ip netip.Addr, rdns string) {
	ip = ip.Unmap()
	d.relaysMu.Lock()
	if d.relays == nil {
		d.relays = map[netip.Addr]time.Time{}
	}
	if last, ok := d.relays[ip]; ok && time.Since(last) < time.Hour {
		d.relaysMu.Unlock()
		return
	}
	d.relays[ip] = time.Now()
	d.relaysMu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.DB.OwnAssets().Learn(ctx, "ip", ip.String(), "trusted relay "+rdns, time.Now()); err != nil {
			d.log.Warn("trusted relay not recorded as an own asset", "ip", ip, "err", err)
			d.relaysMu.Lock()
			delete(d.relays, ip) // try again with the next message
			d.relaysMu.Unlock()
		}
	}()
}
