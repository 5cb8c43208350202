#!/usr/bin/env bash
# The README's test command: sets up the few system packages the tests rely on, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
command -v python3 >/dev/null || { echo "test.sh: python3 is needed to patch TorchSharp on this system (apt-get install python3)" >&2; exit 1; }

# The browser tests drive Debian's Chromium (Playwright's own browser downloads are not reachable here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: the browser tests need Chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

dotnet test LlavaServer.sln "$@"
