# Sourced by run.sh and shell.sh: the intake database and its encryption key.
# Personal fields in intake records are encrypted with PHB_INTAKE_KEY. Without
# one, make a development key on first run (kept in var/, which git ignores).
if [ -z "${PHB_INTAKE_KEY:-}" ]; then
  mkdir -p var
  if [ ! -s var/dev-intake.key ]; then
    (umask 077; .venv/bin/python -c 'from bot.storage.crypto import new_key; print(new_key())' > var/dev-intake.key)
  fi
  PHB_INTAKE_KEY=$(cat var/dev-intake.key)
  export PHB_INTAKE_KEY
  echo "WARNING: intake records are encrypted with a DEVELOPMENT key (var/dev-intake.key)."
  echo "         Do not use it for real people's details: set PHB_INTAKE_KEY (docs/privacy.md)."
fi
mkdir -p "${LOG_DIR:-logs}"
if ! .venv/bin/phb-intake migrate >"${LOG_DIR:-logs}"/migrate.log 2>&1; then
  echo "The intake database could not be set up; see ${LOG_DIR:-logs}/migrate.log." >&2
  exit 1
fi
