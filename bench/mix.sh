# The redis-benchmark mix of bench/run and bench/instructions: the eight
# commands one job needs, each carrying 100 elements as tq's scripts batch
# them; -r keeps the sets as large as tq's are (backlog 100k, leases ~1k).
# Each reads what the one before it wrote: HMGET and HDEL find the fields
# HSET made, RPOP pops what LPUSH pushed, ZREM removes what ZADD added.
# Source it, then: mix RUN, which calls RUN name keyspace command... in order.
mix() {
  local run=$1
  batch() { # repeat "$@" 100 times
    local out=(); for _ in $(seq 100); do out+=("$@"); done; printf '%s\n' "${out[@]}"
  }
  local payload pairs ids scored
  payload=$(printf 'x%.0s' $(seq 100))
  mapfile -t pairs < <(batch __rand_int__ "$payload")
  mapfile -t ids < <(batch __rand_int__)
  mapfile -t scored < <(batch __rand_int__ __rand_int__)
  "$run" "enqueue: HSET jobs" 100000 HSET 'tq:{b}:jobs' "${pairs[@]}"
  "$run" "claim: HMGET jobs" 100000 HMGET 'tq:{b}:jobs' "${ids[@]}"
  "$run" "ack: HDEL jobs" 100000 HDEL 'tq:{b}:jobs' "${ids[@]}"
  "$run" "enqueue: LPUSH pending" 100000 LPUSH 'tq:{b}:pending' "${ids[@]}"
  "$run" "claim: RPOP pending" 1 RPOP 'tq:{b}:pending' 100
  "$run" "claim: ZADD active" 1000 ZADD 'tq:{b}:active' "${scored[@]}"
  "$run" "ack: ZREM active" 1000 ZREM 'tq:{b}:active' "${ids[@]}"
  "$run" "ack: HSET results" 100000 HSET 'tq:{b}:results:0' "${pairs[@]}"
}
