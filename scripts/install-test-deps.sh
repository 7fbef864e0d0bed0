#!/bin/sh
# install-test-deps.sh installs the real software the end-to-end tests drive:
# Postfix (with its smtp-sink and smtp-source test tools), swaks with the Perl
# TLS modules it needs for STARTTLS (Net::SSLeay, IO::Socket::SSL: swaks only
# recommends them, and apt-get --no-install-recommends skips recommendations),
# Debian's chromium for the web console's browser tests (internal/web), and
# SpamAssassin and rspamd, clients of Vigie's DNS blocklist (internal/rbl).
# Idempotent. Debian/Ubuntu only; run as root. Postfix is installed with
# debconf's "No configuration": the tests write their own main.cf/master.cf
# in a temp directory and never touch /etc/postfix.
set -eu

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

need=""
command -v postfix >/dev/null 2>&1 || [ -x /usr/sbin/postfix ] || need="$need postfix"
command -v swaks >/dev/null 2>&1 || need="$need swaks"
for pkg in libnet-ssleay-perl libio-socket-ssl-perl; do
	installed "$pkg" || need="$need $pkg"
done
[ -x /usr/bin/chromium ] || need="$need chromium"
# SpamAssassin and rspamd read Vigie's DNS blocklist with the rules
# docs/rbl.md gives (internal/rbl's interoperability tests run
# spamassassin -t, and rspamd with rspamc, against it). rspamd only
# recommends redis-server, which the test does not use.
[ -x /usr/bin/spamassassin ] || need="$need spamassassin"
[ -x /usr/bin/rspamd ] || need="$need rspamd"
# Dovecot (IMAP and LMTP) is the test mailbox of vigie selftest's IMAP test;
# with Pigeonhole (Sieve at delivery, ManageSieve) it is the mail server the
# mailbox remediation tests (internal/mailbox) purge, audit and sweep.
for pkg in dovecot-imapd dovecot-lmtpd dovecot-sieve dovecot-managesieved; do
	installed "$pkg" || need="$need $pkg"
done
if [ -z "$need" ]; then
	echo "install-test-deps: postfix, swaks (with its TLS modules), dovecot, chromium, spamassassin and rspamd already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-test-deps: need root to apt-get install:$need" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string vigie.test" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need
# The Debian package may start the system instance; the tests run private
# instances on high ports and do not need it.
if command -v postfix >/dev/null 2>&1; then
	postfix stop >/dev/null 2>&1 || true
fi
# Likewise the system rspamd: the blocklist test runs its own.
if command -v systemctl >/dev/null 2>&1; then
	systemctl stop rspamd >/dev/null 2>&1 || true
fi
# Likewise the system Dovecot: the tests run their own.
if command -v doveadm >/dev/null 2>&1; then
	doveadm stop >/dev/null 2>&1 || true
fi
# swaks reports "TLS not available: requires Net::SSLeay" when these are
# missing; fail here rather than in TestRelaySTARTTLS.
perl -MNet::SSLeay -MIO::Socket::SSL -e 1 || {
	echo "install-test-deps: swaks's TLS modules do not load" >&2
	exit 1
}
echo "install-test-deps: installed$need"
