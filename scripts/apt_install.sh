#!/usr/bin/env bash
# Install a Debian package that a test needs, if we are root; otherwise say how, and fail.
#   scripts/apt_install.sh PACKAGE "What it is"
set -euo pipefail
package=$1 what=$2
if [ "$(id -u)" != 0 ]; then
  echo "$what is not installed. Install Debian's '$package' package (as root), then run this again." >&2
  exit 1
fi
echo "Installing $what (Debian package '$package')..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq "$package" >&2
