'use strict';
/**
 * tq for Node: run tasks in warm processes of a tq worker.
 *
 *   const tq = require('./tq');
 *   tq.task('send_email', async ({ to, subject }, job) => {
 *     return { sent: true };
 *   });
 *   tq.serve({ concurrency: 8 });
 *
 * Run it with `tq worker -Q default --serve 'node tasks.js'`. The worker
 * starts the file once per process and sends it job after job over the warm
 * handler protocol of tq's SPEC.md (JSON lines on fd 3 and fd 4), so
 * console.log stays free for your own output.
 *
 * A task gets the job's args (any JSON) and the job ({ id, task, queue,
 * attempt, delivery, deadlineMs, signal }); what it returns (or resolves to)
 * is the job's result. A thrown error fails the attempt (retried with
 * backoff); throw a PermanentError to send the job straight to the
 * dead-letter queue. job.signal is aborted when the worker cancels the job
 * (its timeout, `tq cancel`, a lost lease). Standard library only.
 *
 * Producers enqueue through `tq serve`'s HTTP API:
 *   const client = new tq.Client({ url: 'http://127.0.0.1:5001', token });
 *   const id = await client.enqueue('send_email', { to }, { queue: 'high', delay: '30s' });
 *   (await client.wait(id)).result;
 */

const fs = require('node:fs');
const readline = require('node:readline');

const PROTOCOL = 1;
const tasks = new Map();

/** Throw from a task to fail its job for good: no retry, straight to the DLQ. */
class PermanentError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** Throw from a task to run its job again after `ms` (default 1000) without spending an attempt. */
/**
 * Throw from a task to run its job again after `ms` (default 1000) without
 * spending an attempt. `pauseQueueMs` / `pauseKeyMs` also hold back every job
 * of its queue, or of its fairness key, for every worker (an HTTP 429);
 * without `ms` the job waits out the pause.
 */
class Snooze extends Error {
  constructor(ms, { pauseQueueMs, pauseKeyMs } = {}) {
    if (ms === undefined && pauseQueueMs === undefined && pauseKeyMs === undefined) ms = 1000;
    super(`snoozed for ${ms !== undefined ? ms : Math.max(pauseQueueMs || 0, pauseKeyMs || 0)} ms`);
    this.name = 'Snooze';
    this.ms = ms;
    this.pauseQueueMs = pauseQueueMs;
    this.pauseKeyMs = pauseKeyMs;
  }
}

/** Registers `fn(args, job)` as task `name`. */
function task(name, fn) {
  if (typeof name !== 'string' || typeof fn !== 'function') {
    throw new TypeError('tq.task(name, fn): a task name and a function');
  }
  tasks.set(name, fn);
  return fn;
}

function failure(id, err) {
  if (err instanceof Snooze) {
    const answer = { type: 'failed', id, error: err.message };
    const fields = { snooze_ms: err.ms, pause_queue_ms: err.pauseQueueMs, pause_key_ms: err.pauseKeyMs };
    for (const [field, ms] of Object.entries(fields)) {
      if (ms !== undefined) answer[field] = Math.max(0, Math.round(ms));
    }
    return answer;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    type: 'failed',
    id,
    error: error.message ? `${error.name}: ${error.message}` : error.name,
    error_type: error.name,
    traceback: error.stack || '',
    retry: !(error instanceof PermanentError),
  };
}

/**
 * Serves the registered tasks to the worker that started this process,
 * until it closes fd 3. `concurrency`: jobs at once (default 8).
 */
