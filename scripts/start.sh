#!/usr/bin/env bash
# `npm start`: installs this package's own dependencies when missing (a fresh clone), then runs
# the demo (scripts/start.ts). Arguments pass through: `npm start -- --exit`, `-- --fresh`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x node_modules/.bin/ts-node ] || [ ! -x node_modules/.bin/tsc ]; then
	echo "installing the package's dependencies (npm ci)" >&2
	npm ci --no-audit --no-fund
fi
exec node --require ts-node/register/transpile-only scripts/start.ts "$@"
