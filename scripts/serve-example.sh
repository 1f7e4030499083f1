#!/usr/bin/env bash
# The customer web on the example database, in one command: bills the example
# month (scripts/run-example.sh, which starts over in build/example/), adds two
# users for trying it (staff "personal" and "arn" of Allmänna
# reklamationsnämnden, both with the password "exempel-lösenord", printed
# below: for a local trial only), and serves http://127.0.0.1:8000/ until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scripts/run-example.sh >/dev/null
billing=$root/.venv/bin/billing
cd build/example
unset BILLING_DATABASE_URL
echo "exempel-lösenord" | "$billing" users add personal --staff --password-stdin
echo "exempel-lösenord" | "$billing" users add arn --agency 202132-6364 --password-stdin
echo "Sign in as 'personal' (staff) or 'arn' (an agency) with the password 'exempel-lösenord'."
exec "$billing" serve --host 127.0.0.1 --port "${PORT:-8000}"
