-- pass_wakeup: a worker that took a wake-up token but has no free slot
-- hands it on, so another idle worker comes for the work.
-- KEYS[1] ready LIST (wake-up token)
-- KEYS[2] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base
-- Invariant: a token is back only while work is pending (at most one).
heal(ARGV[2], server_now(), {'ready', 'pending'})
if redis.call('LLEN', KEYS[2]) > 0 then wake_one(KEYS[1]) end
return 1
