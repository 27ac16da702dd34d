-- wrk: 1,000 jobs per POST (NDJSON) to tq serve's API.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
local lines = {}
for i = 1, 1000 do
  lines[i] = '{"task":"tq.noop","args":{"n":' .. i .. '}}'
end
wrk.body = table.concat(lines, "\n")
