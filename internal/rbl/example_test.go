package rbl_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/rbl"
)

// Serve one blocked address and ask for it as a mail server would.
func Example() {
	b := rbl.NewMemBuilder()
	b.AddPrefix(netip.MustParsePrefix("198.51.100.0/24"), rbl.Entry{Code: rbl.CodeBlock, Reason: "$ sent phishing"})
	srv := &rbl.Server{
		Zones:     rbl.DefaultZones,
		RateLimit: rbl.RateLimit{PerSecond: -1},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	srv.SetSource(b.Build())

	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- srv.Serve(ctx, pc, nil) }()

	m := new(dns.Msg)
	m.SetQuestion("7.100.51.198.bl.vigie.local.", dns.TypeTXT)
	r, err := dns.Exchange(m, pc.LocalAddr().String())
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Answer[0].(*dns.TXT).Txt[0])
	stop()
	<-done
	// Output: 198.51.100.7 sent phishing
}
