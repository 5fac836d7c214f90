// A unit's focal user logs in, creates an entry, uploads the PDF, submits it and sees
// it as submitted, in real Chromium, on 15/10/2021 (the demo contest is open).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, chromiumOptions, makePdf } from './server.mjs';

let server;
let context;
let profile;

before(async () => {
  server = await startServer({ clockStart: '2021-10-15T10:00:00+07:00' });
  profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
  context = await chromium.launchPersistentContext(profile, { ...chromiumOptions(), locale: 'vi-VN' });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('a focal user creates an entry, uploads the PDF, submits and sees it submitted', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}login`);
  await page.getByLabel('Tên đăng nhập').fill('hoaan.daumoi');
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('link', { name: /Cuộc thi Sáng kiến.*năm 2021/ }).click();
  await page.getByRole('link', { name: 'Sáng kiến dự thi' }).click();
  await page.getByRole('link', { name: 'Tạo sáng kiến mới' }).click();

  // A first save with a contribution that is not a number keeps what was typed.
  const title = 'Tiếp nhận hồ sơ hộ tịch qua Zalo tại xã Bế Triều';
  await page.getByLabel('Tên sáng kiến (nêu rõ giải pháp)').fill(title);
  await page.getByLabel('Lĩnh vực, chủ đề dự thi').selectOption('TTHC');
  await page.getByLabel('Hình thức').selectOption('scheme');
  await page.getByLabel('Lĩnh vực áp dụng').fill('Hộ tịch');
  await page.getByLabel('Ngày áp dụng lần đầu hoặc áp dụng thử').fill('2021-04-01');
  await page.getByLabel('Tình trạng triển khai').selectOption('implemented');
  await page.getByLabel('Họ và tên tác giả 1').fill('Nông Văn Hải');
  await page.getByLabel('Nơi công tác tác giả 1').fill('UBND huyện Hòa An');
  await page.getByLabel('Chức danh tác giả 1').fill('Chánh Văn phòng');
  await page.getByLabel('Trình độ chuyên môn tác giả 1').fill('Thạc sĩ');
  await page.getByLabel('Tỷ lệ đóng góp tác giả 1').fill('một trăm');
  const sections = [
    'Tình trạng hiện tại và nhược điểm của giải pháp đã biết',
    'Nội dung và các bước thực hiện giải pháp',
    'Tính mới, tính sáng tạo',
    'Điều kiện cần thiết để áp dụng',
    'Lợi ích thu được',
    'Khả năng nhân rộng',
  ];
  for (const s of sections) await page.getByLabel(s).fill(`${s}: nội dung chi tiết của huyện Hòa An.`);
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Tỷ lệ đóng góp phải là một số/);
  assert.equal(await page.getByLabel('Tên sáng kiến (nêu rõ giải pháp)').inputValue(), title);
  assert.equal(await page.getByLabel('Khả năng nhân rộng').inputValue(), 'Khả năng nhân rộng: nội dung chi tiết của huyện Hòa An.');

  await page.getByLabel('Tỷ lệ đóng góp tác giả 1').fill('100');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForURL(/\/entries\/\d+\?done=created/);
  assert.match(await page.locator('#missing').innerText(), /Chưa tải lên văn bản sáng kiến/);

  const dir = mkdtempSync(join(tmpdir(), 'sangkien-upload-'));
  const pdfPath = join(dir, 'sang-kien-zalo.pdf');
  writeFileSync(pdfPath, makePdf('Sang kien Zalo xa Be Trieu'));
  await page.getByLabel('Loại tệp').selectOption('main');
  await page.getByLabel('Chọn tệp').setInputFiles(pdfPath);
  await page.getByRole('button', { name: 'Tải lên' }).click();
  await page.waitForURL(/done=uploaded/);
  assert.ok(await page.getByRole('link', { name: 'sang-kien-zalo.pdf' }).isVisible());
  rmSync(dir, { recursive: true, force: true });

  // Submitting asks first, then leaves a receipt: the moment to the second, the version.
  await page.getByRole('link', { name: 'Nộp sáng kiến' }).click();
  await page.waitForURL(/confirm=submit/);
  assert.match(await page.locator('#confirm').innerText(), /Nộp sáng kiến «/);
  // The authors' sworn statement is ticked before the entry goes.
  await page.getByLabel(/xin cam đoan/).check();
  await page.getByRole('button', { name: 'Xác nhận nộp' }).click();
  await page.waitForURL(/done=submitted/);
  assert.equal(await page.locator('#entry-status').innerText(), 'Đã nộp');
  assert.ok(await page.getByRole('status').isVisible());
  assert.match(await page.locator('#submitted-at').innerText(), /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);

  const shots = join(import.meta.dirname, 'test-results');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'entry-submitted.png'), fullPage: true });

  // The list shows it as submitted too.
  await page.getByRole('link', { name: /Sáng kiến dự thi:/ }).click();
  const row = page.getByRole('row', { name: new RegExp(title) });
  assert.match(await row.innerText(), /Đã nộp/);
});

test('the organizer sees the coverage chart with the units below the minimum', async () => {
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${server.url}login`);
  await page.getByLabel('Tên đăng nhập').fill('snv.tochuc');
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.goto(`${server.url}contests/1/coverage`);
  assert.ok(await page.locator('svg.chart').isVisible());
  const below = await page.locator('#below-minimum').innerText();
  assert.match(below, /huyện Bảo Lâm/);
  assert.doesNotMatch(below, /huyện Hòa An/);
  await page.getByRole('button', { name: /Gửi nhắc các đơn vị chưa đạt/ }).click();
  await page.waitForURL(/done=reminded/);
  const shots = join(import.meta.dirname, 'test-results');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'coverage.png'), fullPage: true });
});
