package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"sync"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/logs"
)

// Hit is one log line that names an indicator.
type Hit struct {
	File      string    `json:"file"`
	Line      int64     `json:"line"`
	Indicator Indicator `json:"indicator"`
	Text      string    `json:"text"` // the line, cut at maxHitText bytes
}

// SweepStats counts what a sweep read.
type SweepStats struct {
	Bytes int64 `json:"bytes"`
	Lines int64 `json:"lines"`
	Hits  int64 `json:"hits"`
}

const (
	sweepChunk = 4 << 20 // bytes handed to a worker at a time
	maxHitText = 512
	// maxHits bounds the hits kept per input; the count goes on.
	maxHits = 100_000
)

// Sweep finds the lines of r that name an indicator of set. Instead of searching
// every pattern as a substring (grep -F), it cuts each line into tokens — URLs,
// host names, IP addresses, wherever they stand in the line — and looks each one
// up in hash tables: a URL by its normalised form, a host and each parent domain,
// an address and its enclosing prefixes. The cost is per byte of log, whatever
// the number of indicators. Chunks of the input are scanned on workers goroutines
// (0: GOMAXPROCS), hits are returned in input order.
func Sweep(ctx context.Context, r io.Reader, file string, set *Set, workers int) ([]Hit, SweepStats, error) {
	set.ensure() // before the workers read the tables
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		seq int
		buf []byte
	}
	type result struct {
		seq   int
		lines int64
		hits  []Hit
		buf   []byte
	}
	free := make(chan []byte, workers+2)
	for i := 0; i < workers+2; i++ {
		free <- make([]byte, sweepChunk+64<<10)
	}
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := scanner{set: set}
			for j := range jobs {
				lines, hits := sc.chunk(j.buf, file)
				results <- result{j.seq, lines, hits, j.buf}
			}
		}()
	}

	var readErr error
	var total int64
	go func() {
		defer close(jobs)
		var carry []byte
		seq := 0
		for {
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			buf = buf[:cap(buf)]
			n := copy(buf, carry)
			m, err := io.ReadFull(r, buf[n:sweepChunk])
			n += m
			total += int64(m)
			data := buf[:n]
			carry = carry[:0]
			if err == nil {
				// Hand over whole lines; keep the tail for the next chunk. A line
				// longer than a chunk is cut (it is scanned in pieces).
				if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
					carry = append(carry, data[i+1:]...)
					data = data[:i+1]
				}
			}
			if len(data) > 0 {
				jobs <- job{seq, data}
				seq++
			} else {
				free <- buf
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("hunt: sweep %s: %w", file, err)
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var st SweepStats
	var hits []Hit
	pending := map[int]result{}
	next := 0
	for res := range results {
		pending[res.seq] = res
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			for _, h := range p.hits {
				st.Hits++
				if len(hits) < maxHits {
					h.Line += st.Lines
					hits = append(hits, h)
				}
			}
			st.Lines += p.lines
			free <- p.buf[:cap(p.buf)]
			next++
		}
	}
	st.Bytes = total
	if readErr != nil {
		return hits, st, readErr
	}
	return hits, st, ctx.Err()
}

// scanner tokenises lines and looks tokens up; one per worker (scratch buffer).
type scanner struct {
	set     *Set
	scratch []byte
}

// Byte classes of the tokeniser. Delimiters separate tokens in log lines:
// blanks, quotes, brackets, separators of key=value lists and JSON. '/', ':' and
// '.' are not delimiters: they belong to URLs, hosts and addresses.
const (
	cDelim = 1 << iota
	cDot
	cColon
	cLetter
	cURLEnd // ends a URL: '=', ',', ';'… do not, they are part of query strings
)

var class = func() (t [256]uint8) {
	for _, c := range []byte(" \t\r\n\"'<>()[]{},;|=\\`^") {
		t[c] = cDelim
	}
	for _, c := range []byte(" \t\r\n\"'<>`") {
		t[c] |= cURLEnd
	}
	t['.'], t[':'] = cDot, cColon
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-32] = cLetter, cLetter
	}
	t['-'], t['_'] = cLetter, cLetter
	return
}()

