"""Who may use the web and the API: users, their API tokens, signed-in
browsers, and the limit on failed sign-ins.

A user is centre staff (sees everything) or belongs to one agency (sees that
agency's data only: `Scope`). Passwords and API tokens' secrets are kept only
as argon2 hashes (argon2-cffi). A browser's session key is random and looked
up on every request, so it is kept as its SHA-256. Failed sign-ins are
counted per name and per address; past the limit a sign-in is refused
without looking at the password, and every failure is in the event log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from billing.errors import BillingError, DataError
from billing.persistence.models import AgencyRow, ApiTokenRow, LoginFailureRow, WebSessionRow, WebUserRow
from billing.services.events import acting_as, now, operator, record_event
from billing.services.listings import find_agency

SESSION_LIFETIME = timedelta(hours=8)
# Failed sign-ins allowed within the window, per user name and per address.
FAILURE_WINDOW = timedelta(minutes=15)
FAILURES_PER_NAME = 5
FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the name is unknown, so that an unknown name takes as
# long to refuse as a wrong password.
_DUMMY_HASH = _hasher.hash("no such user: a password nobody has")


class UserKind(StrEnum):
    STAFF = "staff"
    AGENCY = "agency"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a user may see: every agency (staff) or one."""

    agency_id: int | None

    @property
    def everything(self) -> bool:
        return self.agency_id is None

    def allows(self, agency_id: int) -> bool:
        return self.agency_id is None or self.agency_id == agency_id


@dataclass(frozen=True, slots=True)
class WebUser:
    id: int
    name: str
    kind: UserKind
    agency_id: int | None = None
    organisation_number: str = ""
    agency_name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.kind is UserKind.STAFF

    @property
    def scope(self) -> Scope:
        return Scope(None if self.is_staff else self.agency_id)

    @property
    def actor(self) -> str:
        """How the event log names what this user does."""
        return f"web:{self.name}"


@dataclass(frozen=True, slots=True)
class SignedIn:
    key: str  # for the cookie; the database keeps only its hash
    csrf_token: str
    user: WebUser


class SignInRefused(BillingError):
    """A wrong name or password, or too many failures: said the same way either
    way, except that a locked-out sign-in says to wait."""

    def __init__(self, message: str, locked: bool = False):
        super().__init__(message)
        self.locked = locked


