'use strict';
// tq.Client against a real `tq serve`, a real worker and a real redis-server
// (started by tests/clients.rs, which sets TQ_BIN and TQ_REDIS_URL).
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const net = require('node:net');
const tq = require('../tq');

const TQ = process.env.TQ_BIN || 'tq';
let server;
let worker;
let url;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TQ_') || k === 'TQ_REDIS_URL') env[k] = v;
  }
  env.TQ_PREFIX = 'nodec' + crypto.randomBytes(4).toString('hex');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(TQ, ['serve', '--listen', `127.0.0.1:${port}`, '--auth-token', 'admin', '--enqueue-token', 'app'], { env, stdio: 'ignore' });
  worker = spawn(TQ, ['worker', '-Q', 'default,mail', '-c', '8'], { env, stdio: 'ignore' });
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      await fetch(`${url}/api/v1/openapi.json`);
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});

after(() => {
  server.kill('SIGTERM');
  worker.kill('SIGTERM');
});

test('enqueue, wait and status', async () => {
  const client = new tq.Client({ url, token: 'app' });
  const id = await client.enqueue('tq.echo', { to: 'a@b.c' }, { queue: 'mail', maxRetries: 1, timeout: 5 });
  const final = await client.wait(id, { timeoutMs: 30000 });
  assert.strictEqual(final.state, 'succeeded');
  assert.deepStrictEqual(final.result, { to: 'a@b.c' });
  assert.strictEqual((await client.status(id)).queue, 'mail');
});

test('enqueueMany runs every job, ids in order', async () => {
  const client = new tq.Client({ url, token: 'app' });
  const ids = await client.enqueueMany(Array.from({ length: 100 }, (_, n) => ({ task: 'tq.echo', args: { n } })));
  assert.strictEqual(ids.length, 100);
  const results = await Promise.all(ids.map(async (id) => (await client.wait(id)).result.n));
  assert.deepStrictEqual(results, Array.from({ length: 100 }, (_, n) => n));
});

test('an idempotency key makes one job', async () => {
  const client = new tq.Client({ url, token: 'app' });
  const key = crypto.randomBytes(8).toString('hex');
  const first = await client.enqueue('tq.noop', {}, { idempotencyKey: key, delay: '1h' });
  const second = await client.enqueue('tq.noop', {}, { idempotencyKey: key, delay: '1h' });
  assert.strictEqual(first, second);
});

test('a fairness key goes with the job', async () => {
  const client = new tq.Client({ url, token: 'app' });
  const id = await client.enqueue('tq.noop', {}, { key: 'tenant-42', delay: '1h' });
  assert.strictEqual((await client.status(id)).key, 'tenant-42');
  await assert.rejects(client.enqueue('tq.noop', {}, { key: 'a|b' }), (e) => e instanceof tq.BadRequest && e.field === 'key');
});

test('errors are typed and name what is wrong', async () => {
  const client = new tq.Client({ url, token: 'app' });
  await assert.rejects(client.enqueue('tq.noop', {}, { delay: 'soon' }), (e) => e instanceof tq.BadRequest && e.field === 'delay' && e.status === 400);
  await assert.rejects(
    client.enqueueMany([{ task: 'tq.noop' }, { task: 'tq.noop', maxRetries: -1 }]),
    (e) => e instanceof tq.BadRequest && e.line === 2,
  );
  await assert.rejects(client.status('no-such-job'), (e) => e instanceof tq.NotFound);
  await assert.rejects(new tq.Client({ url, token: 'wrong' }).enqueue('tq.noop'), (e) => e instanceof tq.AuthError);
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(new tq.Client({ url: nowhere, token: 'app' }).status('x'), (e) => e instanceof tq.Unavailable);
  const later = await client.enqueue('tq.noop', {}, { delay: '1h' });
  await assert.rejects(client.wait(later, { timeoutMs: 200 }), (e) => e.name === 'TimeoutError');
});
