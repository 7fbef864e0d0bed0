package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/scan"
)

// message40KB builds a typical HTML marketing-style message of about 40 KB:
// nested tables, styled paragraphs, images and some forty links.
func message40KB() []byte {
	var b strings.Builder
	b.WriteString("Return-Path: <bounce@news.fournisseur-exemple.fr>\r\n" +
		"Authentication-Results: mx.example-hopital.fr; spf=pass smtp.mailfrom=news.fournisseur-exemple.fr; dkim=pass header.d=fournisseur-exemple.fr; dmarc=pass header.from=fournisseur-exemple.fr\r\n" +
		"Received: from out.news.fournisseur-exemple.fr (out.news.fournisseur-exemple.fr [192.0.2.25])\r\n\tby mx.example-hopital.fr (Postfix) with ESMTPS id 4TqAb; Tue, 12 Mar 2024 10:00:00 +0100\r\n" +
		"From: Fournisseur Exemple <news@fournisseur-exemple.fr>\r\nTo: marie.martin@example-hopital.fr\r\n" +
		"Subject: =?UTF-8?Q?Nos_nouveaut=C3=A9s_de_mars?=\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\nMessage-ID: <n1@fournisseur-exemple.fr>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{margin:0}</style></head><body><table width=\"100%\">")
	for i := 0; b.Len() < 40_000; i++ {
		fmt.Fprintf(&b, `<tr><td style="padding:10px;font-family:Arial"><img src="https://cdn.fournisseur-exemple.fr/img/p%d.png" alt="Produit %d" width="120">`+
			`<p style="color:#333">Découvrez notre gamme de fournitures médicales, livrée sous 48 heures dans tous les établissements de santé. Référence %d, conditionnement par dix.</p>`+
			`<a href="https://www.fournisseur-exemple.fr/produits/%d?utm_source=news">Voir le produit</a></td></tr>`+"\r\n", i, i, i, i)
	}
	b.WriteString("</table><p>Se désabonner : <a href=\"https://news.fournisseur-exemple.fr/u?id=1\">ici</a></p></body></html>\r\n")
	return []byte(b.String())
}

func benchScanner(b *testing.B) *scan.Scanner {
	c := config.Default()
	c.Auth.Mode = "headers"
	c.Trust.Relays = []string{"mx.example-hopital.fr"}
	c.Trust.AuthServIDs = []string{"mx.example-hopital.fr"}
	s, err := New(&c, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkScan40KB is the hot path: parse, trace, every check, offline.
func BenchmarkScan40KB(b *testing.B) {
	s := benchScanner(b)
	raw := message40KB()
	b.SetBytes(int64(len(raw)))
	scanLoop(b, s, func(int) []byte { return raw })
}

// scanLoop scans msg(n) for the n-th message, b.N times, and reports,
// beside wall time, the process CPU time (GC included) per message: on a
// shared machine wall time measures the neighbours as much as the code.
func scanLoop(b *testing.B, s *scan.Scanner, msg func(n int) []byte) {
	b.ReportAllocs()
	start, n := cpuTime(), 0
	for b.Loop() {
		s.Scan(context.Background(), msg(n), scan.Envelope{})
		n++
	}
	cpu := float64((cpuTime() - start).Nanoseconds()) / float64(n)
	b.ReportMetric(cpu, "cpu-ns/op")
	b.ReportMetric(1e9/cpu, "msgs/cpu-s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScanChorusPro scans the seed phishing message.
func BenchmarkScanChorusPro(b *testing.B) {
	s := benchScanner(b)
	raw, err := os.ReadFile("testdata/chorus-pro-phish.eml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Scan(context.Background(), raw, scan.Envelope{})
	}
}

// BenchmarkScanInvoicePDF scans a supplier's mail carrying a Factur-X PDF
// invoice (compressed page and XML, a 60 KB logo): the path where the
// parser (links) and the invoice family (text, embedded XML) both read
// the PDF's streams.
func BenchmarkScanInvoicePDF(b *testing.B) {
	s := benchScanner(b)
	d := invoicetest.Doc{Number: "FA-2026-0042", Seller: papeterie, Buyer: hopital, IBAN: papeterieIBAN, BIC: "FICTFRPPXXX", Total: "1480.20"}
	inv := invAttachment{"FA-2026-0042.pdf", "application/pdf", invoicetest.PDF(invoicetest.Text(d),
		[]invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 60<<10)}
	raw := invoiceMail("Papeterie Fictive <factures@papeterie-fictive.example>", "", fmt.Sprintf(authPass, "papeterie-fictive.example"),
		"Facture FA-2026-0042", "Bonjour,\nveuillez trouver ci-joint notre facture.\n", inv)
	b.SetBytes(int64(len(raw)))
	scanLoop(b, s, func(int) []byte { return raw })
}
