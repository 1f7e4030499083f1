#!/usr/bin/env bash
# The test command: scripts/test.sh [pytest args...]
# Creates .venv (if missing), installs the package with its test extras, runs pytest.
# Database tests run on SQLite and on a throwaway PostgreSQL the tests start
# themselves (needs PostgreSQL server binaries, e.g. apt-get install postgresql-15;
# without them those tests are skipped, or fail when CI=true).
# BILLING_TEST_DATABASES=sqlite restricts the backends.
# The tests run in parallel on every core (pytest-xdist, -n auto; each worker
# starts its own PostgreSQL); pass -n 0 to run them in one process, or -n N.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x .venv/bin/python ]]; then
  rm -rf .venv
  if ! "${PYTHON:-python3}" -m venv .venv; then
    rm -rf .venv
    echo "scripts/test.sh: could not create .venv with ${PYTHON:-python3}" \
      "(Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  fi
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test,validate]'
exec .venv/bin/python -m pytest -q -n auto "$@"
