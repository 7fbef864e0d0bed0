package links

import "testing"

// TestProviderEndpoint: Amazon SNS's own sender and regional endpoints
// are AWS's, not a customer's bucket; every host a customer names under
// amazonaws.com — a bucket called "sns" in any addressing style, a load
// balancer, an API, a server — is still cloud storage (UserSite).
func TestProviderEndpoint(t *testing.T) {
	for host, own := range map[string]bool{
		"sns.amazonaws.com":                          true,
		"sns.eu-west-3.amazonaws.com":                true,
		"sns.us-gov-west-1.amazonaws.com":            true,
		"sns.s3.amazonaws.com":                       false,
		"sns.s3.eu-west-3.amazonaws.com":             false,
		"sns.s3-website-us-east-1.amazonaws.com":     false,
		"sns.s3-eu-west-1.amazonaws.com":             false,
		"sns.eu-west-3.elb.amazonaws.com":            false,
		"a1b2c3.execute-api.eu-west-3.amazonaws.com": false,
		"s3.amazonaws.com":                           false,
		"sns-alerts.amazonaws.com":                   false,
		"sns.evil-west-1.amazonaws.com":              false,
		"sns.amazonaws.com.evil.example":             false,
	} {
		if got := providerEndpoint(host); got != own {
			t.Errorf("providerEndpoint(%s) = %v, want %v", host, got, own)
		}
		if _, user := UserSite(host); user == own && host != "s3.amazonaws.com" && host != "sns.amazonaws.com.evil.example" {
			t.Errorf("UserSite(%s) = %v", host, user)
		}
	}
}

// TestEmbeddedHost: the host a link's query carries is where a redirect
// on the first host leads (brand publicBody follows it off a
// prefecture's site); a query that carries no URL names none.
func TestEmbeddedHost(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"https://www.loiret.gouv.fr/redirect?url=https%3A%2F%2Fantai-avis-paiement.com%2Fd%2F7045", "antai-avis-paiement.com"},
		{"https://www.loiret.gouv.fr/r?a=1&next=//evil.example/x", "evil.example"},
		{"https://www.loiret.gouv.fr/Demarches/Carte-grise-Permis-de-conduire", ""},
		{"https://www.loiret.gouv.fr/recherche?q=permis+de+conduire", ""},
		{"https://www.loiret.gouv.fr/%zz?url=https://x.example/", ""},
	} {
		if got := EmbeddedHost(c.raw); got != c.want {
			t.Errorf("EmbeddedHost(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}