function serve({ concurrency = 8 } = {}) {
  if (tasks.size === 0) {
    console.error('tq.serve(): no task registered (tq.task(name, fn))');
    process.exit(2);
  }
  const fdIn = Number(process.env.TQ_PROTOCOL_IN);
  const fdOut = Number(process.env.TQ_PROTOCOL_OUT);
  if (!Number.isInteger(fdIn) || !Number.isInteger(fdOut)) {
    console.error("tq.serve(): not started by a tq worker (run it with `tq worker --serve 'node this.js'`)");
    process.exit(2);
  }
  const send = (msg) => {
    const data = Buffer.from(JSON.stringify(msg) + '\n');
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(fdOut, data, off);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
      }
    }
  };
  const running = new Map();
  const run = async (msg) => {
    const controller = new AbortController();
    running.set(msg.id, controller);
    const job = {
      id: msg.id,
      task: msg.task,
      queue: msg.queue,
      attempt: msg.attempt,
      delivery: msg.delivery,
      deadlineMs: msg.deadline_ms,
      signal: controller.signal,
    };
    let answer;
    try {
      const fn = tasks.get(msg.task);
      if (!fn) throw new PermanentError(`task ${JSON.stringify(msg.task)} is not registered in this process`);
      const result = await fn(msg.args, job);
      if (controller.signal.aborted) throw new Error('cancelled by the worker');
      let text;
      try {
        text = JSON.stringify(result === undefined ? null : result);
      } catch (e) {
        throw new PermanentError(`result is not JSON: ${e.message}`);
      }
      answer = { type: 'done', id: msg.id, result: JSON.parse(text) };
    } catch (err) {
      answer = failure(msg.id, err);
    } finally {
      running.delete(msg.id);
    }
    send(answer);
  };
  send({ type: 'ready', protocol: PROTOCOL, tasks: [...tasks.keys()], concurrency: Math.max(1, concurrency | 0) });
  const lines = readline.createInterface({ input: fs.createReadStream(null, { fd: fdIn }), crlfDelay: Infinity });
  lines.on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.type === 'job') {
      run(msg);
    } else if (msg.type === 'cancel') {
      const controller = running.get(msg.id);
      if (controller) controller.abort(new Error('cancelled by the worker'));
    }
  });
  // fd 3 closed: the process ends once the jobs still running have answered.
  lines.on('close', () => {
    const wait = () => (running.size === 0 ? process.exit(0) : setTimeout(wait, 10));
    wait();
  });
}

/** An error answer of tq's API: `status`, and the `field` or `line` to blame when one is. */
class TqError extends Error {
  constructor(message, { status, field, line, retryAfter } = {}) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.field = field;
    this.line = line;
    this.retryAfter = retryAfter;
  }
}
/** 401/403: no token, a wrong one, or one that may not do this. */
class AuthError extends TqError {}
/** 400/413/415: the job is wrong (see `field`, and `line` in a bulk) or too large. */
class BadRequest extends TqError {}
/** 404: no such job (or its result expired). */
class NotFound extends TqError {}
/** 503, or no answer: Redis or the server is away; try again after `retryAfter` seconds. */
class Unavailable extends TqError {}

const duration = (v) => (v === undefined || v === null || typeof v === 'string' ? v : `${Math.round(v * 1000)}ms`);
const OPTIONS = ['delay', 'at', 'maxRetries', 'timeout', 'uniqueFor', 'uniqueKey', 'expires', 'redact', 'retryBase', 'retryCap', 'key'];
const WIRE = { maxRetries: 'max_retries', uniqueFor: 'unique_for', uniqueKey: 'unique_key', retryBase: 'retry_base', retryCap: 'retry_cap' };
const DURATIONS = new Set(['delay', 'timeout', 'uniqueFor', 'expires', 'retryBase', 'retryCap']);

function jobBody(task, args, options = {}) {
  const job = { task };
  if (args !== undefined) job.args = args;
  for (const key of OPTIONS) {
    const value = DURATIONS.has(key) ? duration(options[key]) : options[key];
    if (value !== undefined && value !== null) job[WIRE[key] || key] = value;
  }
  return job;
}

/**
 * A producer's client for `tq serve`'s /api/v1/ (promises, global fetch).
 * URL and token default to $TQ_URL (else http://127.0.0.1:5001) and $TQ_TOKEN.
 * Durations are '30s'/'5m' strings or numbers of seconds.
 */
