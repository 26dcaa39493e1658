#!/usr/bin/env bash
# Installs a real n8n 2.x (with the Node 24 it needs) into a cache folder outside the checkout,
# once; later runs find it there (a stamp file marks a finished install, so an interrupted one
# is redone). n8n 2.x requires Node >= 24, and these machines ship Node 20, so Node 24 comes
# from the npm package `node@24`.
# Prints the folder on stdout; progress goes to stderr. Env: KLING_N8N_HOME overrides the folder.
# Safe to run concurrently: a second run waits for the first (flock) and then finds the stamp.
set -euo pipefail
N8N_VERSION=2.41.1            # 2.41.3 does not install from the registry (a dependency version is missing)
HOME_DIR="${KLING_N8N_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kling-video/n8n-$N8N_VERSION}"
STAMP="$HOME_DIR/.installed"
installed() { [ -f "$STAMP" ] && [ -x "$HOME_DIR/node_modules/.bin/n8n" ]; }
if installed; then echo "$HOME_DIR"; exit 0; fi

mkdir -p "$HOME_DIR"
exec 9>"$HOME_DIR.lock"
flock 9
if installed; then echo "$HOME_DIR"; exit 0; fi
cd "$HOME_DIR"
cat > package.json <<JSON
{
  "name": "kling-video-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION", "node": "^24" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
started=$SECONDS
echo "installing n8n $N8N_VERSION and Node 24 into $HOME_DIR (about 3 GB and several minutes, first time only)" >&2
# --ignore-scripts: a Kafka client's native build fails here; the two native modules n8n needs are rebuilt below.
npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2
# node@24 fetches its binary (the package node-<platform>-<arch>) in a preinstall script, which
# --ignore-scripts skipped: run that script's code now.
(cd node_modules/node && node installArchSpecificPackage.js >&2)
NODE24_DIR="$HOME_DIR/node_modules/node/node_modules/node-$(node -p 'process.platform + "-" + process.arch')"
[ -x "$NODE24_DIR/bin/node" ] || { echo "Node 24 binary not found in $NODE24_DIR after install" >&2; exit 1; }
# sqlite3 (n8n's database) and isolated-vm (its expression sandbox) are native: build them against
# Node 24. --ignore-scripts=false: run from `npm start`, npm exports this checkout's
# ignore-scripts=true as npm_config_ignore_scripts, and the rebuild would then build nothing.
PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
  npm rebuild sqlite3 isolated-vm --build-from-source --ignore-scripts=false --loglevel=error >&2
"$NODE24_DIR/bin/node" -e 'require("sqlite3"); require("isolated-vm")' >&2
touch "$STAMP"
echo "n8n $N8N_VERSION installed in $((SECONDS - started)) s" >&2
echo "$HOME_DIR"
