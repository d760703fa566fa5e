"""Per-request context handed to every resolver. Created fresh for each request."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.errors import Unauthenticated
from backend.policy.caller import Caller
from backend.settings import Settings


@dataclass
class RequestContext:
    engine: AsyncEngine
    settings: Settings
    request_id: str
    client_address: str | None
    caller: Caller | None = None
    # Why a presented cookie or token was refused (expired, revoked...), if it was.
    auth_problem: Unauthenticated | None = None
    session_token: str | None = None
    caller_email: str | None = None
    caller_name: str | None = None
    request: Any = None
    response: Any = None
    # Per-request caches (loaders, decisions); never shared between requests.
    cache: dict[str, Any] = field(default_factory=dict)

    def require_caller(self) -> Caller:
        if self.caller is None:
            raise self.auth_problem or Unauthenticated("sign in to use ContactPoint")
        return self.caller

    @property
    def actor(self) -> Actor:
        caller = self.caller
        return Actor(
            user_id=caller.user_id if caller else None,
            client_id=caller.client_id if caller else None,
            organisation_id=caller.organisation_id if caller else None,
            roles=tuple(sorted(role.value for role in caller.roles)) if caller else (),
            client_address=self.client_address,
            request_id=self.request_id,
        )
