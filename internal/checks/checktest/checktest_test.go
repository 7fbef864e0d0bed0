package checktest

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// echo emits ECHO_CLIENT with the client address the trace gives, and
// ECHO_AUTH with the DMARC result, and OTHER (a name it does not define).
type echo struct{}

func (echo) Name() string { return "echo" }
func (echo) Signals() []scan.Definition {
	return []scan.Definition{{Name: "ECHO_CLIENT", FR: "client", EN: "client"}, {Name: "ECHO_AUTH", FR: "auth", EN: "auth"}}
}
func (e echo) Checks() []scan.Check { return []scan.Check{e} }
func (echo) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	out.Emit("ECHO_CLIENT", in.Env.ClientIP.String()+" "+in.Env.MailFrom)
	out.Emit("ECHO_AUTH", string(in.Auth.DMARC))
	out.Emit("OTHER", "")
}

// A golden message's envelope and authentication come from the trace the
// border MX wrote; a family's output keeps its own signals only.
func TestEmittedReadsTheTrace(t *testing.T) {
	raw := Message(`Return-Path: <bounce@sender.example>
Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=sender.example; dmarc=pass header.from=sender.example
Received: from mail.sender.example (mail.sender.example [192.0.2.10])
	by mx.vigie.test (Postfix) with ESMTP id 1; Tue, 12 Mar 2024 10:00:02 +0100
From: a@sender.example
Subject: x`, "x\n")
	got := string(Format(Emitted(raw, echo{})))
	if want := "ECHO_CLIENT\t192.0.2.10 bounce@sender.example\nECHO_AUTH\tpass\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if in := Input(raw); in.Auth.DMARC != "pass" || in.Env.HELO != "mail.sender.example" {
		t.Errorf("Input: %+v %+v", in.Auth, in.Env)
	}
	// Without the MX's trace, nothing is known.
	if got := string(Format(Emitted(Message("From: a@sender.example\nSubject: x", "x\n"), echo{}))); got != "ECHO_CLIENT\tinvalid IP \nECHO_AUTH\t\n" {
		t.Errorf("untraced: %q", got)
	}
}
