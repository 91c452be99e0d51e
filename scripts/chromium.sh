#!/usr/bin/env bash
# The browser for the widget's tests: Debian's `chromium`, installed here when
# missing if we are root. Prints its path. Without it the browser tests fail
# (they never skip), so a machine that cannot install it says so loudly.
set -euo pipefail
BROWSER=${PHB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$BROWSER" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Chromium is not installed. Install Debian's 'chromium' package (as root), then run this again." >&2
    exit 1
  fi
  echo "Installing Chromium (Debian package 'chromium')..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
fi
echo "$BROWSER"
