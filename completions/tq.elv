
use builtin;
use str;

set edit:completion:arg-completer[tq] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tq'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tq'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand enqueue 'Put one job on a queue and print its id'
            cand worker 'Consume jobs from queues in strict priority order'
            cand inspect 'Show queue depths, totals and live workers'
            cand status 'Show one job''s state, attempts, last error and result'
            cand dlq 'Inspect, replay and purge dead jobs (the dead-letter queue)'
            cand jobs 'See the jobs waiting or running on queues, not only their counts'
            cand cancel 'Cancel jobs: waiting ones never run, running ones are killed'
            cand retry-now 'Run jobs waiting on a retry backoff or a delay now (they become pending)'
            cand queue 'Pause, resume or empty a queue'
            cand cron 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there'
            cand serve 'The tq server: the HTTP API for producers, the live admin page and /metrics'
            cand dashboard 'The tq server: the HTTP API for producers, the live admin page and /metrics'
            cand load-test 'Fire N jobs, drain them with real workers, report throughput, latency and loss'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page (or write every page with --out-dir)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;enqueue'= {
            cand --batch 'Enqueue many jobs from FILE (or - for stdin), one JSON object per line: {"task": T, "args": {..}, "queue": Q, "max_retries": N, "delay": "30s", "expires": "1h"} (only task is required; -q and the other flags are the defaults). Prints the ids in order; a bad line stops the batch, naming it, after every line before it was enqueued'
            cand --args 'Arguments as JSON text, or - to read them from stdin'
            cand --args-file 'Read the JSON arguments from a file'
            cand -q 'Queue to put the job on'
            cand --queue 'Queue to put the job on'
            cand --delay 'Run no earlier than this long from now (e.g. 30s, 5m; at most 10 years)'
            cand --at 'Run no earlier than this time (RFC 3339 with any offset, e.g. 2026-01-02T03:04:05Z or 2026-01-02T05:04:05+02:00)'
            cand --max-retries 'Retries after the first failed attempt'
            cand --retry-base 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter'
            cand --retry-cap 'Longest wait between two attempts'
            cand --timeout 'Kill an attempt (and its whole process group) after this long; 0 = no limit'
            cand --expires 'A job not started by then is not run but goes to the DLQ as `expired`: a duration from now (1h) or an RFC 3339 time'
            cand --unique-for 'Create no second job with the same task and args (or --unique-key) for this long: another enqueue prints the first job''s id ("duplicate": true in JSON)'
            cand --unique-key 'What makes the job unique under --unique-for [default: its task and args]'
            cand --key 'Fairness key (a tenant, a customer): jobs of different keys of one queue take turns, and `tq queue limit --key-*` limits apply per key'
            cand --redact 'JSON pointer of an args field the dead-letter queue must not keep (repeatable); it keeps {"omitted":true,"length":N,"sha256":H} instead'
            cand --wait-timeout 'Give up waiting after this long (exit 1)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --wait 'Block until the job succeeded (exit 0) or died (exit 1)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;worker'= {
            cand --metrics-listen 'Serve this worker''s Prometheus metrics at http://ADDR/metrics (job durations by queue and task, outcomes, running jobs, batch sizes)'
            cand -Q 'Queues to serve, highest priority first; or weighted, NAME:WEIGHT for every queue (high:6,default:3,low:1): while all have work, claims follow the weights'
            cand --queues 'Queues to serve, highest priority first; or weighted, NAME:WEIGHT for every queue (high:6,default:3,low:1): while all have work, claims follow the weights'
            cand -c 'Jobs run at once [default: number of CPUs]'
            cand --concurrency 'Jobs run at once [default: number of CPUs]'
            cand --handler 'Run COMMAND (through sh -c) for task NAME; args arrive as JSON on stdin'
            cand --serve 'Start COMMAND (through sh -c) as long-lived handler processes that run job after job: JSON lines on fd 3 (jobs in) and fd 4 (answers out), so stdout and stderr stay free for prints. Each process first announces the tasks it serves and how many jobs it takes at once; the worker starts as many as -c needs. A job that must stop (timeout, tq cancel, lease lost) is cancelled, and its process killed if it does not answer within 2s. See clients/python and clients/node, or SPEC.md'
            cand --max-jobs-per-process 'Replace a served process after it answered N jobs (Celery''s worker_max_tasks_per_child)'
            cand --max-rss-per-process 'Replace a served process whose resident memory (with its children) passed SIZE, checked after each job (Celery''s worker_max_memory_per_child)'
            cand --ready-timeout 'How long a served process has to say it is ready before it is killed and started again (with backoff, 1s up to 60s)'
            cand --keep-env 'Pass tq''s own environment variable NAME (e.g. TQ_REDIS_URL, which may hold a password) on to handlers; by default they do not get tq''s settings'
            cand --lease 'How long a claimed job is held before another worker may take it back'
            cand --grace 'On SIGTERM/SIGINT, how long running jobs may finish before they are handed back'
            cand --max-deliveries 'Deliveries without an outcome (worker died each time) before a job is buried as poison'
            cand --result-ttl 'How long results of succeeded jobs stay readable'
            cand --results-max-count 'Most results kept per queue; past it the oldest go first (0 = no limit)'
            cand --dead-max-age 'Dead jobs older than this are deleted from the DLQ (0s = keep forever)'
            cand --dead-max-count 'Most dead jobs kept per queue; past it the oldest go first (0 = no limit)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --burst 'Exit 0 once the queues have nothing pending, active or waiting to retry'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;inspect'= {
            cand --interval 'How often --watch reads Redis'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --watch 'Redraw every --interval with rates (jobs/s processed and failed) until Ctrl-C; with --json, one JSON document per interval (JSON lines)'
            cand --wide 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;status'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dlq'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List dead jobs, newest first'
            cand show 'Show one dead job in full: args (or their redaction), options, every attempt'
            cand replay 'Put dead jobs back on their queue as new jobs'
            cand purge 'Delete dead jobs (refuses without --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;dlq;list'= {
            cand -q 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --queue 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --task 'Only dead jobs of this task'
            cand --since 'Only jobs that died within this long (e.g. 1h, 7d)'
            cand --limit 'Show at most this many (newest first)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --count 'Print only how many dead jobs match (ignores --limit)'
            cand --wide 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dlq;show'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dlq;replay'= {
            cand -q 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --queue 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --task 'Only dead jobs of this task'
            cand --since 'Only jobs that died within this long (e.g. 1h, 7d)'
            cand --args-file 'The full args of a job whose fields were redacted (checked against the stored sha256)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --all 'Replay every dead job that matches the filters'
            cand --dry-run 'List what would be replayed; change nothing'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dlq;purge'= {
            cand -q 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --queue 'Only dead jobs of this queue (repeatable, or comma-separated)'
            cand --task 'Only dead jobs of this task'
            cand --since 'Only jobs that died within this long (e.g. 1h, 7d)'
            cand --older-than 'Only jobs that died longer ago than this (e.g. 7d)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --all 'Delete every dead job that matches the filters'
            cand --yes 'Really delete (without it, nothing is deleted and tq exits 2)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dlq;help'= {
            cand list 'List dead jobs, newest first'
            cand show 'Show one dead job in full: args (or their redaction), options, every attempt'
            cand replay 'Put dead jobs back on their queue as new jobs'
            cand purge 'Delete dead jobs (refuses without --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;dlq;help;list'= {
        }
        &'tq;dlq;help;show'= {
        }
        &'tq;dlq;help;replay'= {
        }
        &'tq;dlq;help;purge'= {
        }
        &'tq;dlq;help;help'= {
        }
        &'tq;jobs'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;jobs;list'= {
            cand -q 'Only jobs of this queue (repeatable, or comma-separated) [default: every queue]'
            cand --queue 'Only jobs of this queue (repeatable, or comma-separated) [default: every queue]'
            cand --state 'Only jobs in this state (repeatable, or comma-separated) [default: all four]'
            cand --task 'Only jobs of this task'
            cand --limit 'Most jobs listed per queue and state'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --wide 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;jobs;help'= {
            cand list 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;jobs;help;list'= {
        }
        &'tq;jobs;help;help'= {
        }
        &'tq;cancel'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;retry-now'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;queue'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pause 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
            cand resume 'Let workers claim from QUEUE again'
            cand limit 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
            cand purge 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;queue;pause'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;queue;resume'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;queue;limit'= {
            cand --concurrency 'At most N jobs of the queue running at once, fleet-wide (0 removes it)'
            cand --rate 'At most N starts in any window of DURATION, fleet-wide (20/1s, 1000/1m; "off" removes it)'
            cand --key-concurrency 'At most N jobs of one --key running at once (0 removes it)'
            cand --key-rate 'At most N starts of one --key in any window of DURATION ("off" removes it)'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --clear 'Remove every limit (a handler''s pause_queue_ms still runs out on its own)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;queue;purge'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --yes 'Really delete (without it, nothing is deleted and tq exits 2)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;queue;help'= {
            cand pause 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
            cand resume 'Let workers claim from QUEUE again'
            cand limit 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
            cand purge 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;queue;help;pause'= {
        }
        &'tq;queue;help;resume'= {
        }
        &'tq;queue;help;limit'= {
        }
        &'tq;queue;help;purge'= {
        }
        &'tq;queue;help;help'= {
        }
        &'tq;cron'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Create or update a schedule (the same definition twice changes nothing)'
            cand list 'List schedules: next run, last run and its job''s state'
            cand show 'Show one schedule and its next runs'
            cand remove 'Delete a schedule (jobs it already created stay)'
            cand pause 'Stop a schedule firing'
            cand resume 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
            cand run 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)'
            cand tick 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;cron;add'= {
            cand --every 'Fire every DURATION (at least 1s), at multiples of it since the epoch'
            cand --cron 'Fire at the times of a cron expression (see below)'
            cand --tz 'The IANA time zone --cron is read in'
            cand --catch-up 'What a gap of missed ticks fires: one job, or none'
            cand --args 'Arguments as JSON text'
            cand -q 'Queue its jobs go to'
            cand --queue 'Queue its jobs go to'
            cand --max-retries 'Retries after the first failed attempt'
            cand --retry-base 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter'
            cand --retry-cap 'Longest wait between two attempts'
            cand --timeout 'Kill an attempt (and its whole process group) after this long; 0 = no limit'
            cand --expires 'A tick''s job not started this long after its tick is not run (DLQ reason `expired`)'
            cand --unique-for 'Create no job while another with the same task and args (or --unique-key) was created less than this long ago'
            cand --unique-key 'What makes its jobs unique under --unique-for [default: task and args]'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;list'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --wide 'Show every column in full (by default tables fit the terminal, or 80 columns when piped)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;show'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;remove'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;pause'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;resume'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;run'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;tick'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;cron;help'= {
            cand add 'Create or update a schedule (the same definition twice changes nothing)'
            cand list 'List schedules: next run, last run and its job''s state'
            cand show 'Show one schedule and its next runs'
            cand remove 'Delete a schedule (jobs it already created stay)'
            cand pause 'Stop a schedule firing'
            cand resume 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
            cand run 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)'
            cand tick 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;cron;help;add'= {
        }
        &'tq;cron;help;list'= {
        }
        &'tq;cron;help;show'= {
        }
        &'tq;cron;help;remove'= {
        }
        &'tq;cron;help;pause'= {
        }
        &'tq;cron;help;resume'= {
        }
        &'tq;cron;help;run'= {
        }
        &'tq;cron;help;tick'= {
        }
        &'tq;cron;help;help'= {
        }
        &'tq;serve'= {
            cand --listen 'Address to listen on'
            cand --auth-token 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything'
            cand --token-file 'Like --auth-token, with the token read from FILE (kept out of `ps`)'
            cand --enqueue-token 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge'
            cand --basic-auth 'Require HTTP basic authentication with this user and password'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --read-only 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;dashboard'= {
            cand --listen 'Address to listen on'
            cand --auth-token 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything'
            cand --token-file 'Like --auth-token, with the token read from FILE (kept out of `ps`)'
            cand --enqueue-token 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge'
            cand --basic-auth 'Require HTTP basic authentication with this user and password'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --read-only 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;load-test'= {
            cand --jobs 'Jobs to submit'
            cand --mix 'Queues and weights, highest priority first'
            cand --task 'Task of every job (any built-in; others need --serve, or --external-workers with a handler)'
            cand --args 'Args of every job'
            cand --payload-bytes 'Pad every job''s args with this many bytes (field "pad")'
            cand -c 'Jobs each worker runs at once (large: claims and acks are batched up to this) [default: 1024; with --serve, the number of CPUs]'
            cand --concurrency 'Jobs each worker runs at once (large: claims and acks are batched up to this) [default: 1024; with --serve, the number of CPUs]'
            cand --workers 'Worker processes to start [default: number of CPUs; with --serve, 1]'
            cand --serve 'Run the jobs on served processes of COMMAND (see `tq worker --serve`), e.g. your own task in Python or Node, started warm by each worker'
            cand --lease 'Lease of the started workers (how soon a killed worker''s jobs come back)'
            cand --batch 'Jobs per enqueue call (1 = one round trip per job)'
            cand --rate 'Submit at this many jobs per second (open loop) instead of as fast as possible: latencies count from each job''s intended send time, and the report says how late jobs went out (submit lag)'
            cand --keys 'Give the jobs N fairness keys, in turn (job i gets key k<i mod N>)'
            cand --limits 'Flow limits of every queue of the run, as tq queue limit sets them: concurrency=N,rate=N/DURATION,key-concurrency=N,key-rate=N/DURATION'
            cand --timeout 'Stop waiting for the drain after this long (what is missing then counts as lost)'
            cand --chaos-kill-every 'SIGKILL a random worker this often and start a replacement'
            cand --hdr-out 'Write the latency histograms to FILE in HdrHistogram interval log format'
            cand --cluster 'With --spawn-redis: start a Redis Cluster of N masters instead of one server'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --submit-only 'Only submit (to the --prefix and --mix queues), e.g. for `tq worker --burst` to drain'
            cand --external-workers 'Use workers already running (on --prefix and the --mix queues) instead of starting some'
            cand --spawn-redis 'Start a private throwaway redis-server for the run (also done when no URL was given and nothing listens at the default one)'
            cand --no-progress 'No progress bars'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;completions'= {
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;man'= {
            cand --out-dir 'Write tq.1 and one page per subcommand into this directory instead of printing tq.1'
            cand --redis 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0'
            cand --redis-url 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set'
            cand --prefix 'Prefix of every Redis key tq writes'
            cand --min-replicas 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer'
            cand --replica-timeout 'How long to wait for --min-replicas'
            cand --log-format 'Log lines as text or as JSON objects (for log shippers)'
            cand --json 'Print one JSON document on stdout instead of text'
            cand -v 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --verbose 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides'
            cand --quiet 'Only errors on stderr (a worker''s one line per finished job is off too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tq;help'= {
            cand enqueue 'Put one job on a queue and print its id'
            cand worker 'Consume jobs from queues in strict priority order'
            cand inspect 'Show queue depths, totals and live workers'
            cand status 'Show one job''s state, attempts, last error and result'
            cand dlq 'Inspect, replay and purge dead jobs (the dead-letter queue)'
            cand jobs 'See the jobs waiting or running on queues, not only their counts'
            cand cancel 'Cancel jobs: waiting ones never run, running ones are killed'
            cand retry-now 'Run jobs waiting on a retry backoff or a delay now (they become pending)'
            cand queue 'Pause, resume or empty a queue'
            cand cron 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there'
            cand serve 'The tq server: the HTTP API for producers, the live admin page and /metrics'
            cand load-test 'Fire N jobs, drain them with real workers, report throughput, latency and loss'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page (or write every page with --out-dir)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tq;help;enqueue'= {
        }
        &'tq;help;worker'= {
        }
        &'tq;help;inspect'= {
        }
        &'tq;help;status'= {
        }
        &'tq;help;dlq'= {
            cand list 'List dead jobs, newest first'
            cand show 'Show one dead job in full: args (or their redaction), options, every attempt'
            cand replay 'Put dead jobs back on their queue as new jobs'
            cand purge 'Delete dead jobs (refuses without --yes)'
        }
        &'tq;help;dlq;list'= {
        }
        &'tq;help;dlq;show'= {
        }
        &'tq;help;dlq;replay'= {
        }
        &'tq;help;dlq;purge'= {
        }
        &'tq;help;jobs'= {
            cand list 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker'
        }
        &'tq;help;jobs;list'= {
        }
        &'tq;help;cancel'= {
        }
        &'tq;help;retry-now'= {
        }
        &'tq;help;queue'= {
            cand pause 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish'
            cand resume 'Let workers claim from QUEUE again'
            cand limit 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim'
            cand purge 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)'
        }
        &'tq;help;queue;pause'= {
        }
        &'tq;help;queue;resume'= {
        }
        &'tq;help;queue;limit'= {
        }
        &'tq;help;queue;purge'= {
        }
        &'tq;help;cron'= {
            cand add 'Create or update a schedule (the same definition twice changes nothing)'
            cand list 'List schedules: next run, last run and its job''s state'
            cand show 'Show one schedule and its next runs'
            cand remove 'Delete a schedule (jobs it already created stay)'
            cand pause 'Stop a schedule firing'
            cand resume 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)'
            cand run 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)'
            cand tick 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)'
        }
        &'tq;help;cron;add'= {
        }
        &'tq;help;cron;list'= {
        }
        &'tq;help;cron;show'= {
        }
        &'tq;help;cron;remove'= {
        }
        &'tq;help;cron;pause'= {
        }
        &'tq;help;cron;resume'= {
        }
        &'tq;help;cron;run'= {
        }
        &'tq;help;cron;tick'= {
        }
        &'tq;help;serve'= {
        }
        &'tq;help;load-test'= {
        }
        &'tq;help;completions'= {
        }
        &'tq;help;man'= {
        }
        &'tq;help;help'= {
        }
    ]
    $completions[$command]
}
