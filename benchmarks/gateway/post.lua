-- wrk script: POST one chat completion request; the bearer key comes from BENCH_KEY (empty for the upstream).
wrk.method = "POST"
wrk.body = '{"model":"fast","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
