"""The HTTP requests the GraphQL endpoint accepts, checked before a connection is taken."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.web.media_types import as_graphql_response, wants_graphql_response


def _refusal(status: int, message: str, code: str = "BAD_USER_INPUT") -> tuple[int, bytes]:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return status, json.dumps(body, separators=(",", ":")).encode()


NOT_A_POST = _refusal(
    405, "send GraphQL requests as POSTs: a query in a URL stays in logs and browser history"
)
NOT_JSON = _refusal(415, "send GraphQL requests as application/json")
NOT_VALID_JSON = _refusal(400, "the request body is not valid UTF-8 JSON")


class GraphQLRequests:
    """What reaches the GraphQL endpoint over HTTP, checked before a connection is taken:

    - POST only. A query in a GET's URL (and the child data it names) would stay in
      proxy logs and browser history; the app and partners POST.
    - `application/json` only: a cross-site form cannot send it without a CORS preflight
      we never grant (the CSRF defence).
    - a body no larger than `limit` bytes (413 past it), and JSON the server can read:
      invalid UTF-8, a number of thousands of digits or arrays nested thousands deep are
      refused with a 400 here rather than failing inside the parser.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

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
            json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError too
            await _answer(send, NOT_VALID_JSON)
            return
        accept = headers.get(b"accept", b"").decode("latin-1")
        if wants_graphql_response(accept):
            send = as_graphql_response(send)
        await self.app(scope, _replay(body, receive), send)


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
