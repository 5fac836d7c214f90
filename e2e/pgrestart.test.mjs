// PostgreSQL is restarted while writers create entries and readers list them. Every
// request gets an answer: a success, or 503 with a Vietnamese message saying the database
// is unavailable (never a dropped connection or a 500). Every entry the server
// acknowledged is there afterwards, and the same server process serves again once
// PostgreSQL is back, without being restarted.
//
// Restarting: as root on Debian (as in CI), `pg_ctlcluster VERSION main stop`, 12 seconds
// down (longer than the server waits for a connection, so requests do fail), then start;
// otherwise every connection to the test database is terminated, which the server sees
// as connections lost. Only with SANGKIEN_TEST_DB=postgres.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startServer } from './server.mjs';

const onPostgres = process.env.SANGKIEN_TEST_DB === 'postgres';
const PG = process.env.SANGKIEN_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

let server;
after(async () => { await server?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Takes PostgreSQL away and brings it back; returns how, and whether it was down long
/// enough that requests must have failed.
async function restartPostgres(dbName) {
  const versions = (() => { try { return readdirSync('/etc/postgresql'); } catch { return []; } })();
  if (process.env.SANGKIEN_PG_RESTART !== 'terminate' && process.getuid?.() === 0 && versions.length > 0) {
    const ctl = (action) => {
      for (const v of versions) execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', action], { stdio: 'inherit' });
    };
    ctl('stop');
    await sleep(12000);
    ctl('start');
    return { how: 'pg_ctlcluster stop, 12 s down, start', long: true };
  }
  execFileSync('psql', [PG, '-qc',
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${dbName}' and pid <> pg_backend_pid()`]);
  return { how: 'pg_terminate_backend', long: false };
}

async function call(method, path, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${server.url}api/v1${path}`, {
      method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(30000),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* checked below */ }
    return { status: res.status, json, text };
  } catch (e) {
    return { status: 0, json: null, text: String(e) };
  }
}

function entryBody(title) {
  return {
    unit_code: 'STP', title, topic_code: 'TTHC', form: 'scheme',
    authors: [{ full_name: 'Bế Thị Lan', workplace: 'Sở Tư pháp', position: 'Chánh Văn phòng', qualification: 'Cử nhân', contribution_percent: 100 }],
    field_of_application: 'Cải cách hành chính', first_applied_on: '2021-05-01', implementation_status: 'implemented',
    description: { current_situation: 'a', solution: 'b', novelty: 'c', conditions: 'd', benefits: 'e', replication_scope: 'f' },
  };
}

test('a PostgreSQL restart under load loses nothing acknowledged and the server recovers by itself', { skip: !onPostgres && 'PostgreSQL only' }, async () => {
  server = await startServer({ clockStart: '2021-10-15T10:00:00+07:00' });
  const dbName = server.env.DATABASE_URL.replace(/.*\/([^/?]+).*/, '$1');
  const login = await call('POST', '/auth/login', '', { username: 'snv.tochuc', password: 'CaoBang@2021' });
  assert.equal(login.status, 200, login.text);
  const token = login.json.token;

  const answers = [];
  const acked = new Map();
  let stop = false;
  const writer = async (w) => {
    for (let n = 0; !stop; n++) {
      const title = `Sáng kiến chịu tải khi khởi động lại PostgreSQL ${w}-${n}`;
      const res = await call('POST', '/contests/1/entries', token, entryBody(title));
      answers.push({ kind: 'write', ...res });
      if (res.status === 201) acked.set(res.json.id, title);
    }
  };
  const reader = async () => {
    while (!stop) answers.push({ kind: 'read', ...(await call('GET', '/contests/1/entries?per_page=5', token)) });
  };
  const load = [...Array.from({ length: 6 }, (_, w) => writer(w)), reader(), reader()];
  await sleep(1500);
  const { how, long } = await restartPostgres(dbName);
  await sleep(2500);
  stop = true;
  await Promise.all(load);

  const count = (f) => answers.filter(f).length;
  console.log(`restart by ${how}: ${answers.length} answers, ${acked.size} entries acknowledged, `
    + `${count((a) => a.status === 503)} × 503, ${count((a) => a.status === 0)} without an answer`);
  for (const a of answers) {
    assert.ok([200, 201, 503].includes(a.status), `${a.kind}: ${a.status} ${a.text.slice(0, 300)}`);
    if (a.status === 503) {
      assert.equal(a.json?.error?.code, 'database_unavailable', a.text);
      assert.match(a.json.error.message, /Cơ sở dữ liệu tạm thời không phản hồi/);
    }
  }
  assert.ok(acked.size > 0);
  if (long) assert.ok(count((a) => a.status === 503) > 0, 'requests during the outage must have failed clearly');

  // The same process serves again (the pool replaces its dead connections).
  let healthy = false;
  for (let i = 0; i < 60 && !healthy; i++) {
    const res = await fetch(`${server.url}health`).then((r) => r.json()).catch(() => null);
    healthy = res?.database === 'ok';
    if (!healthy) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(healthy, 'the server did not reach PostgreSQL again');
  const after = await call('POST', '/contests/1/entries', token, entryBody('Sáng kiến sau khi PostgreSQL chạy lại'));
  assert.equal(after.status, 201, after.text);

  // Nothing acknowledged is lost.
  const found = new Map();
  for (let page = 1; ; page++) {
    const list = await call('GET', `/contests/1/entries?per_page=200&page=${page}`, token);
    assert.equal(list.status, 200, list.text);
    for (const e of list.json.items) found.set(e.id, e.title);
    if (list.json.items.length < 200) break;
  }
  for (const [id, title] of acked) assert.equal(found.get(id), title, `entry ${id}`);
});
