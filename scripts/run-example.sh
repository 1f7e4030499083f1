#!/usr/bin/env bash
# The main job on the bundled example data: installs the project into .venv,
# then, in a fresh working directory build/example/ with the default embedded
# SQLite database (billing.sqlite there), loads the tariffs, the agencies, the
# December 2012 volumes and pass-through amounts, bills December 2012 and
# prints the invoices it issued. Safe to run again: it starts over each time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

if [[ ! -x .venv/bin/python ]]; then
  rm -rf .venv
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e .
billing=$root/.venv/bin/billing

rm -rf build/example
mkdir -p build/example
cd build/example
unset BILLING_DATABASE_URL  # the embedded default: ./billing.sqlite

set -x
"$billing" db upgrade
"$billing" tariffs load "$root/tariffs"
"$billing" agencies import "$root/examples/agencies.toml"
"$billing" volumes import "$root/examples/volumes/2012-12.csv"
"$billing" passthrough import "$root/examples/passthrough/amounts-2012-12.csv"
"$billing" passthrough allocate "$root/examples/passthrough/supplier-invoices-2012-12.csv"
"$billing" run 2012-12 --date 2013-01-08
{ set +x; } 2>/dev/null
# Two of the invoices in full, as the agencies receive them: one with a
# discount, one on an old Kammarkollegiet agreement.
for name in Kronofogdemyndigheten Gentekniknämnden; do
  "$billing" invoice show "$("$root/.venv/bin/python" -c "
import sqlite3, sys; print(sqlite3.connect('billing.sqlite').execute(
    'select number from invoices where agency_name = ?', (sys.argv[1],)).fetchone()[0])" "$name")"
done
echo "The database is build/example/billing.sqlite; try: cd build/example && $billing invoices list"
