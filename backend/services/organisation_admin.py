"""Administrators running organisations and partner API clients.

Only ADMINISTRATORs create, rename, deactivate organisations and manage partner clients;
an organisation's own management team may also keep its ContactPoint team contact up to
date (it is what a practitioner sees on a shielded record). Each change writes one audit
event in its own transaction.
"""

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries import organisation_admin as queries
from backend.db.queries.organisation_admin import ApiClientRow, OrganisationRow
from backend.db.tables.vocabulary import ORGANISATION_KINDS
from backend.domain.changes import KEEP, Keep
from backend.domain.contact import email_address, phone_number, text_field
from backend.domain.ids import record_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.policy.caller import Caller, Role
from backend.policy.reach import require_in_good_standing
from backend.services import api_clients
from backend.web.context import RequestContext

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
_ONS_AUTHORITY = re.compile(r"^E(06|07|08|09|10)[0-9]{6}$")
MAX_LIST = 500


@dataclass(frozen=True, slots=True)
class OrganisationChanges:
    """KEEP leaves a value as it is; None (or a blank) clears it."""

    name: str | Keep | None = KEEP
    team_name: str | Keep | None = KEEP
    team_phone: str | Keep | None = KEEP
    team_email: str | Keep | None = KEEP
    team_out_of_hours_phone: str | Keep | None = KEEP


@dataclass(frozen=True, slots=True)
class IssuedToken:
    client: ApiClientRow
    token: str  # shown once


def _administrator(ctx: RequestContext) -> Caller:
    caller = ctx.require_caller()
    if caller.user_id is None or not caller.has(Role.ADMINISTRATOR):
        raise Forbidden("only a national administrator can do this")
    require_in_good_standing(caller)
    return caller


def _signed_in_person(ctx: RequestContext) -> Caller:
    caller = ctx.require_caller()
    if caller.user_id is None:
        raise Forbidden("only signed-in people can list organisations")
    return caller


def _code(value: str, field: str = "code") -> str:
    code = value.strip().upper()
    if not _CODE.match(code):
        raise BadInput(f"{field} must be 2 to 32 capital letters, digits, '-' or '_'", field=field)
    return code


async def _existing(conn: AsyncConnection, code: str, field: str = "code") -> OrganisationRow:
    found = await queries.organisation(conn, code)
    if found is None:
        raise NotFound("no organisation has that code", field=field)
    return found


async def list_organisations(
    ctx: RequestContext, *, kind: str | None, search: str | None
) -> list[OrganisationRow]:
    _signed_in_person(ctx)
    if kind is not None and kind not in ORGANISATION_KINDS:
        raise BadInput(f"kind must be one of {', '.join(ORGANISATION_KINDS)}", field="kind")
    search = text_field(search, "search", limit=200)
    async with ctx.engine.connect() as conn:
        return await queries.organisations(conn, kind=kind, search=search, limit=MAX_LIST)


async def create_organisation(
    ctx: RequestContext, *, code: str, name: str, kind: str, parent_code: str | None
) -> OrganisationRow:
    _administrator(ctx)
    code = _code(code)
    cleaned_name = text_field(name, "name", limit=200, required=True) or ""
    if kind not in ORGANISATION_KINDS:
        raise BadInput(f"kind must be one of {', '.join(ORGANISATION_KINDS)}", field="kind")
    if kind == "LOCAL_AUTHORITY" and not _ONS_AUTHORITY.match(code):
        raise BadInput("a local authority's code is its ONS code, like E08000035", field="code")
    async with ctx.engine.begin() as conn:
        if await queries.organisation(conn, code) is not None:
            raise BadInput(f"an organisation with code {code} already exists", field="code")
        parent_id = None
        if parent_code is not None:
            parent = await _existing(conn, _code(parent_code, "parentCode"), "parentCode")
            if parent.kind != "LOCAL_AUTHORITY":
                raise BadInput("parentCode must be a local authority", field="parentCode")
            parent_id = parent.id
        await queries.insert_organisation(
            conn, code=code, name=cleaned_name, kind=kind, parent_id=parent_id
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(action="ORGANISATION_CREATED", detail={"code": code, "kind": kind}),
        )
        return await _existing(conn, code)


