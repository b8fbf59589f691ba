-- Load script of `cargo xtask bench-server`, run by wrk 4.x:
--   wrk ... --script xtask/bench/server.lua URL -- MODE SLUG RUN [OPTION...]
-- MODE `ballots`: every request POSTs a ballot for one of the OPTIONs with a voter token no other
--   request of the run uses (RUN, the thread's number and a counter), so each should answer 201.
-- MODE `results`: every request GETs the poll's results.
-- `done` prints one `baraza-bench` line that the xtask parses: the request count, the run's
-- length, p50/p99 latency (microseconds), socket errors and the count of every HTTP status.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local prepared, ballots_path, run, options
local counter = 0
statuses = {}

function init(args)
  local mode, slug = args[1], args[2]
  run = args[3]
  options = {}
  for i = 4, #args do
    options[#options + 1] = args[i]
  end
  if mode == "results" then
    prepared = wrk.format("GET", "/api/v1/polls/" .. slug .. "/results")
  elseif mode == "ballots" then
    if #options == 0 then
      error("ballots mode needs at least one option id")
    end
    ballots_path = "/api/v1/polls/" .. slug .. "/ballots"
  else
    error("unknown mode " .. tostring(mode) .. "; expected ballots or results")
  end
end

local json_headers = { ["Content-Type"] = "application/json" }

function request()
  if prepared then
    return prepared
  end
  counter = counter + 1
  -- 16-128 characters of [A-Za-z0-9_-]: the counter is zero-padded so the token is long enough.
  local voter = string.format("%s-t%d-%09d", run, thread_number, counter)
  local option = options[counter % #options + 1]
  local body = '{"selections":["' .. option .. '"],"voter":"' .. voter .. '"}'
  return wrk.format("POST", ballots_path, json_headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    parts[#parts + 1] = string.format("%d:%d", status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    "baraza-bench requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, table.concat(parts, ",")))
end
