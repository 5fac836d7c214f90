// A person logs in, sees the contest list, opens the demo contest and closes submissions.
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

before(async () => {
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
  context = await chromium.launchPersistentContext(profile, { ...chromiumOptions(), locale: 'vi-VN' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the organizer logs in, opens the demo contest and closes submissions', async () => {
  const page = await context.newPage();
  // A visitor starts at the public page, and signs in from there.
  await page.goto(server.url);
  assert.equal(await page.locator('h1').innerText(), 'Sáng kiến cải cách hành chính');
  await page.locator('main').getByRole('link', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/login$/);
  await page.getByLabel('Tên đăng nhập').fill('snv.tochuc');
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();

  const link = page.getByRole('link', { name: /Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2021/ });
  await link.waitFor();
  assert.equal(await page.locator('h1').innerText(), 'Các cuộc thi');
  await link.click();

  await page.waitForURL(/\/contests\/1$/);
  assert.equal(await page.locator('#contest-state').innerText(), 'Đang nhận bài');
  assert.ok((await page.content()).includes('31/10/2021 23:59'));

  // The deadline of 2021 has passed, so the organizer may close submissions.
  await page.getByRole('button', { name: 'Đóng nhận bài' }).click();
  await page.waitForURL(/done=closed/);
  assert.equal(await page.locator('#contest-state').innerText(), 'Đã hết hạn nộp (sơ loại)');
  assert.ok(await page.getByRole('status').isVisible());

  const shots = join(import.meta.dirname, 'test-results');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'contest.png'), fullPage: true });

  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.waitForURL(/\/login$/);
});

test('a wrong password shows a Vietnamese error and keeps the username', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}login`);
  await page.getByLabel('Tên đăng nhập').fill('hoaan.daumoi');
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByRole('alert').innerText(), 'Tên đăng nhập hoặc mật khẩu không đúng.');
  assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), 'hoaan.daumoi');
});
