// Two real server processes share one database (and data directory) with the jobs loop
// running every second. When the 7-day reminder falls due, the unit below the minimum
// gets exactly one reminder, not one per process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './server.mjs';

let server;
let second;
after(async () => { await second?.stop(); await server?.stop(); });

async function call(base, method, path, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}api/v1${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: await res.json() };
}

async function login(base, username) {
  const res = await call(base, 'POST', '/auth/login', null, { username, password: 'CaoBang@2021' });
  assert.equal(res.status, 200);
  return res.json.token;
}

test('two server processes send the automatic reminder once', async () => {
  // 7 days before the deadline (31/10/2021 23:59:59) is 24/10/2021 23:59:59; start 8 s
  // before it so the focal user below the minimum exists when it falls due.
  server = await startServer({ clockStart: '2021-10-24T23:59:51+07:00', jobsInterval: 1 });
  const admin = await login(server.url, 'quantri');
  const created = await call(server.url, 'POST', '/users', admin, {
    username: 'htk.daumoi', full_name: 'Đàm Thị Hoa', password: 'CaoBang@2021', role: 'focal',
    unit_code: 'HTK', email: 'htk@caobang.gov.vn',
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  second = await server.another();
  await sleep(14_000);
  const org = await login(second.url, 'snv.tochuc');
  const outbox = await call(second.url, 'GET', '/contests/1/outbox?per_page=200', org);
  const toHtk = outbox.json.items.filter((m) => m.username === 'htk.daumoi');
  assert.equal(toHtk.length, 1, JSON.stringify(outbox.json.items));
  assert.equal(toHtk[0].kind, 'reminder');
  const audit = await call(server.url, 'GET', '/contests/1/audit?per_page=200', org);
  const runs = audit.json.items.filter((r) => r.action === 'contest.remind');
  assert.equal(runs.length, 1, JSON.stringify(runs));
});
