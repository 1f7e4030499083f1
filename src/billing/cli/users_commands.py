"""Users of the web and the API, and the web server itself (`billing serve`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from billing.cli.context import console, fail, read, run_in_transaction, settings

users_app = typer.Typer(help="Users of the web and the API, and their tokens.", no_args_is_help=True)


@users_app.command("add")
def users_add(name: Annotated[str, typer.Argument(help="The user's sign-in name.")],
              agency: Annotated[str | None, typer.Option(
                  "--agency", metavar="ORGNR", help="A user of this agency: sees its data only.")] = None,
              staff: Annotated[bool, typer.Option("--staff", help="Centre staff: sees everything.")] = False,
              password_stdin: Annotated[bool, typer.Option(
                  "--password-stdin", help="Read the password from the first line of stdin "
                                           "instead of asking for it.")] = False) -> None:
    """Add a user of the web and the API: of one agency (--agency) or staff (--staff).
    The password is asked for (at least 12 characters) and stored only as its hash."""
    from billing.services.users import UserKind, add_user
    if staff == (agency is not None):
        fail("give either --agency ORGNR or --staff")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    kind = UserKind.STAFF if staff else UserKind.AGENCY
    user = run_in_transaction(lambda s: add_user(s, name, password, kind, agency))
    who = "staff" if user.is_staff else f"agency {user.organisation_number} {user.agency_name}"
    console.print(f"User {user.name} added ({who}).", highlight=False)


@users_app.command("list")
def users_list() -> None:
    """The users, each with its agency (or staff) and its API tokens in use."""
    from billing.services.users import list_users
    for user, tokens in read(list_users):
        who = "staff" if user.is_staff else f"{user.organisation_number} {user.agency_name}"
        console.print(f"{user.name}\t{who}\t{tokens} API token(s)", highlight=False)


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument(help="The user the token acts as.")],
                label: Annotated[str, typer.Option(help="What the token is for, e.g. the system using it.")] = "",
                revoke: Annotated[int | None, typer.Option(
                    "--revoke", metavar="ID", help="Revoke the token with this id instead.")] = None) -> None:
    """Issue an API token for a user (printed once: only its hash is kept), or --revoke one."""
    from billing.services.users import issue_token, revoke_token
    if revoke is not None:
        run_in_transaction(lambda s: revoke_token(s, revoke))
        console.print(f"API token {revoke} revoked.")
        return
    token_id, token = run_in_transaction(lambda s: issue_token(s, name, label))
    console.print(f"API token {token_id} for {name} (shown only now; send it as 'Authorization: Bearer TOKEN'):",
                  highlight=False)
    console.print(token, highlight=False, soft_wrap=True)


def serve(host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
          insecure_cookies: Annotated[bool, typer.Option(
              "--insecure-cookies", help="Send the session cookie over plain HTTP too (only for "
                                         "trying it out without TLS on another host than localhost).")] = False,
          workers: Annotated[int, typer.Option(help="Worker processes.")] = 1) -> None:
    """Serve the customer web and the JSON API (/api/v1) on the database, with uvicorn."""
    import uvicorn

    from billing.web.app import AppConfig
    effective = settings().settings
    config = AppConfig(database_url=effective.database_url, centre=effective.centre,
                       auto_upgrade=effective.auto_upgrade, secure_cookies=not insecure_cookies)
    config.export_to_environment()
    console.print(f"Serving on http://{host}:{port}/ (Ctrl-C stops)", highlight=False)
    uvicorn.run("billing.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=True)
