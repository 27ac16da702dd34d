'use strict';
// The benchmark's trivial task for tq's Node helper: add two numbers.
const tq = require('../../clients/node/tq');

tq.task('add', ({ x, y }) => x + y);
tq.serve({ concurrency: Number(process.env.NODE_CONCURRENCY || 1) });
