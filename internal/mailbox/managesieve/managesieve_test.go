package managesieve

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// script plays a server: it answers each client line with the next
// canned response and records what the client sent.
func serve(t *testing.T, greeting string, answers ...string) (*Client, *strings.Builder) {
	t.Helper()
	cs, ss := net.Pipe()
	var got strings.Builder
	go func() {
		defer ss.Close()
		io.WriteString(ss, greeting)
		r := bufio.NewReader(ss)
		for _, a := range answers {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			got.WriteString(line)
			if i := strings.LastIndex(line, "{"); i >= 0 && strings.HasSuffix(line, "+}\r\n") {
				var n int
				for _, c := range line[i+1 : len(line)-4] {
					n = n*10 + int(c-'0')
				}
				buf := make([]byte, n+2)
				io.ReadFull(r, buf)
				got.Write(buf)
			}
			io.WriteString(ss, a)
		}
	}()
	c := NewClient(cs, 5*time.Second)
	if err := c.greeting(); err != nil {
		t.Fatal(err)
	}
	return c, &got
}

// The greeting and answers are those of RFC 5804 §§1.7, 2.7, 2.9 and of
// Dovecot Pigeonhole.
const greeting = "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject envelope vacation copy imap4flags\"\r\n" +
	"\"SASL\" \"PLAIN LOGIN\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n"

func TestSession(t *testing.T) {
	c, got := serve(t, greeting,
		"OK \"Logged in.\"\r\n",
		"\"summer_script\"\r\n\"vac\\\"ation\" ACTIVE\r\n{13}\r\nclever\"script\r\nOK \"Listscripts completed.\"\r\n",
		"{29}\r\nredirect \"x@example.net\";\r\n\r\n\r\nOK \"Getscript completed.\"\r\n",
		"NO (NONEXISTENT) \"There is no script by that name\"\r\n",
		"NO {39}\r\nline 2: error: unknown command 'foo'.\r\n\r\n",
		"OK (WARNINGS) \"line 1: fileinto without require\"\r\n",
		"OK\r\n",
		"OK \"Logout completed.\"\r\n",
	)
	if v, ok := c.Capability("sieve"); !ok || !strings.Contains(v, "imap4flags") {
		t.Errorf("SIEVE capability %q", v)
	}
	if err := c.AuthenticatePlain("alice@chu.test", "vigie-admin", "secret"); err != nil {
		t.Fatal(err)
	}
	scripts, err := c.ListScripts()
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) != 3 || scripts[1].Name != `vac"ation` || !scripts[1].Active || scripts[2].Name != "clever\"script\r\n"[:13] {
		t.Errorf("scripts %+v", scripts)
	}
	s, err := c.GetScript("vac\"ation")
	if err != nil || s != "redirect \"x@example.net\";\r\n\r\n" {
		t.Errorf("getscript %q %v", s, err)
	}
	_, err = c.GetScript("nope")
	if e, ok := err.(*Error); !ok || e.Resp.Code != "NONEXISTENT" {
		t.Errorf("nonexistent: %v", err)
	}
	err = c.CheckScript("foo;")
	if e, ok := err.(*Error); !ok || !strings.Contains(e.Resp.Text, "unknown command") {
		t.Errorf("checkscript: %v", err)
	}
	if err := c.PutScript("vigie", "fileinto \"x\";"); err != nil {
		t.Errorf("putscript with warnings: %v", err)
	}
	if err := c.SetActive(""); err != nil {
		t.Error(err)
	}
	c.Logout()
	want := "AUTHENTICATE \"PLAIN\" \"YWxpY2VAY2h1LnRlc3QAdmlnaWUtYWRtaW4Ac2VjcmV0\"\r\nLISTSCRIPTS\r\nGETSCRIPT \"vac\\\"ation\"\r\n" +
		"GETSCRIPT \"nope\"\r\nCHECKSCRIPT {4+}\r\nfoo;\r\nPUTSCRIPT \"vigie\" {13+}\r\nfileinto \"x\";\r\nSETACTIVE \"\"\r\nLOGOUT\r\n"
	if got.String() != want {
		t.Errorf("client sent\n%q\nwant\n%q", got.String(), want)
	}
	if c.Commands != 8 {
		t.Errorf("%d commands counted", c.Commands)
	}
}

func TestLimits(t *testing.T) {
	for name, in := range map[string]string{
		"long line":    strings.Repeat("a", MaxLine+10) + "\r\n",
		"huge literal": "{99999999}\r\n",
		"bad literal":  "{12x}\r\n",
		"eof":          "\"IMPL",
		"no crlf":      "{3}xyz",
		"too many":     strings.Repeat("\"s\"\r\n", MaxLines+1),
	} {
		if _, _, err := readResponse(bufio.NewReader(strings.NewReader(in))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add(greeting)
	f.Add("\"a\" ACTIVE\r\n{5}\r\nhello\r\nNO (QUOTA/MAXSIZE) {3}\r\nabc\r\n")
	f.Add("BYE (REFERRAL \"sieve://x\") \"go away\"\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines, resp, err := readResponse(bufio.NewReader(strings.NewReader(s)))
		if err != nil {
			return
		}
		if resp.Status != "OK" && resp.Status != "NO" && resp.Status != "BYE" {
			t.Fatalf("status %q", resp.Status)
		}
		if len(lines) > MaxLines {
			t.Fatalf("%d lines", len(lines))
		}
	})
}
