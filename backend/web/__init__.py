"""The HTTP edge: the Starlette app, its middleware, the GraphQL mount and the SPA."""
