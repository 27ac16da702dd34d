# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tq_global_optspecs
    string join \n redis= redis-url= prefix= json min-replicas= replica-timeout= v/verbose quiet log-format= h/help V/version
end

function __fish_tq_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tq_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tq_using_subcommand
    set -l cmd (__fish_tq_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tq -n "__fish_tq_needs_command" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_needs_command" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_needs_command" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_needs_command" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_needs_command" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_needs_command" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_needs_command" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_needs_command" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_needs_command" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_needs_command" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_needs_command" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_needs_command" -f -a "enqueue" -d 'Put one job on a queue and print its id'
complete -c tq -n "__fish_tq_needs_command" -f -a "worker" -d 'Consume jobs from queues in strict priority order'
complete -c tq -n "__fish_tq_needs_command" -f -a "inspect" -d 'Show queue depths, totals and live workers'
complete -c tq -n "__fish_tq_needs_command" -f -a "status" -d 'Show one job\'s state, attempts, last error and result'
complete -c tq -n "__fish_tq_needs_command" -f -a "dlq" -d 'Inspect, replay and purge dead jobs (the dead-letter queue)'
complete -c tq -n "__fish_tq_needs_command" -f -a "jobs" -d 'See the jobs waiting or running on queues, not only their counts'
complete -c tq -n "__fish_tq_needs_command" -f -a "cancel" -d 'Cancel jobs: waiting ones never run, running ones are killed'
complete -c tq -n "__fish_tq_needs_command" -f -a "retry-now" -d 'Run jobs waiting on a retry backoff or a delay now (they become pending)'
complete -c tq -n "__fish_tq_needs_command" -f -a "queue" -d 'Pause, resume or empty a queue'
complete -c tq -n "__fish_tq_needs_command" -f -a "cron" -d 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there'
complete -c tq -n "__fish_tq_needs_command" -f -a "serve" -d 'The tq server: the HTTP API for producers, the live admin page and /metrics'
complete -c tq -n "__fish_tq_needs_command" -f -a "dashboard" -d 'The tq server: the HTTP API for producers, the live admin page and /metrics'
complete -c tq -n "__fish_tq_needs_command" -f -a "load-test" -d 'Fire N jobs, drain them with real workers, report throughput, latency and loss'
complete -c tq -n "__fish_tq_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c tq -n "__fish_tq_needs_command" -f -a "man" -d 'Print the man page (or write every page with --out-dir)'
complete -c tq -n "__fish_tq_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l batch -d 'Enqueue many jobs from FILE (or - for stdin), one JSON object per line: {"task": T, "args": {..}, "queue": Q, "max_retries": N, "delay": "30s", "expires": "1h"} (only task is required; -q and the other flags are the defaults). Prints the ids in order; a bad line stops the batch, naming it, after every line before it was enqueued' -r -F
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l args -d 'Arguments as JSON text, or - to read them from stdin' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l args-file -d 'Read the JSON arguments from a file' -r -F
complete -c tq -n "__fish_tq_using_subcommand enqueue" -s q -l queue -d 'Queue to put the job on' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l delay -d 'Run no earlier than this long from now (e.g. 30s, 5m; at most 10 years)' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l at -d 'Run no earlier than this time (RFC 3339 with any offset, e.g. 2026-01-02T03:04:05Z or 2026-01-02T05:04:05+02:00)' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l max-retries -d 'Retries after the first failed attempt' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l retry-base -d 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l retry-cap -d 'Longest wait between two attempts' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l timeout -d 'Kill an attempt (and its whole process group) after this long; 0 = no limit' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l expires -d 'A job not started by then is not run but goes to the DLQ as `expired`: a duration from now (1h) or an RFC 3339 time' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l unique-for -d 'Create no second job with the same task and args (or --unique-key) for this long: another enqueue prints the first job\'s id ("duplicate": true in JSON)' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l unique-key -d 'What makes the job unique under --unique-for [default: its task and args]' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l key -d 'Fairness key (a tenant, a customer): jobs of different keys of one queue take turns, and `tq queue limit --key-*` limits apply per key' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l redact -d 'JSON pointer of an args field the dead-letter queue must not keep (repeatable); it keeps {"omitted":true,"length":N,"sha256":H} instead' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l wait-timeout -d 'Give up waiting after this long (exit 1)' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l wait -d 'Block until the job succeeded (exit 0) or died (exit 1)'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand enqueue" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand worker" -l metrics-listen -d 'Serve this worker\'s Prometheus metrics at http://ADDR/metrics (job durations by queue and task, outcomes, running jobs, batch sizes)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -s Q -l queues -d 'Queues to serve, highest priority first; or weighted, NAME:WEIGHT for every queue (high:6,default:3,low:1): while all have work, claims follow the weights' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -s c -l concurrency -d 'Jobs run at once [default: number of CPUs]' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l handler -d 'Run COMMAND (through sh -c) for task NAME; args arrive as JSON on stdin' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l serve -d 'Start COMMAND (through sh -c) as long-lived handler processes that run job after job: JSON lines on fd 3 (jobs in) and fd 4 (answers out), so stdout and stderr stay free for prints. Each process first announces the tasks it serves and how many jobs it takes at once; the worker starts as many as -c needs. A job that must stop (timeout, tq cancel, lease lost) is cancelled, and its process killed if it does not answer within 2s. See clients/python and clients/node, or SPEC.md' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l max-jobs-per-process -d 'Replace a served process after it answered N jobs (Celery\'s worker_max_tasks_per_child)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l max-rss-per-process -d 'Replace a served process whose resident memory (with its children) passed SIZE, checked after each job (Celery\'s worker_max_memory_per_child)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l ready-timeout -d 'How long a served process has to say it is ready before it is killed and started again (with backoff, 1s up to 60s)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l keep-env -d 'Pass tq\'s own environment variable NAME (e.g. TQ_REDIS_URL, which may hold a password) on to handlers; by default they do not get tq\'s settings' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l lease -d 'How long a claimed job is held before another worker may take it back' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l grace -d 'On SIGTERM/SIGINT, how long running jobs may finish before they are handed back' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l max-deliveries -d 'Deliveries without an outcome (worker died each time) before a job is buried as poison' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l result-ttl -d 'How long results of succeeded jobs stay readable' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l results-max-count -d 'Most results kept per queue; past it the oldest go first (0 = no limit)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l dead-max-age -d 'Dead jobs older than this are deleted from the DLQ (0s = keep forever)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l dead-max-count -d 'Most dead jobs kept per queue; past it the oldest go first (0 = no limit)' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand worker" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand worker" -l burst -d 'Exit 0 once the queues have nothing pending, active or waiting to retry'
complete -c tq -n "__fish_tq_using_subcommand worker" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand worker" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand worker" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand worker" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand worker" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand inspect" -l interval -d 'How often --watch reads Redis' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand inspect" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand inspect" -l watch -d 'Redraw every --interval with rates (jobs/s processed and failed) until Ctrl-C; with --json, one JSON document per interval (JSON lines)'
complete -c tq -n "__fish_tq_using_subcommand inspect" -l wide -d 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
complete -c tq -n "__fish_tq_using_subcommand inspect" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand inspect" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand inspect" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tq -n "__fish_tq_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand status" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand status" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand status" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand status" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand status" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand status" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand status" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand status" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand status" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand status" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand status" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -f -a "list" -d 'List dead jobs, newest first'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -f -a "show" -d 'Show one dead job in full: args (or their redaction), options, every attempt'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -f -a "replay" -d 'Put dead jobs back on their queue as new jobs'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -f -a "purge" -d 'Delete dead jobs (refuses without --yes)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and not __fish_seen_subcommand_from list show replay purge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s q -l queue -d 'Only dead jobs of this queue (repeatable, or comma-separated)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l task -d 'Only dead jobs of this task' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l since -d 'Only jobs that died within this long (e.g. 1h, 7d)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l limit -d 'Show at most this many (newest first)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l count -d 'Print only how many dead jobs match (ignores --limit)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l wide -d 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s q -l queue -d 'Only dead jobs of this queue (repeatable, or comma-separated)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l task -d 'Only dead jobs of this task' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l since -d 'Only jobs that died within this long (e.g. 1h, 7d)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l args-file -d 'The full args of a job whose fields were redacted (checked against the stored sha256)' -r -F
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l all -d 'Replay every dead job that matches the filters'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l dry-run -d 'List what would be replayed; change nothing'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s q -l queue -d 'Only dead jobs of this queue (repeatable, or comma-separated)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l task -d 'Only dead jobs of this task' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l since -d 'Only jobs that died within this long (e.g. 1h, 7d)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l older-than -d 'Only jobs that died longer ago than this (e.g. 7d)' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l all -d 'Delete every dead job that matches the filters'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l yes -d 'Really delete (without it, nothing is deleted and tq exits 2)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "list" -d 'List dead jobs, newest first'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one dead job in full: args (or their redaction), options, every attempt'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Put dead jobs back on their queue as new jobs'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete dead jobs (refuses without --yes)'
complete -c tq -n "__fish_tq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
complete -c tq -n "__fish_tq_using_subcommand jobs; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s q -l queue -d 'Only jobs of this queue (repeatable, or comma-separated) [default: every queue]' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l state -d 'Only jobs in this state (repeatable, or comma-separated) [default: all four]' -r -f -a "pending\t''
scheduled\t''
retrying\t''
active\t''"
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l task -d 'Only jobs of this task' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l limit -d 'Most jobs listed per queue and state' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l wide -d 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
complete -c tq -n "__fish_tq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand cancel" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cancel" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cancel" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cancel" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cancel" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cancel" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cancel" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cancel" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cancel" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tq -n "__fish_tq_using_subcommand cancel" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand retry-now" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand retry-now" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand retry-now" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand retry-now" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -f -a "pause" -d 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -f -a "resume" -d 'Let workers claim from QUEUE again'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -f -a "limit" -d 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -f -a "purge" -d 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
complete -c tq -n "__fish_tq_using_subcommand queue; and not __fish_seen_subcommand_from pause resume limit purge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l concurrency -d 'At most N jobs of the queue running at once, fleet-wide (0 removes it)' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l rate -d 'At most N starts in any window of DURATION, fleet-wide (20/1s, 1000/1m; "off" removes it)' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l key-concurrency -d 'At most N jobs of one --key running at once (0 removes it)' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l key-rate -d 'At most N starts of one --key in any window of DURATION ("off" removes it)' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l clear -d 'Remove every limit (a handler\'s pause_queue_ms still runs out on its own)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from limit" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l yes -d 'Really delete (without it, nothing is deleted and tq exits 2)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Let workers claim from QUEUE again'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "limit" -d 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
complete -c tq -n "__fish_tq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "add" -d 'Create or update a schedule (the same definition twice changes nothing)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "list" -d 'List schedules: next run, last run and its job\'s state'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "show" -d 'Show one schedule and its next runs'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "remove" -d 'Delete a schedule (jobs it already created stay)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "pause" -d 'Stop a schedule firing'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "resume" -d 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "run" -d 'Enqueue a schedule\'s job now, once, under its own id (its cadence is unchanged)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "tick" -d 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
complete -c tq -n "__fish_tq_using_subcommand cron; and not __fish_seen_subcommand_from add list show remove pause resume run tick help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l every -d 'Fire every DURATION (at least 1s), at multiples of it since the epoch' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l cron -d 'Fire at the times of a cron expression (see below)' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l tz -d 'The IANA time zone --cron is read in' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l catch-up -d 'What a gap of missed ticks fires: one job, or none' -r -f -a "one\t'One job for the whole gap, then on with the cadence'
none\t'No job for the gap'"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l args -d 'Arguments as JSON text' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -s q -l queue -d 'Queue its jobs go to' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l max-retries -d 'Retries after the first failed attempt' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l retry-base -d 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l retry-cap -d 'Longest wait between two attempts' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l timeout -d 'Kill an attempt (and its whole process group) after this long; 0 = no limit' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l expires -d 'A tick\'s job not started this long after its tick is not run (DLQ reason `expired`)' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l unique-for -d 'Create no job while another with the same task and args (or --unique-key) was created less than this long ago' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l unique-key -d 'What makes its jobs unique under --unique-for [default: task and args]' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l wide -d 'Show every column in full (by default tables fit the terminal, or 80 columns when piped)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from tick" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create or update a schedule (the same definition twice changes nothing)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "list" -d 'List schedules: next run, last run and its job\'s state'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one schedule and its next runs'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete a schedule (jobs it already created stay)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop a schedule firing'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "run" -d 'Enqueue a schedule\'s job now, once, under its own id (its cadence is unchanged)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "tick" -d 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
complete -c tq -n "__fish_tq_using_subcommand cron; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand serve" -l listen -d 'Address to listen on' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l auth-token -d 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l token-file -d 'Like --auth-token, with the token read from FILE (kept out of `ps`)' -r -F
complete -c tq -n "__fish_tq_using_subcommand serve" -l enqueue-token -d 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l basic-auth -d 'Require HTTP basic authentication with this user and password' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand serve" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand serve" -l read-only -d 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)'
complete -c tq -n "__fish_tq_using_subcommand serve" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand serve" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand serve" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand serve" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand serve" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l listen -d 'Address to listen on' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l auth-token -d 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l token-file -d 'Like --auth-token, with the token read from FILE (kept out of `ps`)' -r -F
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l enqueue-token -d 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l basic-auth -d 'Require HTTP basic authentication with this user and password' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l read-only -d 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l jobs -d 'Jobs to submit' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l mix -d 'Queues and weights, highest priority first' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l task -d 'Task of every job (any built-in; others need --serve, or --external-workers with a handler)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l args -d 'Args of every job' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l payload-bytes -d 'Pad every job\'s args with this many bytes (field "pad")' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -s c -l concurrency -d 'Jobs each worker runs at once (large: claims and acks are batched up to this) [default: 1024; with --serve, the number of CPUs]' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l workers -d 'Worker processes to start [default: number of CPUs; with --serve, 1]' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l serve -d 'Run the jobs on served processes of COMMAND (see `tq worker --serve`), e.g. your own task in Python or Node, started warm by each worker' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l lease -d 'Lease of the started workers (how soon a killed worker\'s jobs come back)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l batch -d 'Jobs per enqueue call (1 = one round trip per job)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l rate -d 'Submit at this many jobs per second (open loop) instead of as fast as possible: latencies count from each job\'s intended send time, and the report says how late jobs went out (submit lag)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l keys -d 'Give the jobs N fairness keys, in turn (job i gets key k<i mod N>)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l limits -d 'Flow limits of every queue of the run, as tq queue limit sets them: concurrency=N,rate=N/DURATION,key-concurrency=N,key-rate=N/DURATION' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l timeout -d 'Stop waiting for the drain after this long (what is missing then counts as lost)' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l chaos-kill-every -d 'SIGKILL a random worker this often and start a replacement' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l hdr-out -d 'Write the latency histograms to FILE in HdrHistogram interval log format' -r -F
complete -c tq -n "__fish_tq_using_subcommand load-test" -l cluster -d 'With --spawn-redis: start a Redis Cluster of N masters instead of one server' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand load-test" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand load-test" -l submit-only -d 'Only submit (to the --prefix and --mix queues), e.g. for `tq worker --burst` to drain'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l external-workers -d 'Use workers already running (on --prefix and the --mix queues) instead of starting some'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l spawn-redis -d 'Start a private throwaway redis-server for the run (also done when no URL was given and nothing listens at the default one)'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l no-progress -d 'No progress bars'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand load-test" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand load-test" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand load-test" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand load-test" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand completions" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand completions" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand completions" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand completions" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand completions" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand completions" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand completions" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand completions" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand man" -l out-dir -d 'Write tq.1 and one page per subcommand into this directory instead of printing tq.1' -r -F
complete -c tq -n "__fish_tq_using_subcommand man" -l redis -d 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0' -r
complete -c tq -n "__fish_tq_using_subcommand man" -l redis-url -d 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set' -r
complete -c tq -n "__fish_tq_using_subcommand man" -l prefix -d 'Prefix of every Redis key tq writes' -r
complete -c tq -n "__fish_tq_using_subcommand man" -l min-replicas -d 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer' -r
complete -c tq -n "__fish_tq_using_subcommand man" -l replica-timeout -d 'How long to wait for --min-replicas' -r
complete -c tq -n "__fish_tq_using_subcommand man" -l log-format -d 'Log lines as text or as JSON objects (for log shippers)' -r -f -a "text\t''
json\t''"
complete -c tq -n "__fish_tq_using_subcommand man" -l json -d 'Print one JSON document on stdout instead of text'
complete -c tq -n "__fish_tq_using_subcommand man" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
complete -c tq -n "__fish_tq_using_subcommand man" -l quiet -d 'Only errors on stderr (a worker\'s one line per finished job is off too)'
complete -c tq -n "__fish_tq_using_subcommand man" -s h -l help -d 'Print help'
complete -c tq -n "__fish_tq_using_subcommand man" -s V -l version -d 'Print version'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "enqueue" -d 'Put one job on a queue and print its id'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "worker" -d 'Consume jobs from queues in strict priority order'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "inspect" -d 'Show queue depths, totals and live workers'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "status" -d 'Show one job\'s state, attempts, last error and result'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "dlq" -d 'Inspect, replay and purge dead jobs (the dead-letter queue)'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "jobs" -d 'See the jobs waiting or running on queues, not only their counts'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "cancel" -d 'Cancel jobs: waiting ones never run, running ones are killed'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "retry-now" -d 'Run jobs waiting on a retry backoff or a delay now (they become pending)'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "queue" -d 'Pause, resume or empty a queue'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "cron" -d 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "serve" -d 'The tq server: the HTTP API for producers, the live admin page and /metrics'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "load-test" -d 'Fire N jobs, drain them with real workers, report throughput, latency and loss'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "man" -d 'Print the man page (or write every page with --out-dir)'
complete -c tq -n "__fish_tq_using_subcommand help; and not __fish_seen_subcommand_from enqueue worker inspect status dlq jobs cancel retry-now queue cron serve load-test completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "list" -d 'List dead jobs, newest first'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "show" -d 'Show one dead job in full: args (or their redaction), options, every attempt'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Put dead jobs back on their queue as new jobs'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "purge" -d 'Delete dead jobs (refuses without --yes)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "list" -d 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "pause" -d 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "resume" -d 'Let workers claim from QUEUE again'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "limit" -d 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "purge" -d 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "add" -d 'Create or update a schedule (the same definition twice changes nothing)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "list" -d 'List schedules: next run, last run and its job\'s state'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "show" -d 'Show one schedule and its next runs'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "remove" -d 'Delete a schedule (jobs it already created stay)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "pause" -d 'Stop a schedule firing'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "resume" -d 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "run" -d 'Enqueue a schedule\'s job now, once, under its own id (its cadence is unchanged)'
complete -c tq -n "__fish_tq_using_subcommand help; and __fish_seen_subcommand_from cron" -f -a "tick" -d 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
