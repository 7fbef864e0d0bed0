package managesieve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readResponse reads the lines of a response up to and including its
// final OK, NO or BYE line. Each line is returned as its atoms and
// strings; parentheses (response codes) only matter on the final line.
func (c *Client) readResponse() ([][]string, Response, error) {
	return readResponse(c.r)
}

func readResponse(r *bufio.Reader) ([][]string, Response, error) {
	var lines [][]string
	for range MaxLines {
		toks, err := readLine(r)
		if err != nil {
			return lines, Response{}, err
		}
		if len(toks) > 0 && toks[0].kind == atom {
			switch s := strings.ToUpper(toks[0].val); s {
			case "OK", "NO", "BYE":
				return lines, final(s, toks[1:]), nil
			}
		}
		var l []string
		for _, t := range toks {
			if t.kind == atom || t.kind == str {
				l = append(l, t.val)
			}
		}
		lines = append(lines, l)
	}
	return lines, Response{}, fmt.Errorf("more than %d response lines", MaxLines)
}

// final reads "OK [(code)] [string]".
func final(status string, toks []token) Response {
	resp := Response{Status: status}
	if len(toks) > 0 && toks[0].kind == open {
		var code []string
		i := 1
		for ; i < len(toks) && toks[i].kind != closer; i++ {
			if toks[i].kind == str {
				code = append(code, strconv.Quote(toks[i].val))
			} else {
				code = append(code, toks[i].val)
			}
		}
		resp.Code = strings.Join(code, " ")
		toks = toks[min(i+1, len(toks)):]
	}
	for _, t := range toks {
		if t.kind == str || t.kind == atom {
			resp.Text = t.val
			break
		}
	}
	return resp
}

type tokKind int

const (
	atom tokKind = iota
	str
	open
	closer
)

type token struct {
	kind tokKind
	val  string
}

var errLineTooLong = errors.New("response line too long")

// readLine reads one response line into tokens, reading literal strings
// ({n} or {n+} then CRLF then n bytes) inline.
func readLine(r *bufio.Reader) ([]token, error) {
	var toks []token
	n := 0 // bytes of the line outside literals
	next := func() (byte, error) {
		n++
		if n > MaxLine {
			return 0, errLineTooLong
		}
		b, err := r.ReadByte()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return b, err
	}
	for {
		b, err := next()
		if err != nil {
			return nil, err
		}
		switch {
		case b == '\n':
			return toks, nil
		case b == '\r' || b == ' ' || b == '\t':
		case b == '(':
			toks = append(toks, token{kind: open})
		case b == ')':
			toks = append(toks, token{kind: closer})
		case b == '"':
			var sb strings.Builder
			for {
				b, err := next()
				if err != nil {
					return nil, err
				}
				if b == '"' {
					break
				}
				if b == '\\' {
					if b, err = next(); err != nil {
						return nil, err
					}
				} else if b == '\n' {
					return nil, errors.New("line break in a quoted string")
				}
				sb.WriteByte(b)
			}
			toks = append(toks, token{kind: str, val: sb.String()})
		case b == '{':
			var num []byte
			for {
				b, err := next()
				if err != nil {
					return nil, err
				}
				if b == '}' {
					break
				}
				if len(num) > 10 {
					return nil, errors.New("malformed literal size")
				}
				num = append(num, b)
			}
			size, err := strconv.Atoi(strings.TrimSuffix(string(num), "+"))
			if err != nil || size < 0 {
				return nil, fmt.Errorf("malformed literal size %q", num)
			}
			if size > MaxLiteral {
				return nil, fmt.Errorf("literal of %d bytes (limit %d)", size, MaxLiteral)
			}
			if b, err := next(); err == nil && b == '\r' {
				b, err = next()
				if err != nil || b != '\n' {
					return nil, errors.New("literal size not followed by CRLF")
				}
			} else if err != nil || b != '\n' {
				return nil, errors.New("literal size not followed by CRLF")
			}
			buf := make([]byte, size)
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, fmt.Errorf("literal: %w", err)
			}
			toks = append(toks, token{kind: str, val: string(buf)})
		default:
			var sb strings.Builder
			sb.WriteByte(b)
			for {
				p, err := r.Peek(1)
				if err != nil || strings.IndexByte(" \t\r\n\"(){", p[0]) >= 0 {
					break
				}
				b, err := next()
				if err != nil {
					return nil, err
				}
				sb.WriteByte(b)
			}
			toks = append(toks, token{kind: atom, val: sb.String()})
		}
	}
}
