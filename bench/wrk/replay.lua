-- Sends requests picked at random from $BENCH_REQUESTS, one request per line, fields separated
-- by tabs:   METHOD <tab> PATH [<tab> Header: value]... [<tab> body=<raw body>]
-- Every request string is built once per thread, so wrk spends no Lua time per request beyond
-- a random pick. Used for whoami (token / cookie), settings flow fetches, nginx's static
-- answer and the better-auth peer's operations.
local lib = dofile(os.getenv("BENCH_WRK_DIR") .. "/lib.lua")
local requests = {}

function setup(thread) lib.setup(thread) end

function init(args)
  local tid = tonumber(wrk.thread:get("tid")) or 0
  math.randomseed(os.time() + 7919 * tid)
  for _, line in ipairs(lib.lines(os.getenv("BENCH_REQUESTS"))) do
    local f = lib.split(line, "\t")
    local headers, body = {}, nil
    for i = 3, #f do
      if string.sub(f[i], 1, 5) == "body=" then
        body = string.sub(f[i], 6)
      else
        local c = string.find(f[i], ":", 1, true)
        headers[string.sub(f[i], 1, c - 1)] = string.gsub(string.sub(f[i], c + 1), "^%s+", "")
      end
    end
    table.insert(requests, wrk.format(f[1], f[2], headers, body))
  end
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests_)
  lib.report(summary, latency)
end
