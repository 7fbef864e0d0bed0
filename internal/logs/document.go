package logs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// Read reads one input through m, whatever its shape: a JSON document (an
// array, a page object such as Graph's {"value": […]} or Google's
// {"items": […]}, possibly pretty-printed over many lines, or several such
// documents one after another as jq writes them), or lines — text log lines,
// NDJSON records, or whole pages on one line, mixed as they come. It returns
// an error when the input cannot be read to its end: a read error, or a JSON
// document broken in a way that hides what follows.
func Read(ctx context.Context, br *bufio.Reader, file string, m *Mux, st *Stats) error {
	defer m.Finish()
	first, err := firstNonSpace(br)
	if err != nil {
		return nil // empty input
	}
	if first == '[' || first == '{' {
		head, _ := br.Peek(br.Size())
		if first == '[' && jsonStart(head) || first == '{' && !firstLineIsValue(br) {
			return readDocument(ctx, br, file, m, st)
		}
	}
	return Lines(ctx, br, file, st, func(n int64, line []byte) {
		m.Line(Source{File: file, Line: n}, line)
	})
}

// IsDocument reports whether an input starting with head is read as a JSON
// document rather than as lines.
func IsDocument(head []byte) bool {
	head = bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if len(head) == 0 || head[0] != '[' && head[0] != '{' {
		return false
	}
	if head[0] == '[' {
		return jsonStart(head)
	}
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	line = bytes.TrimSpace(line)
	end, err := valueEnd(line)
	return err != nil || end != len(line)
}

// firstLineIsValue reports whether the first line is one whole JSON value
// (NDJSON), as opposed to the start of a pretty-printed document.
func firstLineIsValue(br *bufio.Reader) bool {
	head, err := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	} else if err != io.EOF {
		return false // longer than the buffer: the document reader copes with any layout
	}
	end, err := valueEnd(bytes.TrimSpace(head))
	return err == nil && end == len(bytes.TrimSpace(head))
}

// valueEnd returns where the JSON object or array starting b ends, matching
// brackets outside strings; it does not validate the content.
func valueEnd(b []byte) (int, error) {
	depth, inStr := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, io.ErrUnexpectedEOF
}

// jsonStream reads JSON structure from a stream byte by byte: enough to walk
// the top of a document and cut out each record, bounded in size, without
// decoding it. A record that is not valid JSON inside is cut out all the same,
// and its parser reports it: reading goes on after it.
type jsonStream struct {
	br   *bufio.Reader
	buf  []byte
	line int64 // 1-based line of the next byte
}

func (s *jsonStream) peek() (byte, error) {
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case '\n':
			s.line++
			continue
		case ' ', '\t', '\r':
			continue
		}
		s.br.UnreadByte()
		return b, nil
	}
}

func (s *jsonStream) next() (byte, error) {
	b, err := s.peek()
	if err == nil {
		s.br.ReadByte()
	}
	return b, err
}

// value reads one whole JSON value. Values over max bytes are consumed to
// their end but not kept: errTooLarge.
func (s *jsonStream) value(max int) ([]byte, error) {
	s.buf = s.buf[:0]
	first, err := s.peek()
	if err != nil {
		return nil, err
	}
	over := false
	keep := func(b byte) {
		if !over {
			if len(s.buf) >= max {
				over = true
				s.buf = s.buf[:0]
				return
			}
			s.buf = append(s.buf, b)
		}
	}
	if first == '}' || first == ']' || first == ',' || first == ':' {
		return nil, fmt.Errorf("%q where a value should be", first)
	}
	if first != '{' && first != '[' && first != '"' {
		// A scalar: up to the next delimiter.
		for {
			b, err := s.br.ReadByte()
			if err != nil {
				return s.buf, nil
			}
			if b == ',' || b == ']' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t' {
				s.br.UnreadByte()
				return s.buf, nil
			}
			keep(b)
		}
	}
	depth, inStr := 0, false
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		keep(b)
		if b == '\n' {
			s.line++
		}
		if inStr {
			if b == '\\' {
				c, err := s.br.ReadByte()
				if err != nil {
					return nil, io.ErrUnexpectedEOF
				}
				keep(c)
			} else if b == '"' {
				inStr = false
				if depth == 0 {
					break
				}
			}
			continue
		}
		switch b {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > MaxDepth*4 {
				over = true
			}
		case '}', ']':
			depth--
		}
		if depth == 0 && !inStr {
			break
		}
	}
	if over {
		return nil, errTooLarge
	}
	return s.buf, nil
}

