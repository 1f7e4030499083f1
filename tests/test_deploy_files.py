"""The scheduled monthly run of deploy/: the systemd service and the cron line
both bill the month before the current one, and the timer catches up on a
missed start (safe: a month already billed issues nothing, exit 0)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from billing.period import Month
from db_helpers import TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, write, write_volumes
from helpers_cli import cli, flat

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
BILLING = "/opt/billing/venv/bin/billing"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return unit


def _run_echoed(command: str) -> str:
    """The command with billing replaced by echo: the arguments it would get."""
    assert BILLING in command
    shell = shutil.which("sh")
    return subprocess.run([shell, "-c", command.replace(BILLING, "echo")], capture_output=True,
                          text=True, check=True, timeout=10).stdout.strip()


@pytest.mark.skipif(subprocess.run(["date", "-d", "2013-01-01 -1 day"], capture_output=True).returncode,
                    reason="needs GNU date, as on the servers the units are for")
def test_the_service_and_the_cron_line_bill_the_previous_month():
    previous = Month.of(date.today().replace(day=1) - timedelta(days=1))
    service = _unit("billing-run.service")["Service"]
    # systemd's own escapes: %% is %, $$ is $; then ExecStart is /bin/sh -c '…'.
    exec_start = service["ExecStart"].replace("%%", "%").replace("$$", "$")
    assert exec_start.startswith("/bin/sh -c '") and exec_start.endswith("'")
    assert _run_echoed(exec_start.removeprefix("/bin/sh -c '")[:-1]) == f"run {previous}"
    assert "BILLING_AUTO_UPGRADE=false" in service["Environment"]

    [line] = [l for l in (DEPLOY / "cron" / "billing").read_text(encoding="utf-8").splitlines()
              if l.startswith("0 6 5 * * billing ")]
    command = line.removeprefix("0 6 5 * * billing ").replace("\\%", "%")
    run_part = command[command.index(BILLING):]
    assert _run_echoed(run_part) == f"run {previous}"


def test_the_timer_starts_the_service_monthly_and_catches_up():
    timer = _unit("billing-run.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-05 06:00:00"
    assert timer["Persistent"] == "true"


def test_a_second_start_for_a_billed_month_issues_nothing_and_exits_0(engine, database_url, tmp_path):
    """What the timer relies on."""
    assert cli(database_url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(database_url, "agencies", "import", write(tmp_path, "a.toml", WORLD_AGENCIES)).exit_code == 0
    volumes = write_volumes(tmp_path, "v.csv", WORLD_VOLUMES["2012-11"])
    assert cli(database_url, "volumes", "import", volumes).exit_code == 0
    first = cli(database_url, "--no-auto-upgrade", "run", "2012-11", "--date", "2012-12-05")
    assert first.exit_code == 0, first.output
    again = cli(database_url, "--no-auto-upgrade", "run", "2012-11", "--date", "2012-12-05")
    assert again.exit_code == 0
    assert "2012-11 is already billed: 3 invoices issued 2012-12-05" in flat(again.stdout)


def test_the_web_service_serves_on_localhost_as_billing_without_migrating():
    unit = _unit("billing-web.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[:2] == [BILLING, "serve"]
    assert "--host 127.0.0.1" in service["ExecStart"]
    assert service["User"] == "billing" and "BILLING_AUTO_UPGRADE=false" in service["Environment"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"
