-- synced: one small write, sent just before a WAIT on the same connection
-- (Broker::confirm_writes sends both as one pipeline), so that WAIT waits
-- for everything the master holds by now. WAIT counts only the writes of
-- its own connection, and the writes to confirm may have gone out on a
-- connection the client has since replaced (a reconnect between a script
-- and its WAIT): a bare WAIT on the new one would answer at once.
-- KEYS[1] synced STRING (the server time of the last confirmation; expires)
-- ARGV[1] clock
-- Invariant: no job's state changes. KEYS[1] is written by this script
-- alone; SET replaces whatever is there, so there is nothing to check first.
local now = server_now()
redis.call('SET', KEYS[1], now, 'PX', 10000)
return now
