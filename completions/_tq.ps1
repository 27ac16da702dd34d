
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tq' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tq'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tq' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('enqueue', 'enqueue', [CompletionResultType]::ParameterValue, 'Put one job on a queue and print its id')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Consume jobs from queues in strict priority order')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show queue depths, totals and live workers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one job''s state, attempts, last error and result')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'Inspect, replay and purge dead jobs (the dead-letter queue)')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'See the jobs waiting or running on queues, not only their counts')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs: waiting ones never run, running ones are killed')
            [CompletionResult]::new('retry-now', 'retry-now', [CompletionResultType]::ParameterValue, 'Run jobs waiting on a retry backoff or a delay now (they become pending)')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Pause, resume or empty a queue')
            [CompletionResult]::new('cron', 'cron', [CompletionResultType]::ParameterValue, 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The tq server: the HTTP API for producers, the live admin page and /metrics')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'The tq server: the HTTP API for producers, the live admin page and /metrics')
            [CompletionResult]::new('load-test', 'load-test', [CompletionResultType]::ParameterValue, 'Fire N jobs, drain them with real workers, report throughput, latency and loss')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out-dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;enqueue' {
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Enqueue many jobs from FILE (or - for stdin), one JSON object per line: {"task": T, "args": {..}, "queue": Q, "max_retries": N, "delay": "30s", "expires": "1h"} (only task is required; -q and the other flags are the defaults). Prints the ids in order; a bad line stops the batch, naming it, after every line before it was enqueued')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Arguments as JSON text, or - to read them from stdin')
            [CompletionResult]::new('--args-file', '--args-file', [CompletionResultType]::ParameterName, 'Read the JSON arguments from a file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Queue to put the job on')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue to put the job on')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Run no earlier than this long from now (e.g. 30s, 5m; at most 10 years)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Run no earlier than this time (RFC 3339 with any offset, e.g. 2026-01-02T03:04:05Z or 2026-01-02T05:04:05+02:00)')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries after the first failed attempt')
            [CompletionResult]::new('--retry-base', '--retry-base', [CompletionResultType]::ParameterName, 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter')
            [CompletionResult]::new('--retry-cap', '--retry-cap', [CompletionResultType]::ParameterName, 'Longest wait between two attempts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Kill an attempt (and its whole process group) after this long; 0 = no limit')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'A job not started by then is not run but goes to the DLQ as `expired`: a duration from now (1h) or an RFC 3339 time')
            [CompletionResult]::new('--unique-for', '--unique-for', [CompletionResultType]::ParameterName, 'Create no second job with the same task and args (or --unique-key) for this long: another enqueue prints the first job''s id ("duplicate": true in JSON)')
            [CompletionResult]::new('--unique-key', '--unique-key', [CompletionResultType]::ParameterName, 'What makes the job unique under --unique-for [default: its task and args]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Fairness key (a tenant, a customer): jobs of different keys of one queue take turns, and `tq queue limit --key-*` limits apply per key')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'JSON pointer of an args field the dead-letter queue must not keep (repeatable); it keeps {"omitted":true,"length":N,"sha256":H} instead')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (exit 1)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Block until the job succeeded (exit 0) or died (exit 1)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;worker' {
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve this worker''s Prometheus metrics at http://ADDR/metrics (job durations by queue and task, outcomes, running jobs, batch sizes)')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'Queues to serve, highest priority first; or weighted, NAME:WEIGHT for every queue (high:6,default:3,low:1): while all have work, claims follow the weights')
            [CompletionResult]::new('--queues', '--queues', [CompletionResultType]::ParameterName, 'Queues to serve, highest priority first; or weighted, NAME:WEIGHT for every queue (high:6,default:3,low:1): while all have work, claims follow the weights')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Jobs run at once [default: number of CPUs]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Jobs run at once [default: number of CPUs]')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'Run COMMAND (through sh -c) for task NAME; args arrive as JSON on stdin')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'Start COMMAND (through sh -c) as long-lived handler processes that run job after job: JSON lines on fd 3 (jobs in) and fd 4 (answers out), so stdout and stderr stay free for prints. Each process first announces the tasks it serves and how many jobs it takes at once; the worker starts as many as -c needs. A job that must stop (timeout, tq cancel, lease lost) is cancelled, and its process killed if it does not answer within 2s. See clients/python and clients/node, or SPEC.md')
            [CompletionResult]::new('--max-jobs-per-process', '--max-jobs-per-process', [CompletionResultType]::ParameterName, 'Replace a served process after it answered N jobs (Celery''s worker_max_tasks_per_child)')
            [CompletionResult]::new('--max-rss-per-process', '--max-rss-per-process', [CompletionResultType]::ParameterName, 'Replace a served process whose resident memory (with its children) passed SIZE, checked after each job (Celery''s worker_max_memory_per_child)')
            [CompletionResult]::new('--ready-timeout', '--ready-timeout', [CompletionResultType]::ParameterName, 'How long a served process has to say it is ready before it is killed and started again (with backoff, 1s up to 60s)')
            [CompletionResult]::new('--keep-env', '--keep-env', [CompletionResultType]::ParameterName, 'Pass tq''s own environment variable NAME (e.g. TQ_REDIS_URL, which may hold a password) on to handlers; by default they do not get tq''s settings')
            [CompletionResult]::new('--lease', '--lease', [CompletionResultType]::ParameterName, 'How long a claimed job is held before another worker may take it back')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On SIGTERM/SIGINT, how long running jobs may finish before they are handed back')
            [CompletionResult]::new('--max-deliveries', '--max-deliveries', [CompletionResultType]::ParameterName, 'Deliveries without an outcome (worker died each time) before a job is buried as poison')
            [CompletionResult]::new('--result-ttl', '--result-ttl', [CompletionResultType]::ParameterName, 'How long results of succeeded jobs stay readable')
            [CompletionResult]::new('--results-max-count', '--results-max-count', [CompletionResultType]::ParameterName, 'Most results kept per queue; past it the oldest go first (0 = no limit)')
            [CompletionResult]::new('--dead-max-age', '--dead-max-age', [CompletionResultType]::ParameterName, 'Dead jobs older than this are deleted from the DLQ (0s = keep forever)')
            [CompletionResult]::new('--dead-max-count', '--dead-max-count', [CompletionResultType]::ParameterName, 'Most dead jobs kept per queue; past it the oldest go first (0 = no limit)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Exit 0 once the queues have nothing pending, active or waiting to retry')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;inspect' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often --watch reads Redis')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw every --interval with rates (jobs/s processed and failed) until Ctrl-C; with --json, one JSON document per interval (JSON lines)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;status' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dlq' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job in full: args (or their redaction), options, every attempt')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Put dead jobs back on their queue as new jobs')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs (refuses without --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;dlq;list' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Only dead jobs of this task')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs that died within this long (e.g. 1h, 7d)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many (newest first)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only how many dead jobs match (ignores --limit)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dlq;show' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dlq;replay' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Only dead jobs of this task')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs that died within this long (e.g. 1h, 7d)')
            [CompletionResult]::new('--args-file', '--args-file', [CompletionResultType]::ParameterName, 'The full args of a job whose fields were redacted (checked against the stored sha256)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Replay every dead job that matches the filters')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be replayed; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dlq;purge' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only dead jobs of this queue (repeatable, or comma-separated)')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Only dead jobs of this task')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only jobs that died within this long (e.g. 1h, 7d)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only jobs that died longer ago than this (e.g. 7d)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every dead job that matches the filters')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Really delete (without it, nothing is deleted and tq exits 2)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dlq;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job in full: args (or their redaction), options, every attempt')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Put dead jobs back on their queue as new jobs')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs (refuses without --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;dlq;help;list' {
            break
        }
        'tq;dlq;help;show' {
            break
        }
        'tq;dlq;help;replay' {
            break
        }
        'tq;dlq;help;purge' {
            break
        }
        'tq;dlq;help;help' {
            break
        }
        'tq;jobs' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;jobs;list' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable, or comma-separated) [default: every queue]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable, or comma-separated) [default: every queue]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable, or comma-separated) [default: all four]')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Only jobs of this task')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Most jobs listed per queue and state')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Show every column in full (by default tables fit the terminal, or 80 columns when piped: long text is cut with … and minor columns hidden)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;jobs;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;jobs;help;list' {
            break
        }
        'tq;jobs;help;help' {
            break
        }
        'tq;cancel' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;retry-now' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;queue' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from QUEUE again')
            [CompletionResult]::new('limit', 'limit', [CompletionResultType]::ParameterValue, 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;queue;pause' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;queue;resume' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;queue;limit' {
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'At most N jobs of the queue running at once, fleet-wide (0 removes it)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N starts in any window of DURATION, fleet-wide (20/1s, 1000/1m; "off" removes it)')
            [CompletionResult]::new('--key-concurrency', '--key-concurrency', [CompletionResultType]::ParameterName, 'At most N jobs of one --key running at once (0 removes it)')
            [CompletionResult]::new('--key-rate', '--key-rate', [CompletionResultType]::ParameterName, 'At most N starts of one --key in any window of DURATION ("off" removes it)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Remove every limit (a handler''s pause_queue_ms still runs out on its own)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;queue;purge' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Really delete (without it, nothing is deleted and tq exits 2)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;queue;help' {
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from QUEUE again')
            [CompletionResult]::new('limit', 'limit', [CompletionResultType]::ParameterValue, 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;queue;help;pause' {
            break
        }
        'tq;queue;help;resume' {
            break
        }
        'tq;queue;help;limit' {
            break
        }
        'tq;queue;help;purge' {
            break
        }
        'tq;queue;help;help' {
            break
        }
        'tq;cron' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create or update a schedule (the same definition twice changes nothing)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules: next run, last run and its job''s state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one schedule and its next runs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (jobs it already created stay)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop a schedule firing')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;cron;add' {
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Fire every DURATION (at least 1s), at multiples of it since the epoch')
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'Fire at the times of a cron expression (see below)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'The IANA time zone --cron is read in')
            [CompletionResult]::new('--catch-up', '--catch-up', [CompletionResultType]::ParameterName, 'What a gap of missed ticks fires: one job, or none')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Arguments as JSON text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Queue its jobs go to')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue its jobs go to')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries after the first failed attempt')
            [CompletionResult]::new('--retry-base', '--retry-base', [CompletionResultType]::ParameterName, 'Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter')
            [CompletionResult]::new('--retry-cap', '--retry-cap', [CompletionResultType]::ParameterName, 'Longest wait between two attempts')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Kill an attempt (and its whole process group) after this long; 0 = no limit')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'A tick''s job not started this long after its tick is not run (DLQ reason `expired`)')
            [CompletionResult]::new('--unique-for', '--unique-for', [CompletionResultType]::ParameterName, 'Create no job while another with the same task and args (or --unique-key) was created less than this long ago')
            [CompletionResult]::new('--unique-key', '--unique-key', [CompletionResultType]::ParameterName, 'What makes its jobs unique under --unique-for [default: task and args]')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;list' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Show every column in full (by default tables fit the terminal, or 80 columns when piped)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;show' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;remove' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;pause' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;resume' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;run' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;tick' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;cron;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create or update a schedule (the same definition twice changes nothing)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules: next run, last run and its job''s state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one schedule and its next runs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (jobs it already created stay)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop a schedule firing')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;cron;help;add' {
            break
        }
        'tq;cron;help;list' {
            break
        }
        'tq;cron;help;show' {
            break
        }
        'tq;cron;help;remove' {
            break
        }
        'tq;cron;help;pause' {
            break
        }
        'tq;cron;help;resume' {
            break
        }
        'tq;cron;help;run' {
            break
        }
        'tq;cron;help;tick' {
            break
        }
        'tq;cron;help;help' {
            break
        }
        'tq;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Like --auth-token, with the token read from FILE (kept out of `ps`)')
            [CompletionResult]::new('--enqueue-token', '--enqueue-token', [CompletionResultType]::ParameterName, 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Require HTTP basic authentication with this user and password')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;dashboard' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Require this token: open /?token=TOKEN once (it sets a cookie) or send Authorization: Bearer TOKEN; it may do everything')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Like --auth-token, with the token read from FILE (kept out of `ps`)')
            [CompletionResult]::new('--enqueue-token', '--enqueue-token', [CompletionResultType]::ParameterName, 'A second token that may only enqueue and read job status (/api/v1/): what an application gets, so its credential cannot replay or purge')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Require HTTP basic authentication with this user and password')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Show everything, change nothing: no action buttons, every action and every API enqueue refused (403)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;load-test' {
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Jobs to submit')
            [CompletionResult]::new('--mix', '--mix', [CompletionResultType]::ParameterName, 'Queues and weights, highest priority first')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Task of every job (any built-in; others need --serve, or --external-workers with a handler)')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Args of every job')
            [CompletionResult]::new('--payload-bytes', '--payload-bytes', [CompletionResultType]::ParameterName, 'Pad every job''s args with this many bytes (field "pad")')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Jobs each worker runs at once (large: claims and acks are batched up to this) [default: 1024; with --serve, the number of CPUs]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Jobs each worker runs at once (large: claims and acks are batched up to this) [default: 1024; with --serve, the number of CPUs]')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Worker processes to start [default: number of CPUs; with --serve, 1]')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'Run the jobs on served processes of COMMAND (see `tq worker --serve`), e.g. your own task in Python or Node, started warm by each worker')
            [CompletionResult]::new('--lease', '--lease', [CompletionResultType]::ParameterName, 'Lease of the started workers (how soon a killed worker''s jobs come back)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Jobs per enqueue call (1 = one round trip per job)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Submit at this many jobs per second (open loop) instead of as fast as possible: latencies count from each job''s intended send time, and the report says how late jobs went out (submit lag)')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'Give the jobs N fairness keys, in turn (job i gets key k<i mod N>)')
            [CompletionResult]::new('--limits', '--limits', [CompletionResultType]::ParameterName, 'Flow limits of every queue of the run, as tq queue limit sets them: concurrency=N,rate=N/DURATION,key-concurrency=N,key-rate=N/DURATION')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop waiting for the drain after this long (what is missing then counts as lost)')
            [CompletionResult]::new('--chaos-kill-every', '--chaos-kill-every', [CompletionResultType]::ParameterName, 'SIGKILL a random worker this often and start a replacement')
            [CompletionResult]::new('--hdr-out', '--hdr-out', [CompletionResultType]::ParameterName, 'Write the latency histograms to FILE in HdrHistogram interval log format')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'With --spawn-redis: start a Redis Cluster of N masters instead of one server')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--submit-only', '--submit-only', [CompletionResultType]::ParameterName, 'Only submit (to the --prefix and --mix queues), e.g. for `tq worker --burst` to drain')
            [CompletionResult]::new('--external-workers', '--external-workers', [CompletionResultType]::ParameterName, 'Use workers already running (on --prefix and the --mix queues) instead of starting some')
            [CompletionResult]::new('--spawn-redis', '--spawn-redis', [CompletionResultType]::ParameterName, 'Start a private throwaway redis-server for the run (also done when no URL was given and nothing listens at the default one)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;completions' {
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write tq.1 and one page per subcommand into this directory instead of printing tq.1')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels name); else REDIS_URL, else redis://127.0.0.1:6379/0')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of every Redis key tq writes')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Writes that must survive a failover wait until N replicas have them (Redis WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and exits 75; a worker goes on and confirms its outcomes once the replicas answer')
            [CompletionResult]::new('--replica-timeout', '--replica-timeout', [CompletionResultType]::ParameterName, 'How long to wait for --min-replicas')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or as JSON objects (for log shippers)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace); RUST_LOG overrides')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (a worker''s one line per finished job is off too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tq;help' {
            [CompletionResult]::new('enqueue', 'enqueue', [CompletionResultType]::ParameterValue, 'Put one job on a queue and print its id')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Consume jobs from queues in strict priority order')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show queue depths, totals and live workers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one job''s state, attempts, last error and result')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'Inspect, replay and purge dead jobs (the dead-letter queue)')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'See the jobs waiting or running on queues, not only their counts')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs: waiting ones never run, running ones are killed')
            [CompletionResult]::new('retry-now', 'retry-now', [CompletionResultType]::ParameterValue, 'Run jobs waiting on a retry backoff or a delay now (they become pending)')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Pause, resume or empty a queue')
            [CompletionResult]::new('cron', 'cron', [CompletionResultType]::ParameterValue, 'Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The tq server: the HTTP API for producers, the live admin page and /metrics')
            [CompletionResult]::new('load-test', 'load-test', [CompletionResultType]::ParameterValue, 'Fire N jobs, drain them with real workers, report throughput, latency and loss')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out-dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tq;help;enqueue' {
            break
        }
        'tq;help;worker' {
            break
        }
        'tq;help;inspect' {
            break
        }
        'tq;help;status' {
            break
        }
        'tq;help;dlq' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List dead jobs, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one dead job in full: args (or their redaction), options, every attempt')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Put dead jobs back on their queue as new jobs')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete dead jobs (refuses without --yes)')
            break
        }
        'tq;help;dlq;list' {
            break
        }
        'tq;help;dlq;show' {
            break
        }
        'tq;help;dlq;replay' {
            break
        }
        'tq;help;dlq;purge' {
            break
        }
        'tq;help;jobs' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker')
            break
        }
        'tq;help;jobs;list' {
            break
        }
        'tq;help;cancel' {
            break
        }
        'tq;help;retry-now' {
            break
        }
        'tq;help;queue' {
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from QUEUE again')
            [CompletionResult]::new('limit', 'limit', [CompletionResultType]::ParameterValue, 'Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)')
            break
        }
        'tq;help;queue;pause' {
            break
        }
        'tq;help;queue;resume' {
            break
        }
        'tq;help;queue;limit' {
            break
        }
        'tq;help;queue;purge' {
            break
        }
        'tq;help;cron' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create or update a schedule (the same definition twice changes nothing)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules: next run, last run and its job''s state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one schedule and its next runs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (jobs it already created stay)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop a schedule firing')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused schedule fire again, from its next tick (no catch-up for the pause)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Enqueue a schedule''s job now, once, under its own id (its cadence is unchanged)')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Fire every due schedule once and exit (workers do this on their own; for setups that fire from a separate process, e.g. a CI schedule)')
            break
        }
        'tq;help;cron;add' {
            break
        }
        'tq;help;cron;list' {
            break
        }
        'tq;help;cron;show' {
            break
        }
        'tq;help;cron;remove' {
            break
        }
        'tq;help;cron;pause' {
            break
        }
        'tq;help;cron;resume' {
            break
        }
        'tq;help;cron;run' {
            break
        }
        'tq;help;cron;tick' {
            break
        }
        'tq;help;serve' {
            break
        }
        'tq;help;load-test' {
            break
        }
        'tq;help;completions' {
            break
        }
        'tq;help;man' {
            break
        }
        'tq;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