// chunk scans whole lines and returns the number of lines and the hits, with
// line numbers relative to the chunk.
func (s *scanner) chunk(buf []byte, file string) (int64, []Hit) {
	var hits []Hit
	var n int64
	for len(buf) > 0 {
		var line []byte
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			line, buf = buf[:i], buf[i+1:]
		} else {
			line, buf = buf, nil
		}
		n++
		if ind, ok := s.line(line); ok {
			text := line
			if len(text) > maxHitText {
				text = text[:maxHitText]
			}
			hits = append(hits, Hit{File: file, Line: n, Indicator: ind, Text: string(bytes.TrimRight(text, "\r"))})
		}
	}
	return n, hits
}

// line returns the first indicator named in the line. Tokens are classified
// while they are delimited: one without a dot or a colon cannot be a host, a
// URL or an address; one without a letter can only be an address.
func (s *scanner) line(line []byte) (Indicator, bool) {
	ips := s.set.hasIPs()
	i := 0
	for i < len(line) {
		for i < len(line) && class[line[i]]&cDelim != 0 {
			i++
		}
		j := i
		var seen uint8
		for j < len(line) {
			c := class[line[j]]
			if c&cDelim != 0 {
				break
			}
			seen |= c
			j++
		}
		// A URL runs to the next blank or quote: its query has '=', '&', ';'…
		if seen&cColon != 0 && j < len(line) && class[line[j]]&cURLEnd == 0 && bytes.Contains(line[i:j], []byte("://")) {
			for j < len(line) && class[line[j]]&cURLEnd == 0 {
				j++
			}
		}
		if j-i >= 4 && seen&(cDot|cColon) != 0 && (ips || seen&cLetter != 0) {
			if ind, ok := s.token(line[i:j]); ok {
				return ind, true
			}
		}
		i = j
	}
	return Indicator{}, false
}

func (s *scanner) token(tok []byte) (Indicator, bool) {
	if k := bytes.Index(tok, []byte("://")); k > 0 {
		return s.url(tok[k+3:])
	}
	// Not a URL: look at each "/"-separated part (HIER_DIRECT/1.2.3.4, host:443).
	for len(tok) > 0 {
		part := tok
		if k := bytes.IndexByte(tok, '/'); k >= 0 {
			part, tok = tok[:k], tok[k+1:]
		} else {
			tok = nil
		}
		if len(part) < 4 {
			continue
		}
		if ind, ok := s.hostOrIP(part, true); ok {
			return ind, true
		}
	}
	return Indicator{}, false
}

// url looks up "host[:port]/path?query" (the part after "scheme://").
func (s *scanner) url(rest []byte) (Indicator, bool) {
	end := len(rest)
	for k, c := range rest {
		if c == '/' || c == '?' || c == '#' {
			end = k
			break
		}
	}
	auth, path := rest[:end], rest[end:]
	if k := bytes.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
	}
	host := stripPort(auth)
	if !s.suffixKnown(host) {
		if s.set.hasIPs() {
			if ip, ok := logs.ParseIPv4(host); ok {
				return s.set.MatchIP(ip)
			}
		}
		return Indicator{}, false
	}
	if len(s.set.urls) > 0 {
		key := append(s.scratch[:0], auth...)
		lower(key)
		if bytes.HasSuffix(key, []byte(":80")) {
			key = key[:len(key)-3]
		} else if bytes.HasSuffix(key, []byte(":443")) {
			key = key[:len(key)-4]
		}
		if len(key) > 0 && key[len(key)-1] == '.' {
			key = key[:len(key)-1]
		}
		hl := len(key)
		if _, ok := s.set.urlHosts[string(key)]; ok {
			if len(path) == 0 || path[0] != '/' {
				key = append(key, '/')
			}
			key = append(key, path...)
			if k := bytes.IndexByte(key[hl:], '#'); k >= 0 {
				key = key[:hl+k]
			}
			if _, ok := s.set.urls[string(key)]; ok {
				s.scratch = key
				return Indicator{ioc.KindURL, string(key)}, true
			}
			if k := bytes.IndexByte(key[hl:], '?'); k >= 0 {
				if _, ok := s.set.urls[string(key[:hl+k])]; ok {
					s.scratch = key
					return Indicator{ioc.KindURL, string(key[:hl+k])}, true
				}
			}
		}
		s.scratch = key
	}
	return s.hostOrIP(host, false)
}

