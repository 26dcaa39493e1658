#!/usr/bin/env bash
# Installs a real n8n 2.x (with the Node 24 it needs) into a cache folder outside the checkout,
# once; later runs find it there (a stamp file marks a finished install, so an interrupted one
# is redone). n8n 2.x requires Node >= 24, and these machines ship Node 20, so Node 24 comes
# from the npm package `node@24`.
# Prints the folder on stdout; progress goes to stderr. Env: KLING_N8N_HOME overrides the folder.
# Safe to run concurrently: a second run waits for the first (flock) and then finds the stamp.
set -euo pipefail
# 2.41.3 (the newest 2.x) does not install from the registry: @n8n/agents@0.26.2 and n8n-core@2.41.2
# are missing. KLING_N8N_VERSION picks another version, e.g. the latest 1.x, 1.123.81 (Node 20).
N8N_VERSION="${KLING_N8N_VERSION:-2.41.1}"
MAJOR="${N8N_VERSION%%.*}"
HOME_DIR="${KLING_N8N_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kling-video/n8n-$N8N_VERSION}"
STAMP="$HOME_DIR/.installed"
installed() { [ -f "$STAMP" ] && [ -x "$HOME_DIR/node_modules/.bin/n8n" ]; }
if installed; then echo "$HOME_DIR"; exit 0; fi

mkdir -p "$HOME_DIR"
exec 9>"$HOME_DIR.lock"
flock 9
if installed; then echo "$HOME_DIR"; exit 0; fi
cd "$HOME_DIR"
if [ "$MAJOR" -ge 2 ]; then
	# n8n 2.x needs Node >= 24, which comes from the npm package node@24.
	DEPENDENCIES="\"n8n\": \"$N8N_VERSION\", \"node\": \"^24\""
	OVERRIDES='"linkedom": "0.18.14"'
else
	# n8n 1.x runs on this Node 20; its own xlsx dependency is a tarball outside the registry.
	DEPENDENCIES="\"n8n\": \"$N8N_VERSION\""
	OVERRIDES='"xlsx": "0.18.5"'
fi
cat > package.json <<JSON
{
  "name": "kling-video-n8n-runtime",
  "private": true,
  "dependencies": { $DEPENDENCIES },
  "overrides": { $OVERRIDES }
}
JSON
started=$SECONDS
echo "installing n8n $N8N_VERSION into $HOME_DIR (about 3 GB and several minutes, first time only)" >&2
# --ignore-scripts: a Kafka client's native build fails here; the two native modules n8n needs are rebuilt below.
npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2
if [ "$MAJOR" -ge 2 ]; then
	# node@24 fetches its binary (the package node-<platform>-<arch>) in a preinstall script, which
	# --ignore-scripts skipped: run that script's code now.
	(cd node_modules/node && node installArchSpecificPackage.js >&2)
	NODE_DIR="$HOME_DIR/node_modules/node/node_modules/node-$(node -p 'process.platform + "-" + process.arch')"
	[ -x "$NODE_DIR/bin/node" ] || { echo "Node 24 binary not found in $NODE_DIR after install" >&2; exit 1; }
else
	NODE_DIR="$(dirname "$(dirname "$(command -v node)")")"
fi
# sqlite3 (n8n's database) and isolated-vm (its expression sandbox) are native: build them against
# the Node that runs n8n. --ignore-scripts=false: run from `npm start`, npm exports this checkout's
# ignore-scripts=true as npm_config_ignore_scripts, and the rebuild would then build nothing.
# n8n 1.x's isolated-vm needs a newer V8 than Node 20's; 1.x runs with N8N_EXPRESSION_ENGINE=legacy
# instead (scripts/lib/n8n.ts), so only its sqlite3 is built.
NATIVE="sqlite3"
[ "$MAJOR" -ge 2 ] && NATIVE="$NATIVE isolated-vm"
if [ "$MAJOR" -ge 2 ]; then
	PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
	  npm rebuild $NATIVE --build-from-source --ignore-scripts=false --loglevel=error >&2
else
	npm rebuild $NATIVE --build-from-source --ignore-scripts=false --loglevel=error >&2
fi
for module in $NATIVE; do "$NODE_DIR/bin/node" -e "require('$module')" >&2; done
touch "$STAMP"
echo "n8n $N8N_VERSION installed in $((SECONDS - started)) s" >&2
echo "$HOME_DIR"
