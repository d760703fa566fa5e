"""The GraphQL endpoint: Strawberry's ASGI app with our per-request context."""

from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http import process_result as default_process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from backend.auth.identify import SESSION_COOKIE, identify
from backend.db.faults import connection_lost
from backend.errors import Unavailable
from backend.schema import compiled
from backend.schema.errors import UNAVAILABLE, shape
from backend.web.context import RequestContext

_CONTEXT_KEY = "contactpoint.context"


class ContactPointGraphQL(GraphQL[RequestContext, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> RequestContext:
        state = request.state
        client = request.client
        cookie = request.cookies.get(SESSION_COOKIE)
        context = RequestContext(
            engine=state.engine,
            settings=state.settings,
            request_id=request.scope.get("state", {}).get("request_id", "ws"),
            client_address=client.host if client else None,
            session_token=cookie,
            request=request,
            response=response,
            listener=getattr(state, "listener", None),
            replicas=getattr(state, "replicas", None),
        )
        # Closed in run(), when the response has been built. Kept in the scope itself,
        # which is this request's alone.
        request.scope[_CONTEXT_KEY] = context
        try:
            identity = await identify(
                context.connection,
                cookie=cookie,
                authorization=request.headers.get("authorization"),
            )
        except Exception as failed:
            if not connection_lost(failed):
                raise
            # Who is asking is unknown until the database answers: anything that needs
            # a caller says so; nothing is answered as if signed out.
            context.auth_problem = Unavailable(UNAVAILABLE)
            await context.discard()
            return context
        context.caller, context.auth_problem = identity.caller, identity.problem
        context.caller_email, context.caller_name = identity.email, identity.name
        context.freshness = identity.freshness
        if identity.bearer_error is not None and not isinstance(request, WebSocket):
            # A partner's system must learn its token is refused from the status, as
            # HTTP clients and gateways expect, not by reading every error of a 200.
            response.status_code = 401
            response.headers["www-authenticate"] = f'Bearer error="{identity.bearer_error}"'
        if isinstance(request, WebSocket):
            # A socket lives for minutes: never hold a pooled connection for all of it.
            await context.close()
        return context

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        finally:
            made: RequestContext | None = request.scope.get(_CONTEXT_KEY)
            if made is not None:
                await made.close()

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # A record view the app sends again and again is answered from its compiled plan
        # (backend/schema/compiled.py); every other document by the general executor.
        if (
            compiled.ENABLED
            and request_adapter.method == "POST"
            and isinstance(request_data.query, str)
            and isinstance(context, RequestContext)
        ):
            plan = compiled.plan_for(request_data.query, request_data.operation_name)
            if plan is not None:
                answer = await plan.run(context, request_data.variables)
                if answer is not None:
                    return answer
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def answer_compiled(self, scope: Scope, receive: Receive, send: Send, body: Any) -> bool:
        """Answer a record view from its compiled plan, without Strawberry's HTTP view
        (request adapter, body parsing, operation dispatch): the same context, result
        shaping and encoding as the general path, so the same bytes. False, before
        anything has run, for any request the general path must answer."""
        if not compiled.ENABLED or type(body) is not dict:
            return False
        query, operation_name = body.get("query"), body.get("operationName")
        variables = body.get("variables")
        if type(query) is not str or not isinstance(operation_name, str | None):
            return False
        if not isinstance(variables, dict | None) or body.get("extensions") is not None:
            return False
        accept = _header(scope, b"accept")
        if b"multipart/mixed" in accept or b"text/event-stream" in accept:
            return False  # a streaming transport: Strawberry's to negotiate
        plan = compiled.plan_for(query, operation_name)
        if plan is None or plan.child_id(variables) is None:
            return False
        request = Request(scope, receive)
        sub_response = await self.get_sub_response(request)
        try:
            context = await self.get_context(request, sub_response)
            result = await plan.run(context, variables)
        finally:
            made: RequestContext | None = scope.get(_CONTEXT_KEY)
            if made is not None:
                await made.close()
        if result is None:  # cannot happen: child_id said the plan takes these variables
            raise RuntimeError("a compiled plan refused variables it had accepted")
        answer = self.create_response(await self.process_result(request, result), sub_response)
        await answer(scope, receive, send)
        return True

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Parse errors never reach schema extensions, so every HTTP result is shaped here.
        if result.errors:
            request_id = request.scope.get("state", {}).get("request_id", "unknown")
            result.errors = [shape(error, request_id) for error in result.errors]
        return default_process_result(result)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).lower()
    return b""


def graphql_app(schema: Any) -> ContactPointGraphQL:
    return ContactPointGraphQL(
        schema,
        # GraphiQL loads React from a CDN, which neither the offline machines nor our CSP allow.
        graphql_ide=None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        # Strawberry refuses WebSocket handshakes whose Origin is not this host (no
        # allowed_origins given), so another site's page cannot open a socket with our
        # cookie; and only subscriptions run over a socket (ContactPointSchema.stream).
    )
