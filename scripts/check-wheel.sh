#!/usr/bin/env bash
# Builds the wheel and installs it in a fresh virtual environment in a temporary
# directory outside the source tree, then bills the example month with it from
# an empty working directory: the migrations and the default centre file must
# come from the installed package, never from the source tree.
# Needs python3-venv and the package index (the build fetches setuptools).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/billing-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build from a clean copy of what the wheel is made of, so the build leaves nothing here.
mkdir "$work/source"
tar -C "$root" --exclude='*.egg-info' --exclude=__pycache__ -cf - pyproject.toml src |
  tar -C "$work/source" -xf -
"${PYTHON:-python3}" -m venv "$work/venv"
pip=("$work/venv/bin/pip" --disable-pip-version-check -q)
"${pip[@]}" wheel --no-deps -w "$work/dist" "$work/source"
"${pip[@]}" install "$work"/dist/billing-*.whl
rm -rf "$work/source"

mkdir "$work/month"
cd "$work/month"
unset BILLING_DATABASE_URL BILLING_CENTRE BILLING_AUTO_UPGRADE BILLING_LOG_LEVEL PYTHONPATH
export XDG_CONFIG_HOME=$work/config  # no config file of the person running it
billing=$work/venv/bin/billing
installed=$("$work/venv/bin/python" -c 'import billing; print(billing.__file__)')
[[ $installed == "$work/venv/"* ]] || { echo "check-wheel: billing imported from $installed" >&2; exit 1; }

set -x
"$billing" --version
"$billing" invoices list && { echo "check-wheel: a read-only command created a database" >&2; exit 1; }
"$billing" db upgrade
"$billing" tariffs load "$root/tariffs"
"$billing" agencies import "$root/examples/agencies.toml"
"$billing" volumes import "$root/examples/volumes/2012-12.csv"
"$billing" passthrough import "$root/examples/passthrough/amounts-2012-12.csv"
"$billing" passthrough allocate "$root/examples/passthrough/supplier-invoices-2012-12.csv"
"$billing" run 2012-12 --date 2013-01-08 >run.txt
"$billing" run 2012-12 --date 2013-01-08  # billed already: issues nothing, exit 0
"$billing" invoices list --period 2012-12 >list.txt
"$billing" export peppol 2012-12 --out peppol
"$billing" export sie 2013-01 --out ledger.si  # the documents issued in January
[[ $("$billing" export peppol 2012-12 --out peppol) == "Nothing new to write"* ]]  # exported already
"$billing" invoices pdf 2012-12 --out pdf
"$billing" verify
"$billing" audit 2012-12 --format html --out audit.html  # the templates come with the wheel
"$billing" config
{ set +x; } 2>/dev/null
# The PDFs embed the typeface shipped in the package, whatever fonts the machine has.
"$work/venv/bin/python" -c 'from billing.pdf.fonts import FILES, FONT_DIR; import sys; sys.exit(any(not (FONT_DIR / n).is_file() for n in (*FILES.values(), "LICENSE")))' \
  || { echo "check-wheel: the PDF fonts are not in the wheel" >&2; exit 1; }
issued=$(find peppol -name '*.xml' | wc -l)
[[ $issued -gt 0 && $(find pdf -name '*.pdf' | wc -l) -eq $issued && $(grep -c "^#VER " ledger.si) -eq $issued ]]
grep -q "invoices issued for 2012-12" run.txt
grep -q "<title>Fakturagranskning 2012-12</title>" audit.html
echo "check-wheel: the wheel billed 2012-12 outside the source tree: $issued documents"