def add_user(session: Session, name: str, password: str, kind: UserKind,
             agency: str | None = None) -> WebUser:
    """A new user: staff, or of the agency ``agency`` names (organisation number or name)."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise DataError.single("a user name is 1 to 100 printable characters without spaces", field="name")
    if session.scalar(select(WebUserRow.id).where(WebUserRow.name == name)) is not None:
        raise DataError.single(f"there is already a user named {name}", field="name")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DataError.single(f"a password has at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if (kind is UserKind.AGENCY) != (agency is not None):
        raise DataError.single("an agency user names an agency; a staff user none", field="organisation_number")
    agency_id = find_agency(session, agency).id if agency is not None else None
    row = WebUserRow(name=name, kind=str(kind), agency_id=agency_id, password_hash=_hasher.hash(password),
                     created_at=now(), created_by=operator())
    session.add(row)
    session.flush()
    user = _user(session, row)
    record_event(session, "users.add", {"user": name, "kind": str(kind),
                                        **({"agency": user.organisation_number} if agency_id else {})},
                 f"user {name} added ({_described(user)})")
    return user


def issue_token(session: Session, name: str, label: str) -> tuple[int, str]:
    """A new API token for the user: (its id, the token, shown this once)."""
    row = _row_named(session, name)
    secret = secrets.token_urlsafe(32)
    token = ApiTokenRow(user_id=row.id, label=label.strip()[:100], secret_hash=_hasher.hash(secret),
                        created_at=now(), revoked_at=None)
    session.add(token)
    session.flush()
    record_event(session, "users.token", {"user": name, "token": str(token.id), "label": token.label},
                 f"API token {token.id} issued to {name}")
    return token.id, f"{token.id}.{secret}"


def revoke_token(session: Session, token_id: int) -> None:
    row = session.get(ApiTokenRow, token_id)
    if row is None or row.revoked_at is not None:
        raise DataError.single(f"no API token {token_id} in use", field="token")
    row.revoked_at = now()
    record_event(session, "users.token-revoked", {"token": str(token_id)}, f"API token {token_id} revoked")


def list_users(session: Session) -> list[tuple[WebUser, int]]:
    """Every user, by name, with how many API tokens it has in use."""
    tokens = dict(session.execute(select(ApiTokenRow.user_id, func.count())
                                  .where(ApiTokenRow.revoked_at.is_(None)).group_by(ApiTokenRow.user_id)).all())
    return [(_user(session, row), tokens.get(row.id, 0))
            for row in session.scalars(select(WebUserRow).order_by(WebUserRow.name))]


# --- signing in ------------------------------------------------------------------------

def sign_in(session: Session, name: str, password: str, address: str) -> SignedIn:
    """A new browser session for the user, or SignInRefused. A refusal is
    recorded (failure row and event) in the caller's transaction, which must
    commit it: the caller commits and then reports the refusal."""
    name = name.strip()[:100]
    since = now() - FAILURE_WINDOW
    by_name = session.scalar(select(func.count()).select_from(LoginFailureRow).where(
        LoginFailureRow.name == name, LoginFailureRow.occurred_at >= since)) or 0
    by_address = session.scalar(select(func.count()).select_from(LoginFailureRow).where(
        LoginFailureRow.address == address, LoginFailureRow.occurred_at >= since)) or 0
    if by_name >= FAILURES_PER_NAME or by_address >= FAILURES_PER_ADDRESS:
        _failed(session, name, address, "too many failed sign-ins")
        raise SignInRefused("too many failed sign-ins: wait 15 minutes", locked=True)
    row = session.scalars(select(WebUserRow).where(WebUserRow.name == name)).first()
    if not _verify(row.password_hash if row else _DUMMY_HASH, password) or row is None:
        _failed(session, name, address, "wrong name or password")
        raise SignInRefused("wrong name or password")
    key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    moment = now()
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < moment))
    session.add(WebSessionRow(key_hash=_digest(key), user_id=row.id, csrf_token=csrf, created_at=moment,
                              expires_at=moment + SESSION_LIFETIME))
    return SignedIn(key, csrf, _user(session, row))


def session_user(session: Session, key: str) -> tuple[WebUser, str] | None:
    """The user of a browser session still valid, with its CSRF token."""
    found = session.execute(select(WebSessionRow, WebUserRow)
                            .join(WebUserRow, WebSessionRow.user_id == WebUserRow.id)
                            .where(WebSessionRow.key_hash == _digest(key))).first()
    if found is None or found[0].expires_at < now():
        return None
    return _user(session, found[1]), found[0].csrf_token


def sign_out(session: Session, key: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.key_hash == _digest(key)))


def token_user(session: Session, token: str) -> WebUser | None:
    """The user of an API token in use ("<id>.<secret>"), or None."""
    token_id, _, secret = token.partition(".")
    if not token_id.isdigit() or not secret or len(token_id) > 12:
        return None
    found = session.execute(select(ApiTokenRow, WebUserRow).join(WebUserRow, ApiTokenRow.user_id == WebUserRow.id)
                            .where(ApiTokenRow.id == int(token_id), ApiTokenRow.revoked_at.is_(None))).first()
    if found is None or not _verify(found[0].secret_hash, secret):
        return None
    return _user(session, found[1])


def _failed(session: Session, name: str, address: str, why: str) -> None:
    session.add(LoginFailureRow(name=name, address=address[:64], occurred_at=now()))
    with acting_as("web"):
        record_event(session, "web.sign-in-failed", {"user": name, "address": address[:64]},
                     f"sign-in as {name!r} from {address} refused: {why}")


def _verify(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _row_named(session: Session, name: str) -> WebUserRow:
    row = session.scalars(select(WebUserRow).where(WebUserRow.name == name.strip())).first()
    if row is None:
        raise DataError.single(f"no user named {name}", field="name")
    return row


def _user(session: Session, row: WebUserRow) -> WebUser:
    agency = (session.execute(select(AgencyRow.organisation_number, AgencyRow.name)
                              .where(AgencyRow.id == row.agency_id)).first() if row.agency_id else None)
    return WebUser(row.id, row.name, UserKind(row.kind), row.agency_id, *(agency or ("", "")))


def _described(user: WebUser) -> str:
    return "staff" if user.is_staff else f"agency {user.organisation_number} {user.agency_name}"

