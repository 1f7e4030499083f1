"""The ``billing`` command line on a real database (typer's CliRunner)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from billing.persistence.models import InvoiceRow
from db_helpers import (ORG_A, ORG_B, ORG_C, TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES,
                        check_assumed_prices, copy_tariffs, counts, dump, scalar, write,
                        write_volumes)
from helpers_cli import cli, flat

BAD_VOLUMES = [WORLD_VOLUMES["2012-11"][0], f"2012-11,{ORG_B},PAY-SLIP-DEV,fem,Palasso,"]


def _load(url, tmp_path):
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(url, "agencies", "import", write(tmp_path, "agencies.toml", WORLD_AGENCIES)).exit_code == 0
    path = write_volumes(tmp_path, "2012-11.csv", WORLD_VOLUMES["2012-11"])
    assert cli(url, "volumes", "import", path).exit_code == 0


def test_load_import_run_list_and_show(engine, database_url, tmp_path):
    check_assumed_prices()
    url = database_url

    loaded = cli(url, "tariffs", "load", TARIFFS)
    assert loaded.exit_code == 0
    assert "Catalogue: 37 new services. Price lists: 3 added" in flat(loaded.stdout)

    agencies = write(tmp_path, "agencies.toml", WORLD_AGENCIES)
    imported = cli(url, "agencies", "import", agencies)
    assert imported.exit_code == 0
    assert f"{agencies}: 3 agencies added, 0 updated, 0 unchanged." in flat(imported.stdout)
    again = cli(url, "agencies", "import", agencies)
    assert f"{agencies}: 0 agencies added, 0 updated, 3 unchanged." in flat(again.stdout)

    volumes = write_volumes(tmp_path, "2012-11.csv", WORLD_VOLUMES["2012-11"])
    first = cli(url, "volumes", "import", volumes)
    assert first.exit_code == 0
    assert f"{volumes}: 6 volume records imported, 0 already there." in flat(first.stdout)
    second = cli(url, "volumes", "import", volumes)
    assert f"{volumes}: 0 volume records imported, 6 already there." in flat(second.stdout)
    assert "The file is already imported: nothing added." in flat(second.stdout)
    assert "already imported" not in flat(first.stdout)

    run = cli(url, "run", "2012-11", "--date", "2012-12-05")
    assert run.exit_code == 0
    out = flat(run.stdout)
    # 4048 + 19715 + 8990 = 32753 kronor payable (see test_billing_run).
    assert "3 invoices issued for 2012-11, numbers 1-3, total payable 32 753,00 SEK." in out
    for number, org, name, payable in ((1, ORG_A, "Alfaverket", "4 048,00"),
                                       (2, ORG_B, "Betaverket", "19 715,00"),
                                       (3, ORG_C, "Gammaverket", "8 990,00")):
        assert f"│ {number} │ Faktura │ 2012-11 │ 2012-12-05 │ {org} │ {name} │" in out
        assert payable in out
    assert scalar(engine, sa.select(sa.func.count()).select_from(InvoiceRow)) == 3

    rerun = cli(url, "run", "2012-11", "--date", "2012-12-06")
    assert rerun.exit_code == 0
    assert "2012-11 is already billed: 3 invoices issued 2012-12-05" in flat(rerun.stdout)
    assert scalar(engine, sa.select(sa.func.count()).select_from(InvoiceRow)) == 3

    listed = flat(cli(url, "invoices", "list").stdout)
    assert all(f"│ {n} │ Faktura │ 2012-11 │" in listed for n in (1, 2, 3))
    assert "3 fakturor" in listed and "32 753,00" in listed
    assert "│ 1 │" not in flat(cli(url, "invoices", "list", "--period", "2012-12").stdout)

    shown = cli(url, "invoice", "show", "1")
    assert shown.exit_code == 0
    text = flat(shown.stdout)
    for expected in ("Fakturanummer 1", "Förfallodatum 2013-01-04", "Kund Alfaverket",
                     f"Organisationsnummer {ORG_A}", "Er referens A-100",
                     "Lönerelaterade tjänster", "prislista standard-2012-06",
                     "underlag: 1 volympost", "Summa lönerelaterade tjänster",
                     # 3238.00 net, VAT 809.50, 4047.50 rounded to 4048
                     "Summa exkl. moms 3 238,00", "Moms 25 % på 3 238,00 809,50",
                     "Öresavrundning 0,50", "Att betala (SEK) 4 048,00"):
        assert expected in text, expected
    assert "Ekonomiadministrativa tjänster" not in text

    beta = flat(cli(url, "invoice", "show", "2").stdout)
    # Lines grouped by area, payroll first: payroll 3410.00, finance 12362.00.
    assert beta.index("Lönerelaterade tjänster") < beta.index("Ekonomiadministrativa tjänster")
    assert "Summa lönerelaterade tjänster │ │ │ │ 3 410,00" in beta
    assert "Summa ekonomiadministrativa tjänster │ │ │ │ 12 362,00" in beta
    assert "Öresavrundning 0,00" in beta

    missing = cli(url, "invoice", "show", "999")
    assert missing.exit_code == 1
    assert "no invoice number 999" in missing.stderr


def test_bad_volume_file_exits_1_and_changes_nothing(engine, database_url, tmp_path):
    _load(database_url, tmp_path)
    before = dump(engine)
    good = write_volumes(tmp_path, "2012-12.csv", WORLD_VOLUMES["2012-12"])
    bad = write_volumes(tmp_path, "bad.csv", BAD_VOLUMES)

    # Several files are imported together or not at all: the good one is not kept.
    result = cli(database_url, "volumes", "import", good, bad)

    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "1 problem found, nothing was changed:" in err
    assert f"{bad}:3" in err and "not a number: 'fem'" in err
    assert result.stdout == ""
    after = dump(engine)
    assert after == before


def test_bad_volume_file_error_names_the_field(engine, database_url, tmp_path):
    _load(database_url, tmp_path)
    bad = write_volumes(tmp_path, "bad.csv", BAD_VOLUMES)
    result = cli(database_url, "volumes", "import", bad)
    assert result.exit_code == 1
    assert f"{bad}:3 [quantity]: not a number: 'fem'" in flat(result.stderr)


def test_run_before_the_month_has_ended_exits_1(engine, database_url, tmp_path):
    _load(database_url, tmp_path)
    before = dump(engine)
    result = cli(database_url, "run", "2012-11", "--date", "2012-11-30")
    assert result.exit_code == 1
    assert "the invoice date 2012-11-30 must be after 2012-11-30" in flat(result.stderr)
    assert dump(engine) == before


def test_bad_arguments_are_usage_errors(engine, database_url):
    before = dump(engine)  # empty but for the seeded invoice number series
    for args in (("run", "2012-13", "--date", "2013-01-05"), ("run", "2012-11", "--date", "5/12/2012")):
        result = cli(database_url, *args)
        assert result.exit_code == 2, args
    assert dump(engine) == before


def test_bad_tariff_directory_exits_1_and_stores_nothing(engine, database_url, tmp_path):
    before = dump(engine)  # empty but for the seeded invoice number series
    tariffs = copy_tariffs(tmp_path)
    text = (tariffs / "standard-2013-01.toml").read_text(encoding="utf-8")
    write(tariffs, "standard-2013-02.toml", text.replace('id = "standard-2013-01"', 'id = "standard-2013-02"')
          .replace("valid_from = 2013-01-01", "valid_from = 2013-02-15"))
    result = cli(database_url, "tariffs", "load", tariffs)
    assert result.exit_code == 1
    assert "valid_from must be the first day of a month, not 2013-02-15" in flat(result.stderr)
    assert f"{tariffs / 'standard-2013-02.toml'}:" in flat(result.stderr)
    assert dump(engine) == before
