#!/usr/bin/env bash
# Dependency audit (docs/security.md): every pinned Python package (requirements.lock) and the
# widget's npm packages against the public advisory databases (PyPI/OSV and npm).
# It needs to reach those databases; where it cannot, it says so and fails: no result is not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
py=$(scripts/find_python.sh) || exit 1
if [ ! -x var/audit-venv/bin/pip-audit ]; then
  "$py" -m venv var/audit-venv && var/audit-venv/bin/pip install --quiet --disable-pip-version-check pip-audit==2.7.3 \
    || { echo "Could not install pip-audit." >&2; exit 1; }
fi
status=0
echo "== Python packages (requirements.lock), via pip-audit"
# --no-deps: the lock pins every package already; --disable-pip: read the pins, install nothing;
# --strict: a package that could not be checked fails the audit (otherwise it says "no known
# vulnerabilities" having checked nothing).
var/audit-venv/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict --desc on || status=1
echo "== npm packages (widget/package-lock.json), via npm audit"
(cd widget && npm audit --audit-level=low) || status=1
if [ $status -ne 0 ]; then
  echo "The audit found advisories or could not reach an advisory database (see above)." >&2
fi
exit $status
