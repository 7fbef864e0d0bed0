package gmail

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzSummaryOf(f *testing.F) {
	f.Add([]byte(`{"id":"18c3f","labelIds":["INBOX"],"internalDate":"1733390000000","sizeEstimate":812,"payload":{"headers":[{"name":"Message-ID","value":"<a@b>"},{"name":"From","value":"Paie <paie@evil.example>"},{"name":"To","value":"a@x, \"B, C\" <b@x>"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m metaJSON
		if json.Unmarshal(b, &m) != nil {
			return
		}
		s := summaryOf("INBOX", m)
		if s.Ref.ID != m.ID || s.Ref.Folder != "INBOX" || strings.HasPrefix(s.MessageID, "<") {
			t.Fatalf("%+v", s)
		}
	})
}
