-- Shared by the bench's wrk scripts (loaded with dofile from $BENCH_WRK_DIR).
local M = {}

function M.split(s, sep)
  local out, start = {}, 1
  while true do
    local i = string.find(s, sep, start, true)
    if not i then
      table.insert(out, string.sub(s, start))
      return out
    end
    table.insert(out, string.sub(s, start, i - 1))
    start = i + #sep
  end
end

function M.lines(path)
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  local out = {}
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  assert(#out > 0, "no lines in " .. path)
  return out
end

-- setup()/done() helpers: remember the threads so that done() can read their counters.
M.threads = {}
local next_id = 0
function M.setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(M.threads, thread)
end
function M.thread_count() return next_id end

-- One JSON line with what the driver needs; wrk's own text output stays above it.
function M.report(summary, latency, extra)
  local us = summary.duration
  local p = function(q) return latency:percentile(q) end
  local errors = summary.errors
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', us),
    string.format('"rps":%.3f', summary.requests / (us / 1e6)),
    string.format('"bytes":%d', summary.bytes),
    string.format('"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}',
      p(50), p(90), p(99), p(99.9), latency.max, latency.mean),
    string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
      errors.connect, errors.read, errors.write, errors.status, errors.timeout),
  }
  for k, v in pairs(extra or {}) do
    table.insert(parts, string.format('"%s":%s', k, tostring(v)))
  end
  io.write("BENCH_JSON " .. "{" .. table.concat(parts, ",") .. "}\n")
end

return M
