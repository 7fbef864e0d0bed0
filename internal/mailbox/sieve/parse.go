// Package sieve reads Sieve mail-filtering scripts (RFC 5228 and the
// extensions mail servers ship: copy, fileinto, imap4flags, vacation,
// enotify) far enough to say what each rule does to a message — forward it
// away, throw it out, mark it read, file it out of sight — and to disable
// one rule by rewriting the script with that command wrapped in
// "if false { … }", which keeps the text, stays valid Sieve and is undone
// by activating the original again. It never executes a script.
package sieve

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Limits of the parser: a script larger, deeper or longer than these is
// refused with an error rather than read.
const (
	MaxScript   = 1 << 20
	MaxDepth    = 32
	MaxCommands = 20000
)

// Arg is one positional argument: a tag (":contains"), a number or a
// string list (a single string is a list of one).
type Arg struct {
	Tag     string   `json:"tag,omitempty"`
	Num     *int64   `json:"num,omitempty"`
	Strings []string `json:"strings,omitempty"`
	List    bool     `json:"list,omitempty"` // written with brackets
}

// Test is a test of an if/elsif (and nested tests of allof, anyof, not).
type Test struct {
	Name  string `json:"name"`
	Args  []Arg  `json:"args,omitempty"`
	Tests []Test `json:"tests,omitempty"`
}

// Command is one command with its arguments, tests and block, and where
// it lies in the script (byte offsets, End after its ';' or '}').
type Command struct {
	Name       string    `json:"name"`
	Args       []Arg     `json:"args,omitempty"`
	Tests      []Test    `json:"tests,omitempty"`
	Block      []Command `json:"block,omitempty"`
	HasBlock   bool      `json:"has_block,omitempty"`
	Start, End int       `json:"-"`
}