var errTooLarge = fmt.Errorf("JSON record over %d bytes or nested over %d levels", MaxRecord, MaxDepth)

// readDocument walks a stream of JSON documents: each is an array of records
// (or pages), a page object, or one record.
func readDocument(ctx context.Context, br *bufio.Reader, file string, m *Mux, st *Stats) error {
	s := &jsonStream{br: br, line: 1}
	var rank int64
	record := func(v []byte) {
		rank++
		st.Lines = rank
		m.Value(Source{File: file, Line: rank, Record: true}, v)
	}
	broken := func(err error) error {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: the document ends in the middle of record %d (truncated file?)", errBrokenJSON, rank+1)
		}
		return fmt.Errorf("%w at line %d, after record %d: %v; the rest is not read", errBrokenJSON, s.line, rank, err)
	}
	// elements reads "[ v, v… ]" after its '['.
	elements := func() error {
		for {
			c, err := s.peek()
			if err != nil {
				return broken(io.ErrUnexpectedEOF)
			}
			switch c {
			case ']':
				s.next()
				return nil
			case ',':
				s.next()
				continue
			}
			v, err := s.value(MaxRecord)
			switch {
			case errors.Is(err, errTooLarge):
				rank++
				st.Errorf(Source{File: file, Line: rank, Record: true}, "%v", err)
			case err != nil:
				return broken(err)
			default:
				record(v)
			}
			if rank&0xff == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	for {
		c, err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("logs: read %s: %w", file, err)
		}
		switch c {
		case '[':
			if err := elements(); err != nil {
				return err
			}
		case '{':
			// A page holds its records under one key; anything else is one record,
			// rebuilt from its fields.
			rec := []byte{'{'}
			page := false
			for {
				c, err := s.peek()
				if err != nil {
					return broken(io.ErrUnexpectedEOF)
				}
				if c == '}' {
					s.next()
					break
				}
				if c == ',' {
					s.next()
					continue
				}
				key, err := s.value(1024)
				if err != nil || len(key) < 2 || key[0] != '"' {
					return broken(fmt.Errorf("expected a field name"))
				}
				key = bytes.Clone(key)
				if c, err := s.next(); err != nil || c != ':' {
					return broken(fmt.Errorf("expected ':' after %s", key))
				}
				if c, _ := s.peek(); c == '[' && isPageKey(key) {
					s.next()
					page = true
					if err := elements(); err != nil {
						return err
					}
					continue
				}
				v, err := s.value(MaxRecord)
				if err != nil {
					if errors.Is(err, errTooLarge) {
						st.Errorf(Source{File: file, Line: rank + 1, Record: true}, "%v", err)
						continue
					}
					return broken(err)
				}
				if len(rec) > 1 {
					rec = append(rec, ',')
				}
				if len(rec)+len(key)+len(v) < MaxRecord {
					rec = append(append(append(rec, key...), ':'), v...)
				}
			}
			if !page {
				record(append(rec, '}'))
			}
		default:
			return broken(fmt.Errorf("%q where an array or an object should start", c))
		}
	}
}

func isPageKey(quoted []byte) bool {
	k := string(quoted[1 : len(quoted)-1])
	for _, p := range pageKeys {
		if k == p {
			return true
		}
	}
	return false
}

// IsBroken reports whether err says a JSON document could not be read to its end.
func IsBroken(err error) bool { return errors.Is(err, errBrokenJSON) }