// hostOrIP looks up a host name (and its parent domains) or an IP address.
func (s *scanner) hostOrIP(b []byte, maybePort bool) (Indicator, bool) {
	if maybePort {
		b = stripPort(b)
	}
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if len(b) < 4 {
		return Indicator{}, false
	}
	letters, dots, colons := false, 0, 0
	for _, c := range b {
		switch {
		case c == '.':
			dots++
		case c == ':':
			colons++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_':
			letters = true
		case c >= '0' && c <= '9':
		default:
			return Indicator{}, false // not a host or an address
		}
	}
	if colons >= 2 {
		if len(s.set.ips) == 0 && len(s.set.bits) == 0 {
			return Indicator{}, false
		}
		if ip, err := netip.ParseAddr(string(b)); err == nil {
			return s.set.MatchIP(ip)
		}
		return Indicator{}, false
	}
	if colons > 0 || dots == 0 {
		return Indicator{}, false
	}
	if !letters {
		if dots != 3 || (len(s.set.ips) == 0 && len(s.set.bits) == 0) {
			return Indicator{}, false
		}
		if ip, ok := logs.ParseIPv4(b); ok {
			return s.set.MatchIP(ip)
		}
		return Indicator{}, false
	}
	if len(s.set.domains) == 0 && len(s.set.hosts) == 0 {
		return Indicator{}, false
	}
	key := append(s.scratch[:0], b...)
	lower(key)
	s.scratch = key
	if !s.suffixKnown(key) {
		return Indicator{}, false
	}
	if _, ok := s.set.hosts[string(key)]; ok {
		return Indicator{ioc.KindHost, string(key)}, true
	}
	// The host and each parent with at least two labels.
	for h := key; ; {
		if _, ok := s.set.domains[string(h)]; ok {
			return Indicator{ioc.KindDomain, string(h)}, true
		}
		k := bytes.IndexByte(h, '.')
		if k < 0 || bytes.IndexByte(h[k+1:], '.') < 0 {
			return Indicator{}, false
		}
		h = h[k+1:]
	}
}

// suffixKnown reports whether the last two labels of host (any case) are those
// of some domain or URL indicator.
func (s *scanner) suffixKnown(host []byte) bool {
	if len(host) > 0 && host[len(host)-1] == '.' {
		host = host[:len(host)-1]
	}
	i := bytes.LastIndexByte(host, '.')
	if i <= 0 {
		return false
	}
	if j := bytes.LastIndexByte(host[:i], '.'); j >= 0 {
		host = host[j+1:]
	}
	var buf [64]byte
	if len(host) > len(buf) {
		return true // let the full lookup decide
	}
	k := buf[:len(host)]
	copy(k, host)
	lower(k)
	_, ok := s.set.suffixes[string(k)]
	return ok
}

func stripPort(b []byte) []byte {
	if len(b) > 0 && b[0] == '[' { // [v6]:port
		if k := bytes.IndexByte(b, ']'); k > 0 {
			return b[1:k]
		}
	}
	if k := bytes.LastIndexByte(b, ':'); k >= 0 && bytes.IndexByte(b[:k], ':') < 0 {
		return b[:k]
	}
	return b
}

func lower(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
}

// WebFilter returns a test for logs.Options.KeepWeb: whether a web request, by
// its host and URL as logged, may name an indicator of the set. It looks up
// the same tables as the sweep, without allocating, so that a proxy log is
// read at the sweep's pace and only the requests worth a look become events.
// The function keeps a scratch buffer: one per reader.
func (s *Set) WebFilter() func(host, url []byte) bool {
	if s == nil || s.Empty() {
		return func(_, _ []byte) bool { return false }
	}
	sc := &scanner{set: s}
	var buf []byte
	return func(host, url []byte) bool {
		s.ensure() // the first web request builds the tables of names
		if k := bytes.Index(url, []byte("://")); k > 0 {
			_, ok := sc.url(url[k+3:])
			return ok
		}
		if len(url) > 0 && url[0] == '/' {
			if len(host) == 0 {
				return false
			}
			buf = append(append(buf[:0], host...), url...) // a web server's own log: vhost + path
			_, ok := sc.url(buf)
			return ok
		}
		if len(url) > 0 { // CONNECT host:port
			if _, ok := sc.hostOrIP(url, true); ok {
				return true
			}
		}
		if len(host) > 0 {
			_, ok := sc.hostOrIP(host, true)
			return ok
		}
		return false
	}
}