// Parse reads a script.
func Parse(script string) ([]Command, error) {
	if len(script) > MaxScript {
		return nil, fmt.Errorf("sieve: script of %d bytes (limit %d)", len(script), MaxScript)
	}
	p := &parser{lx: lexer{s: script}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	cmds, err := p.commands(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errorf("unexpected %s", p.tok)
	}
	return cmds, nil
}

type tkind int

const (
	tEOF tkind = iota
	tIdent
	tTag
	tNum
	tString
	tPunct
)

type tok struct {
	kind  tkind
	val   string
	num   int64
	start int
	end   int
}

func (t tok) String() string {
	switch t.kind {
	case tEOF:
		return "end of script"
	case tString:
		return "string " + strconv.Quote(t.val)
	}
	return strconv.Quote(t.val)
}

type parser struct {
	lx    lexer
	tok   tok
	count int
}

func (p *parser) errorf(format string, a ...any) error {
	line := 1 + strings.Count(p.lx.s[:min(p.tok.start, len(p.lx.s))], "\n")
	return fmt.Errorf("sieve: line %d: %s", line, fmt.Sprintf(format, a...))
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) punct(c string) bool { return p.tok.kind == tPunct && p.tok.val == c }

func (p *parser) commands(depth int) ([]Command, error) {
	if depth > MaxDepth {
		return nil, p.errorf("blocks nested deeper than %d", MaxDepth)
	}
	var out []Command
	for p.tok.kind == tIdent {
		if p.count++; p.count > MaxCommands {
			return nil, p.errorf("more than %d commands", MaxCommands)
		}
		c := Command{Name: strings.ToLower(p.tok.val), Start: p.tok.start}
		if err := p.advance(); err != nil {
			return nil, err
		}
		var err error
		if c.Args, c.Tests, err = p.arguments(depth); err != nil {
			return nil, err
		}
		switch {
		case p.punct(";"):
			c.End = p.tok.end
		case p.punct("{"):
			if err := p.advance(); err != nil {
				return nil, err
			}
			c.HasBlock = true
			if c.Block, err = p.commands(depth + 1); err != nil {
				return nil, err
			}
			if !p.punct("}") {
				return nil, p.errorf("expected '}', got %s", p.tok)
			}
			c.End = p.tok.end
		default:
			return nil, p.errorf("expected ';' or '{' after %s, got %s", c.Name, p.tok)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// arguments reads *argument [test / test-list].
func (p *parser) arguments(depth int) ([]Arg, []Test, error) {
	var args []Arg
	for {
		switch {
		case p.tok.kind == tTag:
			args = append(args, Arg{Tag: strings.ToLower(p.tok.val)})
		case p.tok.kind == tNum:
			n := p.tok.num
			args = append(args, Arg{Num: &n})
		case p.tok.kind == tString:
			args = append(args, Arg{Strings: []string{p.tok.val}})
		case p.punct("["):
			l, err := p.stringList()
			if err != nil {
				return nil, nil, err
			}
			args = append(args, Arg{Strings: l, List: true})
			continue
		case p.tok.kind == tIdent:
			t, err := p.test(depth + 1)
			return args, []Test{t}, err
		case p.punct("("):
			ts, err := p.testList(depth + 1)
			return args, ts, err
		default:
			return args, nil, nil
		}
		if err := p.advance(); err != nil {
			return nil, nil, err
		}
	}
}

// stringList reads "[" string *("," string) "]" and the token after it.
func (p *parser) stringList() ([]string, error) {
	var out []string
	for {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tString {
			return nil, p.errorf("expected a string in a list, got %s", p.tok)
		}
		out = append(out, p.tok.val)
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.punct("]") {
			return out, p.advance()
		}
		if !p.punct(",") {
			return nil, p.errorf("expected ',' or ']', got %s", p.tok)
		}
	}
}

func (p *parser) test(depth int) (Test, error) {
	if depth > MaxDepth {
		return Test{}, p.errorf("tests nested deeper than %d", MaxDepth)
	}
	if p.count++; p.count > MaxCommands {
		return Test{}, p.errorf("more than %d commands", MaxCommands)
	}
	t := Test{Name: strings.ToLower(p.tok.val)}
	if err := p.advance(); err != nil {
		return t, err
	}
	var err error
	t.Args, t.Tests, err = p.arguments(depth)
	return t, err
}

// testList reads "(" test *("," test) ")" and the token after it.
func (p *parser) testList(depth int) ([]Test, error) {
	var out []Test
	for {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tIdent {
			return nil, p.errorf("expected a test, got %s", p.tok)
		}
		t, err := p.test(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if p.punct(")") {
			return out, p.advance()
		}
		if !p.punct(",") {
			return nil, p.errorf("expected ',' or ')', got %s", p.tok)
		}
	}
}

type lexer struct {
	s   string
	pos int
}

var errUnterminated = errors.New("sieve: unterminated string or comment")

func (l *lexer) next() (tok, error) {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			l.pos++
		case c == '#':
			if i := strings.IndexByte(l.s[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.s)
			}
		case c == '/' && strings.HasPrefix(l.s[l.pos:], "/*"):
			i := strings.Index(l.s[l.pos+2:], "*/")
			if i < 0 {
				return tok{}, errUnterminated
			}
			l.pos += i + 4
		default:
			return l.token()
		}
	}
	return tok{kind: tEOF, start: l.pos, end: l.pos}, nil
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) token() (tok, error) {
	start := l.pos
	c := l.s[l.pos]
	word := func(from int) string {
		i := from
		for i < len(l.s) && (isAlpha(l.s[i]) || isDigit(l.s[i])) {
			i++
		}
		l.pos = i
		return l.s[from:i]
	}
	switch {
	case c == ':' && l.pos+1 < len(l.s) && isAlpha(l.s[l.pos+1]):
		w := word(l.pos + 1)
		return tok{kind: tTag, val: ":" + w, start: start, end: l.pos}, nil
	case isAlpha(c):
		w := word(l.pos)
		if strings.EqualFold(w, "text") && l.pos < len(l.s) && l.s[l.pos] == ':' {
			return l.multiline(start)
		}
		return tok{kind: tIdent, val: w, start: start, end: l.pos}, nil
	case isDigit(c):
		i := l.pos
		for i < len(l.s) && isDigit(l.s[i]) {
			i++
		}
		n, err := strconv.ParseInt(l.s[l.pos:i], 10, 64)
		if err != nil {
			return tok{}, fmt.Errorf("sieve: number %q: %w", l.s[l.pos:i], err)
		}
		if i < len(l.s) {
			switch l.s[i] | 0x20 {
			case 'k':
				n, i = n<<10, i+1
			case 'm':
				n, i = n<<20, i+1
			case 'g':
				n, i = n<<30, i+1
			}
		}
		l.pos = i
		return tok{kind: tNum, num: n, val: l.s[start:i], start: start, end: i}, nil
	case c == '"':
		var b strings.Builder
		for i := l.pos + 1; i < len(l.s); i++ {
			switch l.s[i] {
			case '\\':
				if i+1 < len(l.s) {
					i++
					b.WriteByte(l.s[i])
				}
			case '"':
				l.pos = i + 1
				return tok{kind: tString, val: b.String(), start: start, end: l.pos}, nil
			default:
				b.WriteByte(l.s[i])
			}
		}
		return tok{}, errUnterminated
	case strings.IndexByte("[](){},;", c) >= 0:
		l.pos++
		return tok{kind: tPunct, val: string(c), start: start, end: l.pos}, nil
	}
	return tok{}, fmt.Errorf("sieve: unexpected character %q at offset %d", c, l.pos)
}

// multiline reads "text:" … CRLF "." CRLF (RFC 5228 §2.4.2), undoing the
// dot-stuffing.
func (l *lexer) multiline(start int) (tok, error) {
	l.pos++ // the ':'
	nl := strings.IndexByte(l.s[l.pos:], '\n')
	if nl < 0 {
		return tok{}, errUnterminated
	}
	l.pos += nl + 1
	var b strings.Builder
	for l.pos < len(l.s) {
		end := strings.IndexByte(l.s[l.pos:], '\n')
		if end < 0 {
			return tok{}, errUnterminated
		}
		line := l.s[l.pos : l.pos+end+1]
		l.pos += end + 1
		if strings.TrimRight(line, "\r\n") == "." {
			return tok{kind: tString, val: b.String(), start: start, end: l.pos}, nil
		}
		if strings.HasPrefix(line, "..") {
			line = line[1:]
		}
		b.WriteString(line)
	}
	return tok{}, errUnterminated
}
