#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what to install.
# Rasa 3.6 supports Python 3.8 to 3.10; this project pins 3.10.
set -u
candidates=("${PYTHON:-}" python3.10)
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv root)"/versions/3.10.*/bin/python)
fi
candidates+=("$HOME"/.pyenv/versions/3.10.*/bin/python /root/.pyenv/versions/3.10.*/bin/python
             /usr/bin/python3.10 /usr/local/bin/python3.10 python3)
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  path=$(command -v "$c" 2>/dev/null) || continue
  if "$path" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs Python 3.10 (3.11 and later do not work).
Install it, for example:
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv
  - pyenv:         pyenv install 3.10.13
or point to one with: make run PYTHON=/path/to/python3.10
MSG
exit 1
