package logs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"vigie.dev/vigie/internal/logs"
)

// recordParser claims every object and counts them, for tests of the reader.
type recordParser struct{ n int }

func (p *recordParser) Claims([]byte) bool { return true }
func (p *recordParser) ParseRecord(_ logs.Source, rec []byte, _ func(logs.Event)) error {
	if !json.Valid(rec) {
		return logs.ErrNotObject
	}
	p.n++
	return nil
}

func readAll(data []byte) (int, logs.Stats, error) {
	p := &recordParser{}
	var st logs.Stats
	m := logs.NewMux([]logs.Dialect{{Format: "test", Records: p}}, logs.Options{}, &st, func(logs.Event) {})
	err := logs.Read(context.Background(), bufio.NewReader(bytes.NewReader(data)), "t", m, &st)
	return p.n, st, err
}

// TestReadResynchronises: a record that is not JSON inside a document is
// counted bad and reading goes on after it; a document cut short says so.
func TestReadResynchronises(t *testing.T) {
	n, st, err := readAll([]byte(`[{"a":1},{"b":2,,},{"c":3}]`))
	if n != 2 || st.Errors != 1 || err != nil {
		t.Errorf("%d records, %+v, %v", n, st, err)
	}
	n, _, err = readAll([]byte(`{"value":[{"a":1},{"b":`))
	if n != 1 || !logs.IsBroken(err) {
		t.Errorf("truncated: %d records, %v", n, err)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{`[{"a":1},{"b":"x\"]"}]`, `{"value":[{"a":1}],"@odata.nextLink":"x"}`, "{\"a\":1}\n{\"value\":[{\"b\":2}]}\n", "{\n \"a\": [1,\n2]\n}\n{\"b\":{}}", `["{\"a\":1}"]`, "[", "{\"items\":[[[[", "\"{}\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, st, err := readAll(data)
		if err != nil && !logs.IsBroken(err) {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if n < 0 || st.Errors < 0 {
			t.Fatal("negative counts")
		}
	})
}

// FuzzEachField: the walk never panics, never reads out of bounds, and
// agrees with encoding/json on what an object's keys are.
func FuzzEachField(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"c":[1,2,{"d":"\"}"}]},"e":"x"}`, `{}`, `{"a"`, `{"a":}`, `{"a":1,}`, `[1]`, `{"a":"\u00e9"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys []string
		err := logs.EachField(data, func(k, v []byte) bool {
			keys = append(keys, string(k))
			_ = logs.Str(v)
			_ = logs.Object(v)
			return true
		})
		var m map[string]json.RawMessage
		if err == nil && json.Unmarshal(data, &m) == nil {
			for _, k := range keys {
				var uk string
				if json.Unmarshal([]byte(`"`+k+`"`), &uk) == nil {
					if _, ok := m[uk]; !ok {
						t.Fatalf("key %q not in %v", k, m)
					}
				}
			}
		}
	})
}
