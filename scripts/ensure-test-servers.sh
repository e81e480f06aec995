#!/usr/bin/env bash
# The tests start a real Dovecot IMAP server and a real Janus on loopback, and drive Debian's Chromium through
# playwright-core (no browser download). This makes sure all three are installed: it installs Debian's packages when
# run as root, and otherwise says what to install. fonts-noto-core gives Chromium Vietnamese glyphs.
set -euo pipefail
missing=()
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v janus >/dev/null 2>&1 || missing+=(janus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-noto-core)
# npm run test:pg: tests/support/postgres.ts runs initdb and postgres from here in a temp dir (no system cluster).
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói để chạy kiểm thử: ${missing[*]}. Hãy cài bằng: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Đang cài các gói cần cho kiểm thử: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
