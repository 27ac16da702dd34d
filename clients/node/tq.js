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

/** Registers `fn(args, job)` as task `name`. */
function task(name, fn) {
  if (typeof name !== 'string' || typeof fn !== 'function') {
    throw new TypeError('tq.task(name, fn): a task name and a function');
  }
  tasks.set(name, fn);
  return fn;
}

function failure(id, err) {
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

module.exports = { task, serve, PermanentError };
