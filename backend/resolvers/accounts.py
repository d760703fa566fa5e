"""Resolvers for signing in and out, and for `me`."""

import strawberry
from strawberry.types import Info

from backend.auth.identify import SESSION_COOKIE, identify
from backend.db.queries.organisations import organisation_by_id
from backend.policy.caller import CHILD_DATA_ROLES
from backend.schema.accounts import Me, Role, SignInResult
from backend.schema.organisations import Organisation
from backend.services import sign_in as sign_in_service
from backend.web.context import RequestContext


async def _me(ctx: RequestContext) -> Me | None:
    caller = ctx.caller
    if caller is None or caller.user_id is None:
        return None
    async with ctx.engine.connect() as conn:
        organisation = await organisation_by_id(conn, caller.organisation_id)
    blocked = list(caller.blocked_reasons)
    if not caller.roles & CHILD_DATA_ROLES:
        blocked.append("your roles do not include access to child records")
    return Me(
        id=strawberry.ID(str(caller.user_id)),
        email=ctx.caller_email or "",
        name=ctx.caller_name or "",
        organisation=Organisation.from_record(organisation),
        roles=[Role(role.value) for role in sorted(caller.roles)],
        can_access_child_data=not blocked,
        blocked_reasons=blocked,
    )


async def me(info: Info[RequestContext, None]) -> Me | None:
    return await _me(info.context)


async def sign_in(
    info: Info[RequestContext, None], email: str, password: str, totp_code: str
) -> SignInResult:
    ctx = info.context
    session = await sign_in_service.sign_in(ctx, email, password, totp_code)
    ctx.response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        secure=ctx.settings.is_production,
        samesite="strict",
        path="/",
    )
    identity = await identify(ctx.connection, cookie=session.token, authorization=None)
    ctx.caller, ctx.caller_email, ctx.caller_name = identity.caller, identity.email, identity.name
    found = await _me(ctx)
    if found is None:
        raise RuntimeError("a session just made must name its user")
    return SignInResult(me=found)


async def sign_out(info: Info[RequestContext, None]) -> bool:
    ctx = info.context
    await sign_in_service.sign_out(ctx, ctx.session_token)
    ctx.response.delete_cookie(SESSION_COOKIE, path="/", samesite="strict", httponly=True)
    return True
