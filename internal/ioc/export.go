package ioc

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ExportFormat is an export file format.
type ExportFormat string

const (
	ExportRbldnsdIP  ExportFormat = "rbldnsd-ip"  // IPv4 indicators as an rbldnsd ip4trie dataset
	ExportRbldnsdIP6 ExportFormat = "rbldnsd-ip6" // IPv6 indicators as an rbldnsd ip6trie dataset
	ExportRbldnsdDNS ExportFormat = "rbldnsd-dns" // domain and host indicators as an rbldnsd dnset dataset
	ExportCSV        ExportFormat = "csv"         // every field; re-imports with --format csv
	ExportJSON       ExportFormat = "json"        // a JSON array of Indicator
)

// ExportFormats lists the export formats.
var ExportFormats = []ExportFormat{ExportRbldnsdIP, ExportRbldnsdIP6, ExportRbldnsdDNS, ExportCSV, ExportJSON}

// ParseExportFormat accepts an export format name.
func ParseExportFormat(s string) (ExportFormat, error) {
	for _, f := range ExportFormats {
		if ExportFormat(strings.ToLower(s)) == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("ioc: unknown export format %q (want rbldnsd-ip, rbldnsd-ip6, rbldnsd-dns, csv or json)", s)
}

// csvHeader names the export columns; the first five are those Import reads.
var csvHeader = []string{"value", "kind", "mode", "expires", "reason", "source", "added_by", "created", "status", "hits", "last_hit", "id"}

// Export writes the indicators selected by f in format ef and returns how
// many it wrote. rbldnsd formats keep only the kinds they can carry.
func (s *Service) Export(ctx context.Context, w io.Writer, ef ExportFormat, f Filter) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	now := s.now()
	n := 0
	var write func(in *Indicator) error
	var finish func() error
	switch ef {
	case ExportRbldnsdIP, ExportRbldnsdIP6, ExportRbldnsdDNS:
		set := map[ExportFormat]string{ExportRbldnsdIP: "ip4trie", ExportRbldnsdIP6: "ip6trie", ExportRbldnsdDNS: "dnset"}[ef]
		fmt.Fprintf(bw, "# Vigie indicators exported %s as an rbldnsd %s dataset\n", now.UTC().Format(time.RFC3339), set)
		fmt.Fprintf(bw, "# 127.0.0.2 block, 127.0.0.3 watch (never reject on it), 127.0.0.4 block from a feed;\n")
		fmt.Fprintf(bw, "# '!' entries are Vigie's allow list. '$' in a text is the queried value.\n")
		fmt.Fprintf(bw, ":127.0.0.2:Listed by Vigie: $\n")
		write = func(in *Indicator) error {
			entry, ok := rbldnsdEntry(ef, in)
			if !ok {
				return nil
			}
			n++
			if in.Mode == Allow {
				_, err := fmt.Fprintf(bw, "!%s\n", entry)
				return err
			}
			code := in.AnswerCode()
			if in.Reason == "" && code == CodeBlock {
				_, err := fmt.Fprintln(bw, entry)
				return err
			}
			reason := txtSafe(in.Reason)
			if reason == "" {
				reason = "Listed by Vigie: $"
			}
			_, err := fmt.Fprintf(bw, "%s :127.0.0.%d:%s\n", entry, code, reason)
			return err
		}
	case ExportCSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(csvHeader); err != nil {
			return 0, err
		}
		write = func(in *Indicator) error {
			n++
			return cw.Write([]string{in.Value, string(in.Kind), string(in.Mode), fmtTime(in.ExpiresAt), in.Reason,
				in.Source, in.AddedBy, fmtTime(in.CreatedAt), in.Status(now), strconv.FormatInt(in.Hits, 10),
				fmtTime(in.LastHitAt), strconv.FormatInt(in.ID, 10)})
		}
		finish = func() error { cw.Flush(); return cw.Error() }
	case ExportJSON:
		enc := json.NewEncoder(bw)
		bw.WriteString("[")
		write = func(in *Indicator) error {
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			bw.WriteString("\n")
			return enc.Encode(in)
		}
		finish = func() error { _, err := bw.WriteString("]\n"); return err }
	default:
		return 0, fmt.Errorf("ioc: unknown export format %q", ef)
	}
	if err := s.Each(ctx, f, write); err != nil {
		return n, err
	}
	if finish != nil {
		if err := finish(); err != nil {
			return n, fmt.Errorf("ioc: export: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("ioc: export: %w", err)
	}
	return n, nil
}

func rbldnsdEntry(ef ExportFormat, in *Indicator) (string, bool) {
	switch ef {
	case ExportRbldnsdIP, ExportRbldnsdIP6:
		if in.Kind != KindIP {
			return "", false
		}
		p, ok := parseIPValue(in.Value)
		if !ok || p.Addr().Is4() != (ef == ExportRbldnsdIP) {
			return "", false
		}
		if p.IsSingleIP() {
			return p.Addr().String(), true
		}
		return netip.Prefix.String(p), true
	case ExportRbldnsdDNS:
		switch in.Kind {
		case KindDomain:
			return "." + in.Value, true // the name and its subdomains
		case KindHost:
			return in.Value, true
		}
	}
	return "", false
}

// txtSafe keeps a reason usable as an rbldnsd TXT template: one line,
// bounded length. A '$' stays: the reason is a template in Vigie's DNSBL
// as in rbldnsd, where '$' is the queried value and "$$" a dollar sign.
func txtSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
