package received

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// parseHeader splits the header block of a message into unfolded fields,
// enough for these tests (package message does the real work).
func parseHeader(b []byte) message.Header {
	var h message.Header
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h.Fields) > 0 {
			f := &h.Fields[len(h.Fields)-1]
			f.Raw += " " + strings.TrimLeft(line, " \t")
			f.Value = f.Raw
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v := strings.TrimLeft(value, " \t")
		h.Fields = append(h.Fields, message.Field{Name: name, Value: v, Raw: v})
	}
	return h
}

func readHeader(t testing.TB, path string) message.Header {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseHeader(b)
}
