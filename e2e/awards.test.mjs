// The end of the lifecycle in a real browser: the approver approves the award list
// with the decision's number, date and signer; the organizer publishes; an anonymous
// visitor sees the winners on the public results page and recomputes the fingerprint
// from the public JSON (RFC 8785 canonical form, SHA-256) with the browser's own crypto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, chromiumOptions } from './server.mjs';

let server;
let context;
let profile;

async function call(method, path, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}api/v1${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const token = async (username) =>
  (await call('POST', '/auth/login', null, { username, password: 'CaoBang@2021' })).token;

before(async () => {
  server = await startServer({ clockStart: '2021-11-20T09:00:00+07:00' });
  const org = await token('snv.tochuc');
  await call('POST', '/contests/1/transition', org, { to: 'closed' });
  const judges = ['hd.vpubnd', 'hd.snv', 'hd.stc'];
  await call('PUT', '/contests/1/council', org, {
    decision: { number: '2950/QĐ-UBND', date: '2021-11-01' },
    members: judges.map((username, i) => ({ username, role: i === 0 ? 'chair' : 'member' })),
  });
  await call('POST', '/contests/1/assignments', org, { mode: 'all' });
  await call('POST', '/contests/1/transition', org, { to: 'judging' });
  const mine = await call('GET', '/contests/1/my-assignments', await token('hd.vpubnd'));
  const ids = (mine.items ?? mine.assignments ?? mine).map((a) => a.entry_id ?? a.id);
  for (const judge of judges) {
    const t = await token(judge);
    for (const [k, id] of ids.entries()) {
      const p = 28 - 4 * k;
      await call('PUT', `/entries/${id}/scores/mine`, t, {
        points: { novelty: p, effectiveness: p - 1, applicability: p - 2, presentation: 8 }, comment: 'Đạt',
      });
      await call('POST', `/entries/${id}/scores/mine/submit`, t);
    }
  }
  await call('POST', '/contests/1/transition', org, { to: 'deliberation' });
  await call('POST', '/contests/1/awards/propose', org);
  const council = await call('GET', '/contests/1/council', org);
  await call('PUT', '/contests/1/meeting', org, {
    held_on: '2021-11-20', present: council.members.map((m) => m.username),
    votes_for: council.members.filter((m) => m.role !== 'clerk').length,
  });
  profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
  context = await chromium.launchPersistentContext(profile, { ...chromiumOptions(), locale: 'vi-VN' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function login(page, username) {
  await context.clearCookies();
  await page.goto(`${server.url}login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Các cuộc thi' }).waitFor();
}

// RFC 8785 for the values public results hold (strings, integers, short decimals).
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

test('the approver approves, the organizer publishes, the public sees the winners', async () => {
  const page = await context.newPage();
  await login(page, 'ubnd.pheduyet');
  await page.goto(`${server.url}contests/1`);
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  await page.waitForURL(/\/contests\/1\/awards$/);
  assert.match(await page.locator('#winners').innerText(), /Giải Nhất/);

  await page.getByLabel('Số quyết định').fill('2345');
  await page.getByLabel('Người ký').fill('Lê Hải Hòa');
  await page.getByLabel('Ngày quyết định').fill('2021-11-20');
  await page.getByRole('button', { name: 'Phê duyệt' }).click();
  await page.waitForURL(/done=approved/);
  assert.match(await page.locator('#decision').innerText(), /2345/);
  assert.equal(await page.getByRole('button', { name: 'Phê duyệt' }).count(), 0);

  await login(page, 'snv.tochuc');
  await page.goto(`${server.url}contests/1/awards`);
  // The decision downloads as a real PDF.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Quyết định khen thưởng (PDF)' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'quyet-dinh-1.pdf');
  await page.getByRole('button', { name: 'Công bố kết quả' }).click();
  await page.waitForURL(/done=published/);

  await context.clearCookies();
  await page.goto(`${server.url}public/contests`);
  await page.getByRole('link', { name: /Cuộc thi Sáng kiến.*năm 2021/ }).click();
  await page.waitForURL(/\/public\/contests\/1$/);
  const results = await page.locator('#results').innerText();
  assert.match(results, /Giải Nhất/);
  assert.match(results, /Giải Nhì/);
  assert.match(await page.locator('#decision').innerText(), /2345\/QĐ-UBND/);
  const shown = (await page.locator('#fingerprint').innerText()).trim();
  const recomputed = await page.evaluate(async ({ url, src }) => {
    const canonical = new Function(`return ${src}`)();
    const json = await (await fetch(url)).json();
    delete json.fingerprint;
    const bytes = new TextEncoder().encode(canonical(json));
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, { url: `${server.url}api/v1/public/contests/1/results`, src: canonical.toString() });
  assert.equal(recomputed, shown);
  const size = (await page.content()).length;
  assert.ok(size < 100_000, `public page is ${size} bytes`);

  const feed = await (await fetch(`${server.url}feed.atom`)).text();
  assert.match(feed, /<entry>/);
  assert.match(feed, /Giải Nhất/);
});