async def update_organisation(
    ctx: RequestContext, code: str, changes: OrganisationChanges
) -> OrganisationRow:
    caller = _signed_in_person(ctx)
    code = _code(code)
    values: dict[str, object] = {}
    if not isinstance(changes.name, Keep):
        values["name"] = text_field(changes.name, "name", limit=200, required=True)
    if not isinstance(changes.team_name, Keep):
        values["team_name"] = text_field(changes.team_name, "teamName", limit=200)
    if not isinstance(changes.team_phone, Keep):
        values["team_phone"] = phone_number(changes.team_phone, "teamPhone")
    if not isinstance(changes.team_email, Keep):
        values["team_email"] = email_address(changes.team_email, "teamEmail")
    if not isinstance(changes.team_out_of_hours_phone, Keep):
        values["team_out_of_hours_phone"] = phone_number(
            changes.team_out_of_hours_phone, "teamOutOfHoursPhone"
        )
    if not values:
        raise BadInput("give at least one detail to change", field="input")
    async with ctx.engine.begin() as conn:
        found = await _existing(conn, code)
        require_in_good_standing(caller)
        own_team = caller.manages(found.id) and "name" not in values
        if not (caller.has(Role.ADMINISTRATOR) or own_team):
            raise Forbidden(
                "only an administrator, or the organisation's own management team for its"
                " team contact, can change this",
                field="code",
            )
        await queries.update_organisation(conn, code, values)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="ORGANISATION_UPDATED", detail={"code": code, "fields": sorted(values)}
            ),
        )
        return await _existing(conn, code)


async def set_organisation_active(
    ctx: RequestContext, code: str, *, active: bool
) -> OrganisationRow:
    _administrator(ctx)
    code = _code(code)
    async with ctx.engine.begin() as conn:
        found = await _existing(conn, code)
        if found.active == active:
            raise BadInput(
                f"this organisation is already {'active' if active else 'deactivated'}",
                field="code",
            )
        await queries.update_organisation(conn, code, {"active": active})
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="ORGANISATION_REACTIVATED" if active else "ORGANISATION_DEACTIVATED",
                detail={"code": code},
            ),
        )
        return await _existing(conn, code)


async def list_api_clients(
    ctx: RequestContext, *, organisation_code: str | None, include_revoked: bool
) -> list[ApiClientRow]:
    _administrator(ctx)
    async with ctx.engine.connect() as conn:
        organisation_id = None
        if organisation_code is not None:
            # Deactivated organisations' clients are listed too (their tokens no longer work).
            found = await queries.organisation(conn, _code(organisation_code, "organisationCode"))
            if found is None:
                raise NotFound("no organisation has that code", field="organisationCode")
            organisation_id = found.id
        return await queries.api_clients(
            conn, organisation_id=organisation_id, include_revoked=include_revoked
        )


async def create_api_client(
    ctx: RequestContext, *, organisation_code: str, name: str, fields: list[str]
) -> IssuedToken:
    _administrator(ctx)
    async with ctx.engine.begin() as conn:
        try:
            made = await api_clients.create_api_client(
                conn,
                ctx.actor,
                organisation_code=_code(organisation_code, "organisationCode"),
                name=name,
                fields=fields,
            )
        except BadInput as error:
            # The service names the command line's options; here they are arguments.
            field = {"org": "organisationCode", "field": "fields"}.get(error.field or "")
            raise BadInput(error.message, field=field or error.field) from None
        client = await queries.api_client(conn, made.id)
    if client is None:
        raise NotFound("the API client was not created", field="id")
    return IssuedToken(client=client, token=made.token)


async def rotate_api_client(ctx: RequestContext, client_id: str) -> IssuedToken:
    _administrator(ctx)
    async with ctx.engine.begin() as conn:
        token = await api_clients.rotate_api_client(conn, ctx.actor, client_id)
        client = await queries.api_client(conn, record_id(client_id, "id", "an API client"))
    if client is None:
        raise NotFound("no API client has that id", field="id")
    return IssuedToken(client=client, token=token)


async def revoke_api_client(ctx: RequestContext, client_id: str) -> ApiClientRow:
    _administrator(ctx)
    async with ctx.engine.begin() as conn:
        await api_clients.revoke_api_client(conn, ctx.actor, client_id)
        client = await queries.api_client(conn, record_id(client_id, "id", "an API client"))
    if client is None:
        raise NotFound("no API client has that id", field="id")
    return client
