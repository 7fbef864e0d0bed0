package engine

import "testing"

// TestDeveloperListsAreAccepted: open-source and technical mailing lists
// of 2008–2025 run by list software the shared corpus lacks
// (testdata/devlists/README.md, each shape's documentation cited there) —
// vger's and lists.linux.dev's mlmmj with git send-email series, the
// kernel test robot, syzbot, the Patchwork bot and regzbot; Apache's
// ezmlm-idx lists with Jira and GitBox mail; sourceware's and GNU's
// Mailman with DMARC "via" rewrites; Debian's lists, BTS and advisories;
// Mailman 3 announcements; OpenBSD's Majordomo and FreeBSD's mlmmj;
// oss-security; Gerrit, Patchew, Launchpad, Bugzilla, osstest and
// builds.sr.ht notices; and users' posts with command output, passwords
// in configuration snippets, capitals and "kindly help". Each is accepted
// behind the company's trusted MX and under the evaluation's trust
// settings, where nothing of its authentication is believed.
func TestDeveloperListsAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/devlists/*.eml", 51)
}
