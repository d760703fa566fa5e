#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when we may (as root), else say how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium for the browser tests (apt-get install chromium)..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "the browser tests need Chromium: install it (e.g. 'sudo apt-get install chromium') or set CHROMIUM=/path/to/chromium" >&2
exit 2
