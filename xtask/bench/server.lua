-- Load script of `cargo xtask bench-server`, run by wrk 4.x:
--   wrk ... --script xtask/bench/server.lua URL -- MODE TARGET RUN [EXTRA...]
-- Baraza, TARGET being a poll's slug:
-- MODE `ballots`: every request POSTs a ballot for one of the EXTRA option ids with a voter token
--   no other request of the run uses (RUN, the thread's number and a counter), so each should
--   answer 201.
-- MODE `results`: every request GETs the poll's results.
-- Isso, the comment server Baraza is compared with, TARGET being a thread's URI (`/thread`):
-- MODE `isso-comments`: every request POSTs a new comment to the thread, with the Origin header
--   EXTRA Isso checks; each should answer 201. The thread must exist already: Isso refuses the
--   first comment of a thread unless it brings a title, which these do anyway.
-- MODE `isso-thread`: every request GETs the thread with all its comments.
-- `done` prints one `baraza-bench` line that the xtask parses: the request count, the run's
-- length, p50/p99 latency (microseconds), socket errors and the count of every HTTP status.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local prepared, ballots_path, comments_path, run, options
local counter = 0
statuses = {}

-- `/thread` as `%2Fthread`, for Isso's `uri` query parameter.
local function query_escape(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local json_headers = { ["Content-Type"] = "application/json" }
local comment_headers

function init(args)
  local mode, target = args[1], args[2]
  run = args[3]
  options = {}
  for i = 4, #args do
    options[#options + 1] = args[i]
  end
  if mode == "results" then
    prepared = wrk.format("GET", "/api/v1/polls/" .. target .. "/results")
  elseif mode == "ballots" then
    if #options == 0 then
      error("ballots mode needs at least one option id")
    end
    ballots_path = "/api/v1/polls/" .. target .. "/ballots"
  elseif mode == "isso-thread" then
    prepared = wrk.format("GET", "/?uri=" .. query_escape(target))
  elseif mode == "isso-comments" then
    if #options ~= 1 then
      error("isso-comments mode needs the Origin header's value")
    end
    comments_path = "/new?uri=" .. query_escape(target)
    comment_headers = { ["Content-Type"] = "application/json", ["Origin"] = options[1] }
  else
    error("unknown mode " .. tostring(mode) .. "; expected ballots, results, isso-comments or isso-thread")
  end
end

function request()
  if prepared then
    return prepared
  end
  counter = counter + 1
  if comments_path then
    -- A comment of ordinary length, each different, as citizens would write them.
    local body = string.format(
      '{"text":"Comment %s-t%d-%d: the lifeline block should cover the first six cubic metres.","author":"bench","title":"Thread"}',
      run, thread_number, counter)
    return wrk.format("POST", comments_path, comment_headers, body)
  end
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
