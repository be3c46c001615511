#!/usr/bin/env bash
# Adds every new public symbol reported by the PublicApiAnalyzers (RS0016) to the project's
# PublicAPI.Unshipped.txt, and removes entries that no longer exist (RS0017). Review the diff before committing.
# Usage: eng/update-public-api.sh src/LlmFallback/LlmFallback.csproj [more projects...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for proj in "$@"; do
  dir=$(cd "$(dirname "$proj")" && pwd)
  log=$(mktemp)
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do [ -f "$dir/$f" ] || printf '#nullable enable\n' > "$dir/$f"; done
  dotnet build "$proj" -c Release --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= > "$log" 2>&1 || true
  python3 "$here/update-public-api.py" "$dir" "$log"
  rm -f "$log"
done
