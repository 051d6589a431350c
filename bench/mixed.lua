-- wrk script: 90 % GETs of the URL, 10 % form posts to BENCH_REPLY_PATH, each with a unique value.
-- Counts acknowledged (2xx/3xx) and failed posts so the runner can check none was lost or doubled.
local token = os.getenv("BENCH_TOKEN")
local marker = os.getenv("BENCH_MARKER")
local reply_path = os.getenv("BENCH_REPLY_PATH")
local field = os.getenv("BENCH_FIELD") or "body"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  acknowledged = 0
  failed = 0
end

function request()
  counter = counter + 1
  if counter % 10 == 0 then
    local body = "_csrf_token=" .. token .. "&" .. field .. "=" .. marker .. "-" .. id .. "-" .. counter
    -- wrk.format replaces (not extends) the -H headers when given a table: copy them (the cookies).
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", reply_path, headers, body)
  end
  return wrk.format("GET", nil)
end

-- Several connections share a thread, so responses are told apart by status: a stored reply
-- answers 303 (post-redirect-get), a page 200; anything 4xx/5xx is a failure.
function response(status, headers, body)
  if status >= 300 and status < 400 then
    acknowledged = acknowledged + 1
  elseif status >= 400 then
    failed = failed + 1
    if failed <= 3 then io.write("failed status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local ack, bad = 0, 0
  for _, thread in ipairs(threads) do
    ack = ack + thread:get("acknowledged")
    bad = bad + thread:get("failed")
  end
  io.write("acknowledged_posts=" .. ack .. "\n")
  io.write("failed_posts=" .. bad .. "\n")
end
