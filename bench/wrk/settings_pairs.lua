-- Settings API flows as init + submit pairs (Bia):
--   GET  /self-service/settings/api              X-Session-Token   → 200 flow (state show_form)
--   POST /self-service/settings?flow=<id>        X-Session-Token   → 200 flow (state success)
-- $BENCH_IDENTITIES has one "token <tab> email" line per seeded identity; $BENCH_METHOD is
-- "profile" (new name traits) or "password" (a new password, unique per submit: Bia checks it
-- against the current hash — "same as old" — then hashes it at the configured cost).
-- $BENCH_RUN (a tag) and $BENCH_OFFSET (first identity) differ between runs.
--
-- wrk gives Lua no handle on connections, so the state machine is per thread: every init
-- answer queues (identity, flow id) and the next request of any of the thread's connections
-- submits it. Each thread walks its own slice of the identities in order, so two requests in
-- flight never touch the same identity (identity updates are optimistic: a race would be 409).
local lib = dofile(os.getenv("BENCH_WRK_DIR") .. "/lib.lua")
local method = os.getenv("BENCH_METHOD") or "profile"
local run = os.getenv("BENCH_RUN") or "0"
local tokens, by_email = {}, {}
local pending, head, tail = {}, 1, 0
local cursor, nthreads, tid = 0, 1, 0
inits, submits, submit_ok, init_ok, unparsed = 0, 0, 0, 0, 0

function setup(thread)
  lib.setup(thread)
end

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
  for _, line in ipairs(lib.lines(os.getenv("BENCH_IDENTITIES"))) do
    local f = lib.split(line, "\t")
    table.insert(tokens, { token = f[1], email = f[2] })
    by_email[f[2]] = #tokens
  end
  cursor = tid + (tonumber(os.getenv("BENCH_OFFSET") or "0") or 0)
end

local function next_identity()
  local i = (cursor % #tokens) + 1
  cursor = cursor + nthreads
  return i
end

local counter = 0
function request()
  if head <= tail then
    local job = pending[head]
    pending[head] = nil
    head = head + 1
    submits = submits + 1
    counter = counter + 1
    local id = tokens[job.i]
    local body
    if method == "password" then
      body = '{"method":"password","password":"Bench-pw-' .. run .. "-" .. tid .. "-" .. counter .. '-stays-long"}'
    else
      body = '{"method":"profile","traits":{"email":"' .. id.email ..
          '","name":{"first":"Bench' .. tid .. "x" .. counter .. '","last":"Runner"}}}'
    end
    return wrk.format("POST", "/self-service/settings?flow=" .. job.flow, {
      ["X-Session-Token"] = id.token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
    }, body)
  end
  inits = inits + 1
  local i = next_identity()
  return wrk.format("GET", "/self-service/settings/api", {
    ["X-Session-Token"] = tokens[i].token,
    ["Accept"] = "application/json",
  })
end

local failures = {}
function response(status, headers, body)
  if status ~= 200 or body == nil then
    -- Keep one example answer per status for the report (wrk only counts them).
    if failures[status] == nil and body then
      failures[status] = string.sub(string.gsub(body, '["\\%c]', " "), 1, 200)
      failed = (failed or "") .. status .. ": " .. failures[status] .. " | "
    end
    return
  end
  if string.find(body, '"state":"show_form"', 1, true) then
    init_ok = init_ok + 1
    local flow = string.match(body, "settings%?flow=([%x%-]+)")
    local email = string.match(body, '"email":"([^"]+)"')
    local i = email and by_email[email]
    if flow and i then
      tail = tail + 1
      pending[tail] = { i = i, flow = flow }
    else
      unparsed = unparsed + 1
    end
  else
    submit_ok = submit_ok + 1
  end
end

function done(summary, latency, requests_)
  local sum = { inits = 0, submits = 0, submit_ok = 0, init_ok = 0, unparsed = 0 }
  for _, t in ipairs(lib.threads) do
    for k, _ in pairs(sum) do sum[k] = sum[k] + (tonumber(t:get(k)) or 0) end
  end
  local secs = summary.duration / 1e6
  failed_all = ""
  for _, t in ipairs(lib.threads) do failed_all = failed_all .. (t:get("failed") or "") end
  lib.report(summary, latency, {
    inits = sum.inits, submits = sum.submits, submit_ok = sum.submit_ok, init_ok = sum.init_ok,
    unparsed = sum.unparsed, submit_ok_per_s = string.format("%.3f", sum.submit_ok / secs),
    failures = '"' .. failed_all .. '"',
  })
end
