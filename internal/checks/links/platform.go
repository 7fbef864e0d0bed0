package links

import (
	"strings"
	"sync"
)

var (
	platformOnce sync.Once
	platforms    *Check
)

// UserSite reports whether host is a user's own site on a publishing
// platform of the embedded catalogue (free hosting, cloud storage, form
// service): a subdomain of the platform's domain, not the platform
// itself. The indicator guard uses it to tell an attacker's page on a
// platform listed among the top sites (evil.weebly.com) from the
// platform's own service.
func UserSite(host string) (platform string, ok bool) {
	platformOnce.Do(func() { platforms, _ = New(Options{}) })
	if platforms == nil {
		return "", false
	}
	host = strings.Trim(strings.ToLower(host), ".")
	for _, cat := range []string{"free_hosting", "cloud_storage", "form_service"} {
		s := platforms.category(cat)
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
