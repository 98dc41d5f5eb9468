-- Appended to the wrk scripts of the benchmarks: counts answers per second of wall-clock time in
-- every wrk thread and, at the end, prints the rate of the slowest 5-second slice (whole seconds
-- only: the partial first and last seconds are left out), the answers that were not 2xx by status,
-- and the socket errors. Defining response() makes wrk hand every answer to Lua, which costs a
-- little of wrk's own CPU; the server's figures are unchanged.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

per_second = {}
statuses = {}

function response(status, headers, body)
  local s = os.time()
  per_second[s] = (per_second[s] or 0) + 1
  if status < 200 or status > 299 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local all, bad = {}, {}
  local first, last
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("per_second")) do
      all[s] = (all[s] or 0) + n
      if not first or s < first then first = s end
      if not last or s > last then last = s end
    end
    for status, n in pairs(t:get("statuses")) do
      bad[status] = (bad[status] or 0) + n
    end
  end
  local slowest
  if first then
    for start = first + 1, last - 5, 5 do
      local n = 0
      for s = start, start + 4 do n = n + (all[s] or 0) end
      if not slowest or n < slowest then slowest = n end
    end
  end
  io.write(string.format("SLOWEST_5S %s\n", slowest and string.format("%.0f", slowest / 5) or "-"))
  local non2xx = 0
  for status, n in pairs(bad) do
    io.write(string.format("STATUS %d %d\n", status, n))
    non2xx = non2xx + n
  end
  local e = summary.errors
  io.write(string.format("NON_2XX %d\n", non2xx))
  io.write(string.format("SOCKET_ERRORS %d (connect %d, read %d, write %d, timeout %d)\n",
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout))
end
