"""Where the project's own files live, so commands work from any working directory."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
