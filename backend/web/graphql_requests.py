"""The HTTP requests the GraphQL endpoint accepts, checked before a connection is taken."""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.db.faults import connection_lost
from backend.errors import describe_unexpected
from backend.schema.errors import UNAVAILABLE
from backend.web.media_types import as_graphql_response, wants_graphql_response

log = logging.getLogger("contactpoint.errors")

Compiled = Callable[[Scope, Receive, Send, Any], Awaitable[bool]]


def _refusal(status: int, message: str, code: str = "BAD_USER_INPUT") -> tuple[int, bytes]:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return status, json.dumps(body, separators=(",", ":")).encode()


NOT_A_POST = _refusal(
    405, "send GraphQL requests as POSTs: a query in a URL stays in logs and browser history"
)
NOT_JSON = _refusal(415, "send GraphQL requests as application/json")
NOT_VALID_JSON = _refusal(400, "the request body is not valid UTF-8 JSON")
BUSY = _refusal(
    503, "ContactPoint is too busy to answer just now. Try again in a moment.", "UNAVAILABLE"
)
# How long a request waits for its turn before it is told the service is busy.
ADMISSION_WAIT_SECONDS = 10.0


class GraphQLRequests:
    """What reaches the GraphQL endpoint over HTTP, checked before a connection is taken:

    - POST only. A query in a GET's URL (and the child data it names) would stay in
      proxy logs and browser history; the app and partners POST.
    - `application/json` only: a cross-site form cannot send it without a CORS preflight
      we never grant (the CSRF defence).
    - a body no larger than `limit` bytes (413 past it), and JSON the server can read:
      invalid UTF-8, a number of thousands of digits or arrays nested thousands deep are
      refused with a 400 here rather than failing inside the parser.

    Then, at most `in_flight` requests run at once in this process; the rest wait their
    turn. A request holds its own pooled connection from the session check to its answer
    and may take one more for a transaction (a search's audit, a change), so a pool of
    2 x `in_flight` + 2 connections can never have every holder waiting for a second one:
    without this, 25 requests at once on 20 connections each waited for the pool's 30 s
    timeout (bench/load.py).

    Last, an answer is always GraphQL JSON: an exception that escapes the GraphQL layer
    (the database unreachable before a context exists, a bug) is answered with a shaped
    error and the request id, never Starlette's plain-text 500.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        in_flight: int,
        compiled: Compiled | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.admission = asyncio.Semaphore(in_flight)
        # Answers a record view from its compiled plan when it can (True), before `app`.
        self.compiled = compiled

    async def _admitted(self) -> bool:
        """Whether this request got its turn within ADMISSION_WAIT_SECONDS (then it holds
        a permit to release)."""
        acquired = False

        async def take() -> None:
            nonlocal acquired
            await self.admission.acquire()
            acquired = True

        try:
            await asyncio.wait_for(take(), ADMISSION_WAIT_SECONDS)
        except TimeoutError:
            # The permit may have come in the same instant as the timeout.
            return acquired
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _answer(send, NOT_A_POST, [(b"allow", b"POST")])
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"")
        if content_type.split(b";")[0].strip().lower() != b"application/json":
            await _answer(send, NOT_JSON)
            return
        too_large = _refusal(413, f"the request body is larger than {self.limit:,} bytes")
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _answer(send, too_large)
            return
        body = await _read(receive, self.limit)
        if body is None:
            await _answer(send, too_large)
            return
        try:
            payload = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError too
            await _answer(send, NOT_VALID_JSON)
            return
        accept = headers.get(b"accept", b"").decode("latin-1")
        if wants_graphql_response(accept):
            send = as_graphql_response(send)
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if not await self._admitted():
                # Overloaded: say so while the caller is still there to read it, rather
                # than queue without end (and audit views nobody waits for any more).
                await _answer(tracked, BUSY, [(b"retry-after", b"1")])
                return
            try:
                replay = _replay(body, receive)
                if self.compiled is None or not await self.compiled(
                    scope, replay, tracked, payload
                ):
                    await self.app(scope, replay, tracked)
            finally:
                self.admission.release()
        except Exception as failed:
            if started:
                raise  # too late to answer: uvicorn closes the connection
            request_id = scope.get("state", {}).get("request_id", "unknown")
            await _answer(send, _last_resort(failed, request_id))


def _last_resort(failed: Exception, request_id: str) -> tuple[int, bytes]:
    if connection_lost(failed):
        log.warning(
            "request %s could not reach the database: %s", request_id, describe_unexpected(failed)
        )
        return _refusal(503, UNAVAILABLE, "UNAVAILABLE")
    log.error("unexpected error in request %s: %s", request_id, describe_unexpected(failed))
    message = f"Something went wrong on our side. Quote request {request_id} to the service desk."
    body = {
        "errors": [
            {
                "message": message,
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ]
    }
    return 500, json.dumps(body, separators=(",", ":")).encode()


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it grows past `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away: the app will see it too
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _answer(
    send: Send, refusal: tuple[int, bytes], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    status, body = refusal
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
