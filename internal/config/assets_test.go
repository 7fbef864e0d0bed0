package config

import (
	"net/netip"
	"slices"
	"testing"
)

// One rule for every command and the daemon: flag > environment > config
// file > data_dir.
func TestStoreDSN(t *testing.T) {
	c := Default()
	c.DataDir = "/var/lib/vigie"
	t.Setenv(EnvStore, "")
	if got := c.StoreDSN(""); got != "sqlite:/var/lib/vigie/vigie.db" {
		t.Errorf("data_dir: %q", got)
	}
	c.Store = "postgres://cfg/vigie"
	if got := c.StoreDSN(""); got != "postgres://cfg/vigie" {
		t.Errorf("config: %q", got)
	}
	t.Setenv(EnvStore, "postgres://env/vigie")
	if got := c.StoreDSN(""); got != "postgres://env/vigie" {
		t.Errorf("environment: %q", got)
	}
	if got := c.StoreDSN("sqlite:/tmp/x.db"); got != "sqlite:/tmp/x.db" {
		t.Errorf("flag: %q", got)
	}
}

func TestAssetsAndExempt(t *testing.T) {
	c := Default()
	err := Parse([]byte(`
org:
  domains: [CHU-Exemple.fr]
  hosts: [www.hopital-exemple.fr]
  networks: [198.18.7.0/24, 2001:db8:5::1]
trust:
  relays: ["*.relais.chu-exemple.fr", mx1.prestataire.example]
  networks: [198.18.9.0/24]
serve:
  rbl:
    exempt: [198.18.10.25]
`), &c)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Assets()
	if !slices.Contains(a.Domains, "chu-exemple.fr") || !slices.Contains(a.Domains, "relais.chu-exemple.fr") ||
		!slices.Contains(a.Hosts, "www.hopital-exemple.fr") || !slices.Contains(a.Hosts, "mx1.prestataire.example") {
		t.Errorf("names: %+v", a)
	}
	for _, n := range []string{"198.18.7.0/24", "2001:db8:5::1/128", "198.18.9.0/24"} {
		if !slices.Contains(a.Nets, netip.MustParsePrefix(n)) {
			t.Errorf("nets lack %s: %v", n, a.Nets)
		}
	}
	ex := c.RBLExempt()
	for _, n := range []string{"127.0.0.0/8", "::1/128", "198.18.10.25/32", "198.18.9.0/24"} {
		if !slices.Contains(ex, netip.MustParsePrefix(n)) {
			t.Errorf("exempt lacks %s: %v", n, ex)
		}
	}
	if err := Parse([]byte("org:\n  networks: [not-a-net]\n"), &c); err == nil {
		t.Error("bad org.networks accepted")
	}
}
