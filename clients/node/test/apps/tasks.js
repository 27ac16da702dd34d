'use strict';
// Tasks the Node helper's tests serve, 8 at a time.
const fs = require('node:fs');
const tq = require('../../tq');

tq.task('nap', async ({ ms }) => {
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { pid: process.pid, started, ended: Date.now() };
});

tq.task('add', ({ x, y }) => ({ sum: x + y }));

tq.task('boom', async ({ message }) => {
  console.log('working on it');
  throw new TypeError(message);
});

tq.task('reject', () => {
  throw new tq.PermanentError('bad address');
});

tq.task('forever', async ({ pidfile }, job) => {
  fs.writeFileSync(pidfile, String(process.pid));
  await new Promise((resolve, reject) => {
    job.signal.addEventListener('abort', () => reject(job.signal.reason));
  });
});

// A 429 from the API it calls: its key (a tenant) backs off for a second.
tq.task('throttled', ({ log }, job) => {
  if (job.delivery === 1) {
    fs.appendFileSync(log, `${Date.now()}\n`);
    throw new tq.Snooze(undefined, { pauseKeyMs: 1000 });
  }
  return { at: Date.now() };
});

tq.task('stamp', () => ({ at: Date.now() }));

tq.serve({ concurrency: 8 });
