-- wrk: one job per POST to tq serve's API.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"task":"tq.noop","args":{"n":1}}'
