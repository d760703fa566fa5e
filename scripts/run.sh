#!/usr/bin/env bash
# Start ContactPoint with demo data: on the embedded PostgreSQL unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
"$bin/contactpoint" demo-data --children "${DEMO_CHILDREN:-10000}" --seed "${DEMO_SEED:-42}" \
  --if-empty --credentials .demo-credentials.json
exec "$bin/contactpoint" serve
