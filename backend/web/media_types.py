"""`application/graphql-response+json` (GraphQL over HTTP): for a caller who asks for it,
a request the server could not run (the document did not parse or validate) is a 400
without a `data` entry, so status codes alone tell a refused request from an answered
one. `application/json` stays the default, answered with 200 as before.
"""

import json

from starlette.types import Message, Send

GRAPHQL_RESPONSE = "application/graphql-response+json"
_REQUEST_ERRORS = frozenset({"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"})


def wants_graphql_response(accept: str) -> bool:
    """Whether the Accept header prefers the GraphQL response type to plain JSON."""
    best, chosen = -1.0, None
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media in (GRAPHQL_RESPONSE, "application/json", "*/*") and q > best:
            best, chosen = q - position * 1e-6, media  # equal q: the first listed wins
    return chosen == GRAPHQL_RESPONSE


def _request_error(body: bytes) -> bytes | None:
    """The body without its `data` entry, if it answers a request that could not run."""
    if b'"data":null' not in body.replace(b" ", b""):
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    errors = answer.get("errors") or []
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if answer.get("data") is not None or not errors or not codes <= _REQUEST_ERRORS:
        return None
    answer.pop("data", None)
    return json.dumps(answer, separators=(",", ":")).encode()


def as_graphql_response(send: Send) -> Send:
    """`send` for a caller who asked for application/graphql-response+json."""
    start: Message | None = None

    async def negotiated(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        status = start["status"]
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k not in (b"content-type", b"content-length")
        ]
        body = message.get("body", b"")
        if status == 200 and not message.get("more_body", False):
            refused = _request_error(body)
            if refused is not None:
                status, body = 400, refused
        headers.append((b"content-type", f"{GRAPHQL_RESPONSE}; charset=utf-8".encode()))
        if not message.get("more_body", False):
            headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "status": status, "headers": headers})
        start = None
        await send({**message, "body": body})

    return negotiated
