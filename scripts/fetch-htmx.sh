#!/usr/bin/env bash
# Fetch a pinned htmx release from the npm registry and vendor it into
# hub/core/static/vendor/. We never load htmx from a CDN (DESIGN.md §5).
#
# Usage:  scripts/fetch-htmx.sh [VERSION]
#   VERSION defaults to the pinned HTMX_VERSION below. To update, pick the
#   newest 2.0.x from `npm view htmx.org versions`, change HTMX_VERSION,
#   re-run this script and commit the three files it writes.
set -euo pipefail

HTMX_VERSION="${1:-2.0.11}"

case "$HTMX_VERSION" in
  2.0.*) ;;
  *) echo "fetch-htmx: refusing version '$HTMX_VERSION' (we pin htmx 2.0.x)" >&2; exit 1 ;;
esac

command -v npm >/dev/null || { echo "fetch-htmx: npm is required" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/hub/core/static/vendor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-htmx: fetching htmx.org@$HTMX_VERSION from the npm registry"
# npm pack downloads the tarball and checks it against the registry's integrity hash.
tarball="$(cd "$tmp" && npm pack --silent "htmx.org@$HTMX_VERSION" | tail -n 1)"
tar -xzf "$tmp/$tarball" -C "$tmp"
pkg="$tmp/package"

actual_version="$(node -p "require('$pkg/package.json').version" 2>/dev/null || true)"
if [ -n "$actual_version" ] && [ "$actual_version" != "$HTMX_VERSION" ]; then
  echo "fetch-htmx: expected $HTMX_VERSION but tarball is $actual_version" >&2
  exit 1
fi

[ -f "$pkg/dist/htmx.min.js" ] || { echo "fetch-htmx: dist/htmx.min.js missing from package" >&2; exit 1; }
license=""
for f in LICENSE LICENSE.md LICENSE.txt license; do
  if [ -f "$pkg/$f" ]; then license="$pkg/$f"; break; fi
done
[ -n "$license" ] || { echo "fetch-htmx: no LICENSE file in package" >&2; exit 1; }

license_id="$(node -p "require('$pkg/package.json').license || 'see file'" 2>/dev/null || echo 'see file')"

mkdir -p "$dest"
cp "$pkg/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$license" "$dest/htmx.LICENSE.txt"

if command -v sha256sum >/dev/null; then
  sha="$(sha256sum "$dest/htmx.min.js" | cut -d' ' -f1)"
else
  sha="$(shasum -a 256 "$dest/htmx.min.js" | cut -d' ' -f1)"
fi

cat > "$dest/README.md" <<README
# Vendored third-party files

Served from our own static files; never load these from a CDN.

## htmx

- Version: **$HTMX_VERSION**
- Source: npm registry package \`htmx.org@$HTMX_VERSION\`
  (<https://www.npmjs.com/package/htmx.org/v/$HTMX_VERSION>), fetched with \`npm pack\`.
- Files:
  - \`htmx.min.js\` — the package's \`dist/htmx.min.js\`, unmodified
    (sha256 \`$sha\`).
  - \`htmx.LICENSE.txt\` — the package's licence (\`$license_id\`), unmodified.

### Updating

1. Pick the newest 2.0.x: \`npm view htmx.org versions\`.
2. Change \`HTMX_VERSION\` in \`scripts/fetch-htmx.sh\` (or pass the version as its argument).
3. Re-run \`scripts/fetch-htmx.sh\` from anywhere in the repository; it rewrites
   \`htmx.min.js\`, \`htmx.LICENSE.txt\` and this README.
4. Check the htmx release notes for breaking changes and run the test suite.

Do not edit these files by hand.
README

echo "fetch-htmx: wrote $dest/htmx.min.js ($HTMX_VERSION), htmx.LICENSE.txt, README.md"
