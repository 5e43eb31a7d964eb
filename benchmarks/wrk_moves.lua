-- wrk script: each request moves the next application (PATCH .../stage): to Screening, then
-- on a second pass over the cards to Rejected.
-- Applications are dealt out to wrk threads so that no two requests ever race for one card.
local next_tid = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function init(args)
  token, ids_file, nthreads = args[1], args[2], tonumber(args[3])
  -- FlowTrack serves the original API's paths under /api; the original itself at the root.
  prefix = args[4] or "/api"
  -- Rejected is legal from Applied too, so a request wrk drops when it reconnects a socket
  -- cannot turn the card's next move into a refused one.
  stages = { "Screening", "Rejected" }
  mine, k, exhausted = {}, 0, 0
  local i = 0
  for line in io.lines(ids_file) do
    if i % nthreads == tid then table.insert(mine, line) end
    i = i + 1
  end
end

function request()
  local n = #mine
  local pass = math.floor(k / n) + 1
  local id = mine[(k % n) + 1]
  k = k + 1
  if pass > #stages then
    exhausted = exhausted + 1
    pass = #stages
  end
  return wrk.format("PATCH", prefix .. "/applications/" .. id .. "/stage?new_stage=" .. stages[pass],
    { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
  if status >= 300 and not first_error then first_error = status .. " " .. string.sub(body, 1, 300) end
end

function done(summary, latency, requests)
  local e, short, first = summary.errors, 0, nil
  for _, t in ipairs(threads) do
    short = short + (t:get("exhausted") or 0)
    first = first or t:get("first_error")
  end
  if first then io.write("FIRST_ERROR " .. first .. "\n") end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"errors": %d, "exhausted": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, short))
end
