"""Serving the built single-page app, with client routes falling back to index.html."""

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

_MISSING_BUILD = """<!doctype html><html lang="en">
<head><title>ContactPoint</title></head>
<body><main><h1>ContactPoint</h1><p>The web app has not been built.
Run <code>make run</code> (or <code>npm --prefix frontend run build</code>).</p>
</main></body></html>"""


class SinglePageApp(StaticFiles):
    """Static files; any other path without a file extension gets index.html."""

    def __init__(self, directory: Path) -> None:
        self.built = (directory / "index.html").exists()
        super().__init__(directory=directory if self.built else None, html=True, check_dir=False)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if not self.built:
            return HTMLResponse(_MISSING_BUILD, status_code=503)
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            return await super().get_response("index.html", scope)
