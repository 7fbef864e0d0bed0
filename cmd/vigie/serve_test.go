package main

import (
	"reflect"
	"testing"

	"vigie.dev/vigie/internal/config"
)

// The serve section of vigie.example.yaml documents the embedded defaults.
func TestExampleServeIsTheDefault(t *testing.T) {
	c, err := config.Load("../../vigie.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// An empty YAML list decodes as an empty slice, the default is nil.
	if len(c.Serve.Relay.Domains) == 0 {
		c.Serve.Relay.Domains = nil
	}
	if len(c.Serve.HTTP.Tokens) == 0 {
		c.Serve.HTTP.Tokens = nil
	}
	if len(c.Serve.HTTP.TrustedProxies) == 0 {
		c.Serve.HTTP.TrustedProxies = nil
	}
	if len(c.Serve.RBL.Exempt) == 0 {
		c.Serve.RBL.Exempt = nil
	}
	if d := config.Default().Serve; !reflect.DeepEqual(c.Serve, d) {
		t.Errorf("serve section of vigie.example.yaml:\n%+v\nembedded defaults:\n%+v", c.Serve, d)
	}
}
