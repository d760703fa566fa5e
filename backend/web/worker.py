"""The app as each worker process of `contactpoint serve --workers N` builds it.

uvicorn starts workers by import string; the parent process has already started any
embedded server and migrated, and passes its URL in DATABASE_URL.
"""

from starlette.applications import Starlette

from backend.web.app import create_app


def app() -> Starlette:
    return create_app()