class Client {
  constructor({ url, token, timeoutMs = 30000 } = {}) {
    this.url = (url || process.env.TQ_URL || 'http://127.0.0.1:5001').replace(/\/+$/, '');
    this.token = token !== undefined ? token : process.env.TQ_TOKEN;
    this.timeoutMs = timeoutMs;
  }

  async call(method, path, { body, contentType = 'application/json', headers = {}, timeoutMs } = {}) {
    const all = { ...headers };
    if (body !== undefined) all['Content-Type'] = contentType;
    if (this.token) all.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(this.url + path, { method, body, headers: all, signal: AbortSignal.timeout(timeoutMs || this.timeoutMs) });
    } catch (e) {
      throw new Unavailable(`cannot reach tq at ${this.url}: ${e.cause ? e.cause.message : e.message}`);
    }
    const text = await response.text();
    let doc = null;
    try {
      doc = text ? JSON.parse(text) : null;
    } catch {
      doc = null;
    }
    if (response.ok) return doc;
    const message = (doc && doc.error) || `HTTP ${response.status}`;
    const info = { status: response.status, field: doc && doc.field, line: doc && doc.line };
    if (response.status === 401 || response.status === 403) throw new AuthError(message, info);
    if ([400, 413, 415].includes(response.status)) throw new BadRequest(message, info);
    if (response.status === 404) throw new NotFound(message, info);
    if (response.status === 503) {
      throw new Unavailable(message, { ...info, retryAfter: Number(response.headers.get('retry-after')) || undefined });
    }
    throw new TqError(message, info);
  }

  /**
   * Puts one job on a queue; resolves to its id (for a duplicate, the id of
   * the job holding the name). options: queue, idempotencyKey, delay, at,
   * maxRetries, timeout, uniqueFor, uniqueKey, expires, redact, retryBase, retryCap,
   * key (fairness key: a tenant; jobs of different keys take turns, key limits apply per key).
   */
  async enqueue(task, args, options = {}) {
    const queue = encodeURIComponent(options.queue || 'default');
    const headers = options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {};
    const doc = await this.call('POST', `/api/v1/queues/${queue}/jobs`, {
      body: JSON.stringify(jobBody(task, args, options)),
      headers,
    });
    return doc.id;
  }

  /** Puts many jobs ({task, args, ...options}) on a queue in one request; none if any is wrong. Resolves to their ids. */
  async enqueueMany(jobs, { queue = 'default' } = {}) {
    const body = jobs.map((j) => JSON.stringify(jobBody(j.task, j.args, j))).join('\n');
    const doc = await this.call('POST', `/api/v1/queues/${encodeURIComponent(queue)}/jobs`, {
      body,
      contentType: 'application/x-ndjson',
    });
    return doc.ids;
  }

  /** The job's status: the document of `tq status --json`. */
  status(id) {
    return this.call('GET', `/api/v1/jobs/${encodeURIComponent(id)}`);
  }

  /** Resolves to the job's final status once it succeeded or died; rejects with a timeout error after timeoutMs. */
  async wait(id, { timeoutMs = 30000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const waitMs = Math.max(0, Math.min(deadline - Date.now(), 60000));
      const status = await this.call('GET', `/api/v1/jobs/${encodeURIComponent(id)}?wait=${waitMs}ms`, {
        timeoutMs: waitMs + this.timeoutMs,
      });
      if (['succeeded', 'dead', 'cancelled'].includes(status.state)) return status;
      if (Date.now() >= deadline) {
        const e = new Error(`job ${id} still ${status.state} after ${timeoutMs} ms`);
        e.name = 'TimeoutError';
        throw e;
      }
    }
  }
}

module.exports = { task, serve, PermanentError, Snooze, Client, TqError, AuthError, BadRequest, NotFound, Unavailable };
