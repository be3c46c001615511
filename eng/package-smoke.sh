#!/usr/bin/env bash
# Proves a fresh user can install the packages: clones this checkout into a folder whose path contains /src/, packs
# every package there into a local folder feed (with a version no other feed can have), then builds and runs
# eng/package-smoke (copied outside the repository, so none of its build settings apply) against the packages, not
# the projects. Exits non-zero on any failure. Usage: eng/package-smoke.sh [work-dir]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
version="0.1.0-smoke.$(date -u +%Y%m%d%H%M%S)"
clone="$work/src/clone"
feed="$work/feed"
consumer="$work/src/consumer"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

cleanup() {
  # The packed version is unique to this run: remove its copies from the global packages folder.
  for id in llmfallback llmfallback.openai llmfallback.anthropic llmfallback.gemini llmfallback.redis \
            llmfallback.localembeddings llmfallback.testing; do
    rm -rf "${packages:?}/$id/$version"
  done
  [ -n "${1:-}" ] || rm -rf "$work"
}
trap 'cleanup "${KEEP_SMOKE:-}"' EXIT

echo "clone into $clone"
rm -rf "$clone" "$feed" "$consumer"
mkdir -p "$(dirname "$clone")"
git clone --quiet --no-hardlinks "$repo" "$clone"

echo "pack $version into $feed"
dotnet pack "$clone/eng/LlmFallback.Packages.slnf" -c Release -o "$feed" -p:Version="$version" -warnaserror \
  -nologo -clp:ErrorsOnly
count=$(find "$feed" -name '*.nupkg' | wc -l)
symbols=$(find "$feed" -name '*.snupkg' | wc -l)
echo "packed $count packages and $symbols symbol packages"
[ "$count" -eq 7 ] && [ "$symbols" -eq 7 ] || { echo "expected 7 packages and 7 symbol packages"; exit 1; }

echo "build and run the consumer in $consumer"
mkdir -p "$consumer"
cp "$repo/eng/package-smoke/PackageSmoke.csproj" "$repo/eng/package-smoke/Program.cs" "$consumer/"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="llmfallback-local" value="$feed" />
  </packageSources>
</configuration>
XML
dotnet build "$consumer/PackageSmoke.csproj" -c Release -p:LlmFallbackVersion="$version" -nologo -clp:ErrorsOnly
# The consumer restored the packages from the folder feed, not a project reference.
grep -q "\"LlmFallback/$version\"" "$consumer/obj/project.assets.json"
timeout 120 dotnet run --project "$consumer/PackageSmoke.csproj" -c Release --no-build
