package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"vigie.dev/vigie/internal/trace"
)

// APIClient searches the trace through Vigie's HTTP API
// (GET /api/v1/trace, docs/gateway.md), for a selftest run from another
// machine than the gateway's.
type APIClient struct {
	Base  string // "http://127.0.0.1:8025"
	Token string // an API bearer token
	HTTP  *http.Client
}

// Search implements Searcher.
func (c APIClient) Search(ctx context.Context, q trace.Query) ([]trace.Record, error) {
	v := url.Values{}
	if q.Sender != "" {
		v.Set("sender", q.Sender)
	}
	if q.MsgID != "" {
		v.Set("message_id", q.MsgID)
	}
	if !q.Since.IsZero() {
		v.Set("since", strconv.Itoa(int(time.Since(q.Since).Seconds())+1)+"s")
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/api/v1/trace?"+v.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("selftest: trace API: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("selftest: trace API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("selftest: trace API: HTTP %d", resp.StatusCode)
	}
	var recs []trace.Record
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&recs); err != nil {
		return nil, fmt.Errorf("selftest: trace API: %w", err)
	}
	return recs, nil
}
