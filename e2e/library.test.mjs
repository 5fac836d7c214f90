// An anonymous visitor searches the public library without diacritics, finds an awarded
// initiative of the published demo contest and opens it.
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

before(async () => {
  server = await startServer({ fullDemo: true });
  profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
  context = await chromium.launchPersistentContext(profile, { ...chromiumOptions(), locale: 'vi-VN' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('an anonymous visitor searches without diacritics and opens an initiative', async () => {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Thư viện sáng kiến' }).click();
  await page.waitForURL(/\/public\/library$/);
  await page.getByLabel('Từ khóa').fill('dat lich kham benh truc tuyen');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.waitForURL(/q=dat/);
  const results = page.locator('#library-results li');
  assert.ok(await results.count() >= 1);
  assert.match(await results.first().innerText(), /Đặt lịch khám bệnh trực tuyến/);
  await results.first().getByRole('link').click();
  await page.waitForURL(/\/public\/library\/\d+$/);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Đặt lịch khám bệnh trực tuyến/);
  assert.match(await page.locator('#tier').innerText(), /Giải/);
  assert.ok(await page.getByRole('heading', { name: 'Nội dung và các bước thực hiện giải pháp' }).isVisible());
  const size = (await page.content()).length;
  assert.ok(size < 100_000, `entry page is ${size} bytes`);

  // A unit records that it adopted the initiative: sign in, fill the form, back to the page.
  const entryUrl = page.url();
  await page.getByRole('link', { name: /Ghi nhận tại đây/ }).click();
  await page.getByLabel('Tên đăng nhập').fill('hoaan.daumoi');
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/library\/\d+\/adopt$/);
  await page.getByLabel('Ngày bắt đầu áp dụng').fill('2022-03-01');
  await page.getByLabel('Phạm vi áp dụng').fill('Trung tâm Y tế huyện Hòa An');
  await page.getByLabel('Kết quả áp dụng').fill('Người bệnh chờ ít hơn 30 phút');
  await page.getByRole('button', { name: 'Ghi nhận' }).click();
  await page.waitForURL((u) => u.href.startsWith(entryUrl));
  assert.match(await page.locator('#adoption-list').innerText(), /huyện Hòa An\s+01\/03\/2022/);
  await context.clearCookies();

  // A search that finds nothing says so, in Vietnamese.
  await page.goto(`${server.url}public/library?q=khong+co+sang+kien+nay`);
  assert.match(await page.locator('#count').innerText(), /^0 sáng kiến/);
  // A bad year is a clear error, not a crash.
  await page.goto(`${server.url}public/library?year=abc`);
  assert.match(await page.getByRole('alert').innerText(), /Giá trị phải là số/);
});
