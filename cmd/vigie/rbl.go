package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vigie.dev/vigie/internal/rbl"
)

func init() {
	register(command{
		Name:    "rbl serve",
		Summary: "serve rbldnsd zone files as Vigie's DNSBL (UDP and TCP)",
		Run:     runRBLServe,
	})
}

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

type rblFiles struct{ ip, dns, url listFlag }

func runRBLServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie rbl serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files rblFiles
	listen := fs.String("listen", "127.0.0.1:5353", "UDP and TCP address to answer on")
	fs.Var(&files.ip, "ip-zone-file", "rbldnsd ip4set/ip4trie/ip6trie file for the IP zone (repeatable)")
	fs.Var(&files.dns, "dns-zone-file", "rbldnsd dnset file for the domain zone (repeatable)")
	fs.Var(&files.url, "url-zone-file", "hex SHA-256 of normalised URLs, one per line (repeatable)")
	ipZone := fs.String("ip-zone", rbl.DefaultZones.IP, "IP zone name (empty disables)")
	domZone := fs.String("domain-zone", rbl.DefaultZones.Domain, "domain zone name (empty disables)")
	urlZone := fs.String("url-zone", rbl.DefaultZones.URL, "hashed-URL zone name (empty disables)")
	var ns listFlag
	fs.Var(&ns, "ns", "name server host name for NS and SOA (repeatable)")
	rate := fs.Float64("rate-limit", rbl.DefaultRateLimit.PerSecond, "UDP responses per second per /24 or /56 (negative disables)")
	var exempt listFlag
	fs.Var(&exempt, "rate-exempt", "networks never rate-limited (default 127.0.0.0/8,::1/128)")
	metrics := fs.String("metrics", "", "address for Prometheus /metrics over HTTP (empty disables)")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if len(exempt) == 0 {
		exempt = listFlag{"127.0.0.0/8", "::1/128"}
	}
	var exemptNets []netip.Prefix
	for _, e := range exempt {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return usageErr("--rate-exempt %q: %v", e, err)
		}
		exemptNets = append(exemptNets, p)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if os.Getenv("GOGC") == "" {
		// Nearly all the live heap is the pointer-free index, which costs the
		// collector nothing to scan; collecting at +10% instead of +100%
		// keeps the resident size close to the data for little CPU (the
		// garbage is the few hundred bytes each answer allocates).
		debug.SetGCPercent(10)
	}
	reg := prometheus.NewRegistry()
	srv := &rbl.Server{
		Addr:       *listen,
		Zones:      rbl.Zones{IP: *ipZone, Domain: *domZone, URL: *urlZone},
		NS:         ns,
		RateLimit:  rbl.RateLimit{PerSecond: *rate, Exempt: exemptNets},
		Logger:     log,
		Registerer: reg,
	}
	if err := files.load(srv, log); err != nil {
		return err
	}
	if *metrics != "" {
		ln, err := net.Listen("tcp", *metrics)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		hs := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
		go hs.Serve(ln)
		defer hs.Close()
	}
	// SIGHUP reloads the files, as with rbldnsd; queries never wait for it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := files.load(srv, log); err != nil {
					log.Error("rbl: reload failed, keeping the previous data", "err", err)
				}
			}
		}
	}()
	return srv.ListenAndServe(ctx)
}

// load reads every file into a new MemSource and swaps it in.
func (f *rblFiles) load(srv *rbl.Server, log *slog.Logger) error {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		// While loading, nearly everything allocated is kept or about to
		// be freed at once: collect often, so that the peak resident size
		// is the data's and not the collector's slack.
		defer debug.SetGCPercent(debug.SetGCPercent(5))
	}
	src, total, bad, err := f.build(log, true)
	if errors.Is(err, rbl.ErrChanged) {
		log.Warn("rbl: an address file changed while it was read; reading it again in one pass")
		src, total, bad, err = f.build(log, false)
	}
	if err != nil {
		return err
	}
	if err := srv.SetSource(src); err != nil {
		return err
	}
	// The builder's scratch space is garbage now: give it back to the OS so
	// that the resident size reflects the data actually served.
	debug.FreeOSMemory()
	prefixes, domains, urls := src.Len()
	log.Info("rbl: data loaded", "entries", total, "prefixes", prefixes, "domains", domains,
		"urls", urls, "skipped_lines", bad, "seconds", time.Since(start).Seconds())
	if total == 0 && bad > 0 {
		return errors.New("rbl: no valid entry in the zone files")
	}
	return nil
}

// build reads the files into a MemSource. Names come first: their table is
// built as they arrive, in its final form. With twoPass the address files
// are read twice — counted, then each address put in its final place — so
// that a million addresses never also sit in a scratch array; the peak
// resident size is then about the data's.
func (f *rblFiles) build(log *slog.Logger, twoPass bool) (src *rbl.MemSource, total, bad int, err error) {
	b := rbl.NewMemBuilder()
	// rbldnsd lines average about 14 bytes for addresses, 22 for domains.
	prefixes := int(totalSize(f.ip) / 14)
	if twoPass {
		prefixes = 0
	}
	b.Grow(prefixes, int(totalSize(f.dns)/18)) // names: 22 bytes a line on average, reserve for a few more
	b.GrowNames(totalSize(f.dns))
	report := func(e *rbl.LineError) {
		if bad++; bad <= 20 {
			log.Warn("rbl: skipped line", "err", e)
		}
	}
	type reader func(*rbl.MemBuilder, io.Reader, string, func(*rbl.LineError)) (int, error)
	readAll := func(files listFlag, read reader, report func(*rbl.LineError)) (int, error) {
		n := 0
		for _, name := range files {
			fh, err := os.Open(name)
			if err != nil {
				return n, fmt.Errorf("rbl: %w", err)
			}
			k, err := read(b, fh, name, report)
			fh.Close()
			if err != nil {
				return n, err
			}
			n += k
		}
		return n, nil
	}
	for _, r := range []struct {
		files listFlag
		read  reader
	}{{f.dns, rbl.ReadDomainZone}, {f.url, rbl.ReadURLZone}} {
		n, err := readAll(r.files, r.read, report)
		if err != nil {
			return nil, 0, bad, err
		}
		total += n
	}
	if twoPass {
		b.CountIPv4()
		if _, err := readAll(f.ip, rbl.ReadIPZone, nil); err != nil { // lines are reported in the second pass
			return nil, 0, bad, err
		}
		b.PlaceIPv4()
	}
	n, err := readAll(f.ip, rbl.ReadIPZone, report)
	if err != nil {
		return nil, 0, bad, err
	}
	total += n
	if twoPass {
		src, err = b.BuildChecked()
	} else {
		src = b.Build()
	}
	return src, total, bad, err
}

func totalSize(files []string) int64 {
	var n int64
	for _, name := range files {
		if st, err := os.Stat(name); err == nil {
			n += st.Size()
		}
	}
	return n
}
