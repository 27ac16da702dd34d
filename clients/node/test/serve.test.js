'use strict';
// The Node helper against a real tq worker and a real redis-server. Run by
// tq's test suite (tests/clients.rs), which starts the redis-server and sets
// TQ_BIN and TQ_REDIS_URL; each test uses a key prefix of its own.
const { test } = require('node:test');
const assert = require('node:assert');
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const TQ = process.env.TQ_BIN || 'tq';
const APP = `${process.execPath} ${path.join(__dirname, 'apps', 'tasks.js')}`;

function client() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TQ_') || k === 'TQ_REDIS_URL') env[k] = v;
  }
  env.TQ_PREFIX = 'node' + crypto.randomBytes(4).toString('hex');
  const tq = (...args) =>
    execFileSync(TQ, args, { env, encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    env,
    tq,
    enqueue: (task, args, ...options) => tq('enqueue', task, '--args', JSON.stringify(args), ...options).trim(),
    status: (id) => JSON.parse(tq('status', id, '--json')),
  };
}

async function waitFor(what, check, within = 30000) {
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim()[0] !== 'Z';
  } catch {
    return false;
  }
}

test('a Node process with concurrency 8 runs 8 jobs at once', () => {
  const c = client();
  const ids = Array.from({ length: 8 }, () => c.enqueue('nap', { ms: 700 }));
  c.tq('worker', '--burst', '-c', '8', '--serve', APP);
  const results = ids.map((id) => c.status(id).result);
  assert.strictEqual(new Set(results.map((r) => r.pid)).size, 1, 'one process holds all 8');
  const edges = results.flatMap((r) => [[r.started, 1], [r.ended, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, step] of edges) {
    running += step;
    most = Math.max(most, running);
  }
  assert.strictEqual(most, 8);
});

test('results, thrown errors with their stack, and permanent errors', () => {
  const c = client();
  const add = c.enqueue('add', { x: 2, y: 3 });
  const boom = c.enqueue('boom', { message: 'no such user' }, '--max-retries', '0');
  const reject = c.enqueue('reject', {}, '--max-retries', '5');
  c.tq('worker', '--burst', '-c', '2', '--serve', APP);
  assert.deepStrictEqual(c.status(add).result, { sum: 5 });
  const dead = JSON.parse(c.tq('dlq', 'show', boom, '--json'));
  const attempt = dead.history[dead.history.length - 1];
  assert.strictEqual(attempt.error, 'TypeError: no such user');
  assert.strictEqual(attempt.error_type, 'TypeError');
  assert.match(attempt.traceback, /tasks\.js/);
  assert.match(attempt.stdout_tail, /working on it/);
  const rejected = c.status(reject);
  assert.strictEqual(rejected.state, 'dead');
  assert.strictEqual(rejected.attempts, 1);
});

test('a cancelled job is aborted through job.signal and its process lives on', async () => {
  const c = client();
  const pidfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tq-node-')), 'pid');
  const job = c.enqueue('forever', { pidfile });
  const worker = spawn(TQ, ['worker', '-c', '8', '--serve', APP], { env: c.env, stdio: 'ignore' });
  try {
    const pid = await waitFor('the task to start', () => fs.existsSync(pidfile) && Number(fs.readFileSync(pidfile, 'utf8')));
    c.tq('cancel', job);
    await waitFor('the job to be cancelled', () => c.status(job).state === 'cancelled');
    assert.ok(alive(pid), 'the process stopped the job itself');
    const next = c.enqueue('add', { x: 1, y: 1 });
    await waitFor('the next job', () => c.status(next).state === 'succeeded');
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    await waitFor('the process to exit with its worker', () => !alive(pid), 10000);
  } finally {
    worker.kill('SIGKILL');
  }
});

test('a 429 holds back its key for every worker while other keys run', () => {
  const c = client();
  const log = path.join(os.tmpdir(), `tq-429-${crypto.randomBytes(4).toString('hex')}`);
  const first = c.enqueue('throttled', { log }, '--key', 'acme');
  c.tq('worker', '--burst', '-c', '1', '--serve', APP);
  const pausedAt = Number(fs.readFileSync(log, 'utf8'));
  fs.rmSync(log);
  const done = c.status(first);
  assert.strictEqual(done.state, 'succeeded');
  assert.strictEqual(done.attempts, 1, 'the 429 spent no attempt');
  assert.ok(done.result.at >= pausedAt + 1000, `ran again ${done.result.at - pausedAt} ms after the pause began`);
});
