-- wrk script: board and list reads, alternating a job's applications and the job list.
function init(args)
  token, job = args[1], args[2]
  k = 0
end

function request()
  k = k + 1
  local path = (k % 2 == 0) and ("/api/applications/job/" .. job .. "?limit=50") or "/api/jobs/?limit=50"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
