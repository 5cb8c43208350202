#!/usr/bin/env bash
# The README's test command: checks the few system tools the build relies on, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
command -v python3 >/dev/null || { echo "test.sh: python3 is needed (apt-get install python3)" >&2; exit 1; }
dotnet test LlavaServer.sln "$@"
