package links

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// platforms is the embedded catalogue the package-level lookups read,
// built once. The catalogue is compiled in and every test of the package
// loads it: a catalogue that does not load is a broken build, said at once
// rather than read as "no platform" by the indicator guard and the brand
// family.
var platforms = sync.OnceValue(func() *Check {
	c, err := New(Options{})
	if err != nil {
		panic(fmt.Errorf("links: embedded hosting catalogue: %w", err))
	}
	return c
})

// UserSite reports whether host is a user's own site on a publishing
// platform of the embedded catalogue (free hosting, cloud storage, form
// service): a subdomain of the platform's domain, not the platform
// itself. The indicator guard uses it to tell an attacker's page on a
// platform listed among the top sites (evil.weebly.com) from the
// platform's own service. A provider's own service endpoint
// (providerEndpoint: sns.amazonaws.com) is no user's site.
func UserSite(host string) (platform string, ok bool) {
	return userSite(host, "free_hosting", "cloud_storage", "form_service")
}

// FreeHostedSite reports whether host is a user's own site on a free
// hosting platform of the embedded catalogue (evil.weebly.com,
// x.web.app), whether or not the platform is among the top sites: what
// a public body's mail never leads to (brand institution.go).
func FreeHostedSite(host string) bool {
	_, ok := userSite(host, "free_hosting")
	return ok
}

// FreeHostedUser returns the labels a user names for a site on a free
// hosting platform, the part of host below the platform's domain
// (chu-exemple for chu-exemple.webflow.io, main.chu-exemple for a branch
// of a pages.dev project, chu-exemple.uc.r for an App Engine app in a
// region), or "" for any other host.
func FreeHostedUser(host string) string {
	platform, ok := userSite(host, "free_hosting")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(strings.Trim(strings.ToLower(host), "."), "."+platform)
}

// SharedPlatform returns a publishing platform of the embedded catalogue
// (free hosting, cloud storage, form service) at domain or below it
// (webflow.io itself; sites.google.com below google.com), "" when there
// is none: a name that covers every user's site on the platform at once,
// not one user's. The brand family refuses it as an affiliate
// (org.affiliates), where it would spare every look-alike page of ours
// published there (paiement-chu-exemple.webflow.io).
func SharedPlatform(domain string) string {
	embedded := platforms()
	domain = strings.Trim(strings.ToLower(domain), ".")
	if domain == "" {
		return ""
	}
	var found []string
	for _, cat := range [...]string{"free_hosting", "cloud_storage", "form_service"} {
		s := embedded.category(cat)
		if s == nil {
			continue
		}
		for _, hosts := range [...]map[string]bool{s.domains, s.exact} {
			for p := range hosts {
				if p == domain || strings.HasSuffix(p, "."+domain) {
					found = append(found, p)
				}
			}
		}
		for p := range s.paths {
			if p == domain || strings.HasSuffix(p, "."+domain) {
				found = append(found, p)
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	return found[0]
}

func userSite(host string, cats ...string) (platform string, ok bool) {
	embedded := platforms()
	host = strings.Trim(strings.ToLower(host), ".")
	if providerEndpoint(host) {
		return "", false
	}
	for _, cat := range cats {
		s := embedded.category(cat)
		if s == nil {
			continue
		}
		for h := host; ; {
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
			if s.domains[h] {
				return h, true
			}
		}
	}
	return "", false
}

// providerEndpoints are a cloud provider's own services under the domain
// its customers publish on, by registrable domain: the hosts no customer
// can name, from which the provider itself writes and links. Amazon SNS
// mails its topic notifications and subscription confirmations from
// no-reply@sns.amazonaws.com, and their confirm and unsubscribe links go
// to the service's regional endpoint sns.<region>.amazonaws.com (Amazon
// SNS Developer Guide, "Email notifications"; AWS General Reference,
// "Amazon Simple Notification Service endpoints and quotas"). A
// customer's bucket or server under amazonaws.com is named by more labels
// (bucket.s3.<region>.amazonaws.com, ec2-….compute.amazonaws.com,
// ….execute-api.<region>.amazonaws.com) and stays cloud storage.
var providerEndpoints = map[string][]string{
	"amazonaws.com": {"sns"},
}

// providerEndpoint reports host as a provider's own service endpoint
// (providerEndpoints): <service>.<domain> or <service>.<region>.<domain>,
// the region an AWS region code (eu-west-3, us-gov-west-1).
func providerEndpoint(host string) bool {
	for domain, services := range providerEndpoints {
		rest, ok := strings.CutSuffix(host, "."+domain)
		if !ok {
			continue
		}
		service, region, regional := strings.Cut(rest, ".")
		if regional && !awsRegion(region) {
			continue
		}
		for _, s := range services {
			if service == s {
				return true
			}
		}
	}
	return false
}

// awsRegion reports an AWS region code: a geography, an optional
// partition (gov, iso…), a direction and a number (eu-west-3,
// us-gov-west-1, ap-southeast-2), one DNS label.
func awsRegion(label string) bool {
	parts := strings.Split(label, "-")
	if len(parts) < 3 || len(parts) > 4 || len(parts[0]) != 2 {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	n := parts[len(parts)-1]
	return n != "" && strings.Trim(n, "0123456789") == ""
}
