#!/usr/bin/env bash
# The browser for the widget's tests: Debian's `chromium`, installed here when
# missing if we are root. Prints its path. Without it the browser tests fail
# (they never skip), so a machine that cannot install it says so loudly.
set -euo pipefail
BROWSER=${PHB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$BROWSER" ]; then
  "$(dirname "$0")/apt_install.sh" chromium Chromium
fi
echo "$BROWSER"
