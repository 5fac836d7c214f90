// The server is killed with SIGKILL while 50 submissions with attachments are in flight.
// After a restart every submission it acknowledged is there with a file whose SHA-256
// matches, no row points at a missing or corrupt file, and the files the crash left
// without a row are swept by `sangkien files sweep`. Repeated 10 times in a row, each on
// a fresh server (SANGKIEN_CRASH_ROUNDS to change it): a crash window that is only hit
// sometimes gets ten chances.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, makePdf } from './server.mjs';

const ROUNDS = Number(process.env.SANGKIEN_CRASH_ROUNDS || 10);

let server;
after(async () => { await server?.stop(); });

async function api(method, path, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${server.url}api/v1${path}`, { method, headers, body: payload });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON (a file) */ }
  return { status: res.status, json, text };
}

async function login() {
  const res = await fetch(`${server.url}api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'snv.tochuc', password: 'CaoBang@2021' }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.token;
}

function entryBody(unit, i) {
  return {
    unit_code: unit, title: `Sáng kiến thử độ bền số ${i} của đơn vị ${unit}`, topic_code: 'TTHC', form: 'scheme',
    authors: [{ full_name: `Tác giả ${i}`, workplace: unit, position: 'Chuyên viên', qualification: 'Cử nhân', contribution_percent: 100 }],
    field_of_application: 'Cải cách hành chính', first_applied_on: '2021-05-01', implementation_status: 'implemented',
    description: { current_situation: 'a', solution: `giải pháp ${i}`, novelty: 'c', conditions: 'd', benefits: 'e', replication_scope: 'f' },
  };
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

async function crashRound(round) {
  await server?.stop();
  server = await startServer({ clockStart: '2021-10-15T10:00:00+07:00' });
  let token = await login();
  const contest = await api('GET', '/contests/1', token);
  const units = contest.json.participant_unit_codes;

  const acked = [];      // uploads the server answered 201 to
  const submitted = [];  // entries the server answered 200 to on submit
  let killing = null;
  const flows = Array.from({ length: 50 }, async (_, i) => {
    try {
      const created = await api('POST', '/contests/1/entries', token, entryBody(units[i % units.length], i));
      if (created.status !== 201) return;
      const id = created.json.id;
      // About 1.5 MB each, unique (random bytes in an extra stream object).
      const pdf = makePdf(`Sang kien ${i}`, randomBytes(1_500_000));
      const form = new FormData();
      form.append('kind', 'main');
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), `sang-kien-${i}.pdf`);
      const up = await api('POST', `/entries/${id}/attachments`, token, form);
      if (up.status !== 201) return;
      assert.equal(up.json.sha256, sha256(pdf));
      acked.push({ id, aid: up.json.id, sha: up.json.sha256 });
      const sub = await api('POST', `/entries/${id}/submit`, token, { sworn: true });
      if (sub.status === 200) submitted.push(id);
      // Kill while the other flows are still creating, uploading and submitting.
      if (submitted.length === 10 && !killing) killing = server.kill();
    } catch {
      // The connection died with the server: this flow was never acknowledged.
    }
  });
  await Promise.all(flows);
  if (!killing) killing = server.kill();
  await killing;
  console.log(`round ${round}: acknowledged before the kill: ${acked.length} uploads, ${submitted.length} submissions`);
  assert.ok(submitted.length >= 10);

  await server.restart();
  token = await login();
  for (const a of acked) {
    const res = await fetch(`${server.url}api/v1/entries/${a.id}/attachments/${a.aid}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `attachment ${a.aid} of entry ${a.id}`);
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), a.sha);
  }
  for (const id of submitted) {
    const e = await api('GET', `/entries/${id}`, token);
    assert.equal(e.json.status, 'submitted', `entry ${id}`);
    assert.ok(e.json.version >= 1);
  }

  // No row points at a missing or corrupt file.
  const check = server.cli('files', 'check');
  assert.equal(check.code, 0, check.out);

  // Files written but never committed are swept; everything referenced stays.
  const sweep = server.cli('files', 'sweep', '--older-than', '0');
  assert.equal(sweep.code, 0, sweep.out);
  console.log(sweep.out.trim());
  assert.equal(server.cli('files', 'check').code, 0);
  const blobs = readdirSync(join(server.dataDir, 'files', 'blobs')).flatMap((d) => readdirSync(join(server.dataDir, 'files', 'blobs', d)));
  assert.equal(readdirSync(join(server.dataDir, 'files', 'tmp')).length, 0);
  const list = await api('GET', '/contests/1/entries?per_page=200', token);
  const referenced = new Set();
  for (const e of list.json.items) {
    const files = await api('GET', `/entries/${e.id}/attachments`, token);
    for (const f of files.json.attachments) referenced.add(f.sha256);
  }
  assert.deepEqual(new Set(blobs), referenced);
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`acknowledged submissions survive SIGKILL and orphaned files are swept (round ${round}/${ROUNDS})`, () => crashRound(round));
}
