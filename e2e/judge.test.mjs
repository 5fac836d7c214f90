// A council member logs in, opens an assigned entry, scores it, submits, and the sheet
// shows as locked; the organizer then sees it in the progress view and the ranking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
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

before(async () => {
  // 5/11/2021: submissions have closed, evaluation runs to 30/11/2021.
  server = await startServer({ clockStart: '2021-11-05T09:00:00+07:00' });
  const org = (await call('POST', '/auth/login', null, { username: 'snv.tochuc', password: 'CaoBang@2021' })).token;
  await call('POST', '/contests/1/transition', org, { to: 'closed' });
  await call('PUT', '/contests/1/council', org, {
    decision: { number: '2950/QĐ-UBND', date: '2021-11-01' },
    members: [{ username: 'hd.vpubnd', role: 'chair' }, { username: 'hd.snv', role: 'member' }, { username: 'hd.stc', role: 'member' }],
  });
  await call('POST', '/contests/1/assignments', org, { mode: 'all' });
  await call('POST', '/contests/1/transition', org, { to: 'judging' });
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

test('a judge scores an assigned entry and the submitted sheet is locked', async () => {
  const page = await context.newPage();
  await login(page, 'hd.snv');
  await page.getByRole('link', { name: /Cuộc thi Sáng kiến.*năm 2021/ }).click();
  await page.getByRole('link', { name: 'Chấm điểm' }).click();
  await page.waitForURL(/\/contests\/1\/judging$/);
  const first = page.locator('tbody tr').first();
  assert.match(await first.innerText(), /Chưa chấm/);
  await first.getByRole('link').click();
  await page.waitForURL(/\/entries\/\d+\/score$/);
  assert.ok(await page.getByRole('link', { name: /Văn bản sáng kiến \(PDF\)/ }).isVisible());

  // A wrong step keeps what was typed and says why.
  await page.getByLabel('Điểm «Tính mới, tính sáng tạo»').fill('27,3');
  await page.getByLabel('Nhận xét «Tính mới, tính sáng tạo»').fill('Cách làm mới ở cấp huyện.');
  await page.getByRole('button', { name: 'Lưu nháp' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /bội số của 0,25/);
  assert.equal(await page.getByLabel('Nhận xét «Tính mới, tính sáng tạo»').inputValue(), 'Cách làm mới ở cấp huyện.');

  const inputs = page.locator('input[name^="points."]');
  const values = ['27,5', '25', '20,25', '8'];
  for (let i = 0; i < await inputs.count(); i++) await inputs.nth(i).fill(values[i]);
  await page.getByRole('button', { name: 'Nộp phiếu chấm' }).click();
  await page.waitForURL(/done=submitted/);
  assert.match(await page.locator('#sheet-state').innerText(), /Đã nộp — phiếu đã khóa/);
  assert.match(await page.locator('#sheet-state').innerText(), /80,75/);
  assert.ok(await inputs.first().isDisabled());
  assert.equal(await page.getByRole('button', { name: 'Nộp phiếu chấm' }).count(), 0);
  const shots = join(import.meta.dirname, 'test-results');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'score-sheet.png'), fullPage: true });

  await page.goto(`${server.url}contests/1/judging`);
  assert.match(await page.locator('tbody tr').first().innerText(), /Đã nộp \(đã khóa\)/);
});

test('the organizer follows progress and the ranking', async () => {
  const page = await context.newPage();
  await login(page, 'snv.tochuc');
  await page.goto(`${server.url}contests/1/progress`);
  // hd.snv (Lương Thị Hạnh) has submitted one of four sheets.
  const row = page.getByRole('row', { name: /Lương Thị Hạnh/ });
  assert.deepEqual((await row.locator('td').allInnerTexts()).map((t) => t.trim()), ['Lương Thị Hạnh', '4', '1', '0', '3']);
  await page.goto(`${server.url}contests/1/ranking`);
  assert.match(await page.locator('tbody').innerText(), /80,75/);
});
