#!/usr/bin/env bash
# Added latency of the gateway: the same requests at fixed rates (open loop), sent straight to a loopback fake OpenAI
# upstream, then through the gateway (Release, API key auth, per-key rate limiter, default pipeline, metrics) in front
# of that upstream. Prints p50/p90/p99 per rate and the difference. Everything runs on 127.0.0.1.
#   benchmarks/gateway/run.sh [seconds per measurement, default 10] [rates, default "1000 5000"]
# With wrk installed, also prints the closed-loop throughput of both (wrk -t2 -c64, benchmarks/gateway/post.lua).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
rates="${2:-1000 5000}"
upstream_port=18471
gateway_port=18472
out=artifacts/gateway-bench
mkdir -p "$out"

dotnet build benchmarks/gateway/GatewayLoad -c Release -v q -nologo >/dev/null
dotnet build samples/LlmFallback.Samples.Gateway -c Release -v q -nologo >/dev/null
load="dotnet benchmarks/gateway/GatewayLoad/bin/Release/net10.0/GatewayLoad.dll"
gateway_dll=samples/LlmFallback.Samples.Gateway/bin/Release/net10.0/LlmFallback.Samples.Gateway.dll

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "did not start: $1" >&2; exit 1; }

$load upstream "$upstream_port" & pids+=($!)

key_output=$(dotnet "$gateway_dll" new-key bench)
key=$(sed -n 's/^  \(lfk_[^ ]*\)$/\1/p' <<<"$key_output")
hash=$(sed -n 's/^  Gateway__ApiKeys__bench__Hash=\(.*\)$/\1/p' <<<"$key_output")

env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY \
  DOTNET_gcServer="${GATEWAY_GC_SERVER:-1}" \
  Logging__LogLevel__Default=Warning \
  Gateway__ApiKeys__bench__Hash="$hash" \
  Gateway__RequestsPerMinute=100000000 \
  Llm__Providers__bench__Type=OpenAICompatible \
  Llm__Providers__bench__Model=bench-model \
  Llm__Providers__bench__Endpoint="http://127.0.0.1:$upstream_port/v1" \
  Llm__Providers__bench__ApiKey=unused \
  Llm__Routes__fast__Deployments__0=bench \
  dotnet "$gateway_dll" --urls "http://127.0.0.1:$gateway_port" >"$out/gateway.log" 2>&1 & pids+=($!)

wait_for "http://127.0.0.1:$gateway_port/health/live"
direct_url="http://127.0.0.1:$upstream_port/v1/chat/completions"
gateway_url="http://127.0.0.1:$gateway_port/v1/chat/completions"
curl -sf -o /dev/null -H "Authorization: Bearer $key" -H 'content-type: application/json' \
  -d '{"model":"fast","messages":[{"role":"user","content":"hi"}]}' "$gateway_url" || { echo "the gateway does not answer; see $out/gateway.log" >&2; exit 1; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
printf '\n%-6s %-8s %9s %8s %8s %8s %8s %7s\n' rate target achieved p50_ms p90_ms p99_ms max_ms errors
for rate in $rates; do
  direct=$($load run "$direct_url" "$rate" "$seconds")
  via=$($load run "$gateway_url" "$rate" "$seconds" "$key")
  for pair in "direct:$direct" "gateway:$via"; do
    name=${pair%%:*}; line=${pair#*:}
    printf '%-6s %-8s %9s %8s %8s %8s %8s %7s\n' "$rate" "$name" "$(field achieved "$line")" "$(field p50 "$line")" \
      "$(field p90 "$line")" "$(field p99 "$line")" "$(field max "$line")" "$(field errors "$line")"
  done
  printf '%-6s %-8s %9s %8s %8s %8s\n' "$rate" "added" "" \
    "$(awk -v a="$(field p50 "$via")" -v b="$(field p50 "$direct")" 'BEGIN{printf "%.2f", a-b}')" \
    "$(awk -v a="$(field p90 "$via")" -v b="$(field p90 "$direct")" 'BEGIN{printf "%.2f", a-b}')" \
    "$(awk -v a="$(field p99 "$via")" -v b="$(field p99 "$direct")" 'BEGIN{printf "%.2f", a-b}')"
done

if command -v wrk >/dev/null; then
  echo
  echo "closed loop (wrk -t2 -c64 -d${seconds}s): requests/s"
  printf 'direct  %s\n' "$(BENCH_KEY="" wrk -t2 -c64 -d"${seconds}s" -s benchmarks/gateway/post.lua "$direct_url" | sed -n 's/^Requests\/sec: *//p')"
  printf 'gateway %s\n' "$(BENCH_KEY="$key" wrk -t2 -c64 -d"${seconds}s" -s benchmarks/gateway/post.lua "$gateway_url" | sed -n 's/^Requests\/sec: *//p')"
fi
