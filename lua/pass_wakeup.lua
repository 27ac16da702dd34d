-- pass_wakeup: a worker that took a bare wake-up token ('1', see wake_one)
-- but has no free slot hands it on, so another idle worker comes for the work.
-- KEYS[1] ready LIST (a job handed to an idle worker, or a bare token)
-- KEYS[2] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base
-- Invariant: the ready list is refilled only while work is pending (at most one entry).
local now = server_now()
heal(ARGV[2], now, {'ready', 'pending', 'jobs', 'counts', 'active', 'stats'})
if has_waiting(ARGV[2]) then wake_one(ARGV[2], now) end
return 1
