// A whole contest in the browser, as each role, with no API call: the administrator
// adds a unit and its focal user and sets the agency; the organizer creates and opens a
// contest; three units submit; the organizer closes, screens and sets the council;
// members score, one declares a conflict, the chair reopens a sheet; the approver
// returns the proposal once, then approves; the organizer publishes; a visitor finds the
// winner in the library. Every page on the way is looked at (look.mjs): axe-core, no
// sideways scroll at 390 px, screenshots at 1280 and 390 px under target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, chromiumOptions, makePdf } from './server.mjs';
import { look } from './look.mjs';

const PASSWORD = 'CaoBang@2021';
const CONTEST = 'Cuộc thi sáng kiến cải cách hành chính thử nghiệm năm 2027';
const ENTRIES = [
  { user: 'hoaan.daumoi', title: 'Một cửa liên thông hộ tịch tại xã Bế Triều', points: ['45', '40'] },
  { user: 'stp.daumoi', title: 'Tra cứu văn bản pháp luật bằng mã QR', points: ['38', '35'] },
  { user: 'ttpv.daumoi', title: 'Hẹn giờ trả kết quả qua tin nhắn', points: ['30', '28'] },
];

let server;
let context;
let profile;
let page;
let files;
const problems = [];
let shot = 0;

before(async () => {
  // 01/03/2027, the day the contest opens.
  server = await startServer({ clockStart: '2027-03-01T09:00:00+07:00' });
  profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
  files = mkdtempSync(join(tmpdir(), 'sangkien-walk-'));
  context = await chromium.launchPersistentContext(profile, {
    ...chromiumOptions(), locale: 'vi-VN', bypassCSP: true, viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (files) rmSync(files, { recursive: true, force: true });
});

/// Looks at the page now shown, under a numbered name, so the screenshots read in order.
async function see(name) {
  shot += 1;
  await look(page, `walk-${String(shot).padStart(2, '0')}-${name}`, problems);
}

async function login(username, password = PASSWORD) {
  await context.clearCookies();
  await page.goto(`${server.url}login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Các cuộc thi' }).waitFor();
}

/// The contest's page, from the list of contests.
async function openContest() {
  await page.goto(server.url);
  await page.getByRole('link', { name: CONTEST }).click();
  await page.waitForURL(/\/contests\/\d+$/);
}

async function ok() {
  await page.getByRole('status').first().waitFor();
}

test('a whole contest, every step in the browser', async () => {
  // The administrator adds a unit, its focal user, and the agency that issues documents.
  await login('quantri');
  await see('quantri-home');
  await page.getByRole('link', { name: 'Đơn vị' }).first().click();
  await page.getByRole('link', { name: 'Thêm đơn vị' }).click();
  await see('admin-unit-new');
  await page.getByLabel('Mã đơn vị').fill('TTPVHCC');
  await page.getByLabel('Tên đơn vị').fill('Trung tâm Phục vụ hành chính công tỉnh');
  await page.getByLabel('Loại đơn vị').selectOption('other');
  await page.getByLabel('Thư điện tử của đơn vị').fill('vanthu@ttpvhcc.caobang.gov.vn');
  await page.getByRole('button', { name: 'Thêm đơn vị' }).click();
  await page.waitForURL(/done=created/);
  await see('admin-unit-created');
  await page.goto(`${server.url}users`);
  await page.getByRole('link', { name: 'Thêm người dùng' }).click();
  await page.getByLabel('Tên đăng nhập').fill('ttpv.daumoi');
  await page.getByLabel('Họ và tên').fill('Đàm Thị Phương');
  await page.getByLabel('Vai trò').selectOption('focal');
  await page.locator('[name=unit_code]').selectOption('TTPVHCC');
  await page.getByLabel('Thư điện tử').fill('ttpv@caobang.gov.vn');
  await page.getByLabel('Mật khẩu ban đầu').fill('Phuong-Cao-Bang-2027');
  await see('admin-user-new');
  await page.getByRole('button', { name: 'Tạo người dùng' }).click();
  await page.waitForURL(/done=created/);
  // Since 01/7/2025 huyện Hòa An no longer exists: its focal user now works for xã Hòa An.
  await page.goto(`${server.url}users/hoaan.daumoi`);
  await page.locator('[name=unit_code]').selectOption('X-HOAAN');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await page.waitForURL(/done=/);
  await page.goto(`${server.url}settings`);
  await page.getByLabel('Tên cơ quan ban hành').fill('ỦY BAN NHÂN DÂN TỈNH CAO BẰNG');
  await page.getByLabel('Địa danh (ghi ở dòng ngày tháng)').fill('Cao Bằng');
  await page.getByLabel('Ký hiệu quyết định').fill('QĐ-UBND');
  await page.getByRole('button', { name: 'Lưu thiết lập' }).click();
  await page.waitForURL(/done=saved/);
  await see('admin-settings');

  // The organizer creates the contest: a second criterion by «Thêm dòng tiêu chí».
  await login('snv.tochuc');
  await page.getByRole('link', { name: 'Tạo cuộc thi' }).click();
  await page.getByLabel('Tên cuộc thi').fill(CONTEST);
  await page.getByLabel('Năm tổ chức').fill('2027');
  await page.getByLabel('Số hiệu').fill('15/KH-UBND');
  await page.getByLabel('Ngày ban hành').fill('2027-02-15');
  await page.getByLabel('Người ký').fill('Lê Hải Hòa');
  await page.getByLabel('Mở nhận bài').fill('2027-03-01T08:00');
  await page.getByLabel('Hạn nộp bài').fill('2027-03-31T17:00');
  await page.getByLabel('Hạn chấm điểm (nếu có)').fill('2027-04-30T17:00');
  for (const unit of ['xã Hòa An', 'Sở Tư pháp', 'Trung tâm Phục vụ hành chính công tỉnh']) {
    await page.getByLabel(unit, { exact: true }).check();
  }
  await page.locator('[name=t0_group]').fill('Cải cách thủ tục hành chính');
  await page.locator('[name=t0_name]').fill('Đơn giản hóa thủ tục, giấy tờ');
  await page.locator('[name=k0_name]').fill('Tính mới, tính sáng tạo');
  await page.locator('[name=k0_max]').fill('50');
  await page.getByRole('button', { name: 'Thêm dòng tiêu chí' }).click();
  await page.locator('[name=k1_name]').waitFor();
  assert.equal(await page.getByLabel('Tên cuộc thi').inputValue(), CONTEST, 'what was typed is kept');
  await page.locator('[name=k1_name]').fill('Hiệu quả, khả năng nhân rộng');
  await page.locator('[name=k1_max]').fill('50');
  await page.locator('[name=award_min_score]').fill('50');
  await page.locator('[name=p0_count]').fill('1');
  await page.locator('[name=p0_amount]').fill('5.000.000');
  await page.locator('[name=p1_count]').fill('1');
  await page.locator('[name=p1_amount]').fill('3.000.000');
  await see('organizer-contest-form');
  await page.getByRole('button', { name: 'Tạo cuộc thi' }).click();
  await page.waitForURL(/done=created/);
  await see('organizer-contest-created');
  await page.getByRole('button', { name: 'Mở nhận bài dự thi' }).click();
  await page.waitForURL(/done=open/);
  assert.equal(await page.locator('#contest-state').innerText(), 'Đang nhận bài');

  // Three units submit an entry each.
  const pdf = join(files, 'sang-kien.pdf');
  writeFileSync(pdf, makePdf('Sang kien thu nghiem'));
  for (const [i, e] of ENTRIES.entries()) {
    await login(e.user, e.user === 'ttpv.daumoi' ? 'Phuong-Cao-Bang-2027' : PASSWORD);
    await openContest();
    await page.getByRole('link', { name: 'Sáng kiến dự thi' }).click();
    await page.getByRole('link', { name: 'Tạo sáng kiến mới' }).click();
    await page.getByLabel('Tên sáng kiến (nêu rõ giải pháp)').fill(e.title);
    await page.getByLabel('Lĩnh vực, chủ đề dự thi').selectOption({ index: 1 });
    await page.getByLabel('Hình thức').selectOption('outline');
    await page.getByLabel('Lĩnh vực áp dụng').fill('Thủ tục hành chính');
    await page.getByLabel('Ngày áp dụng lần đầu hoặc áp dụng thử').fill('2026-09-01');
    await page.getByLabel('Tình trạng triển khai').selectOption('implemented');
    await page.getByLabel('Họ và tên tác giả 1').fill(`Tác giả ${i + 1}`);
    await page.getByLabel('Nơi công tác tác giả 1').fill('Cao Bằng');
    await page.getByLabel('Chức danh tác giả 1').fill('Chuyên viên');
    await page.getByLabel('Trình độ chuyên môn tác giả 1').fill('Đại học');
    await page.getByLabel('Tỷ lệ đóng góp tác giả 1').fill('100');
    for (const s of ['Tình trạng hiện tại và nhược điểm của giải pháp đã biết', 'Nội dung và các bước thực hiện giải pháp',
      'Tính mới, tính sáng tạo', 'Điều kiện cần thiết để áp dụng', 'Lợi ích thu được', 'Khả năng nhân rộng']) {
      await page.getByLabel(s, { exact: true }).fill(`${s}: ${e.title.toLowerCase()}, nội dung riêng của đơn vị số ${i + 1}.`);
    }
    if (i === 0) await see('unit-entry-form');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL(/done=created/);
    await page.getByLabel('Loại tệp').selectOption('main');
    await page.getByLabel('Chọn tệp').setInputFiles(pdf);
    await page.getByRole('button', { name: 'Tải lên' }).click();
    await page.waitForURL(/done=uploaded/);
    await page.getByRole('link', { name: 'Nộp sáng kiến' }).click();
    await page.getByLabel(/xin cam đoan/).check();
    await page.getByRole('button', { name: 'Xác nhận nộp' }).click();
    await page.waitForURL(/done=submitted/);
    assert.equal(await page.locator('#entry-status').innerText(), 'Đã nộp');
    if (i === 0) {
      await see('unit-entry-submitted');
      // The receipt and the request for recognition open from the entry page.
      for (const [name, type, marker] of [
        ['Giấy biên nhận (PDF)', 'application/pdf', '%PDF'],
        ['Đơn yêu cầu công nhận sáng kiến theo mẫu Thông tư 18/2013 (DOCX)', 'officedocument', 'PK'],
      ]) {
        const href = await page.getByRole('link', { name }).getAttribute('href');
        const res = await page.request.get(new URL(href, page.url()).toString());
        assert.equal(res.status(), 200, name);
        assert.match(res.headers()['content-type'], new RegExp(type), name);
        assert.equal((await res.body()).subarray(0, marker.length).toString('latin1'), marker, name);
      }
    }
  }

  // A month later: the deadline has passed.
  await server.restartAt('2027-04-01T09:00:00+07:00');
  await login('snv.tochuc');
  await openContest();
  await page.getByRole('button', { name: 'Đóng nhận bài' }).click();
  await page.waitForURL(/done=closed/);
  await page.getByRole('link', { name: 'Sáng kiến dự thi' }).click();
  await see('organizer-entries');
  const entryIds = {};
  for (const e of ENTRIES) {
    await page.getByRole('link', { name: e.title }).click();
    await page.waitForURL(/\/entries\/\d+$/);
    entryIds[e.title] = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByLabel('Kết quả').selectOption('true');
    await page.getByRole('button', { name: 'Ghi kết quả' }).click();
    await ok();
    await page.goBack();
    await page.goBack();
  }
  await openContest();
  await page.getByRole('link', { name: 'Hội đồng và phân công' }).click();
  await page.getByLabel('Số quyết định thành lập').fill('310/QĐ-UBND');
  await page.getByLabel('Ngày quyết định').fill('2027-03-25');
  const council = [['hd.vpubnd', 'chair'], ['hd.snv', 'member'], ['hd.stc', 'member']];
  for (const [i, [who, role]] of council.entries()) {
    await page.getByLabel(`Thành viên ${i + 1}`, { exact: true }).selectOption(who);
    await page.getByLabel(`Vai trò thành viên ${i + 1}`).selectOption(role);
  }
  await page.getByRole('button', { name: 'Lưu Hội đồng' }).click();
  await ok();
  await page.getByLabel('Cách phân công').selectOption('all');
  await page.getByRole('button', { name: 'Phân công' }).click();
  await ok();
  await see('organizer-council');
  await openContest();
  await page.getByRole('button', { name: 'Bắt đầu chấm điểm' }).click();
  await page.waitForURL(/done=judging/);

  // The members score; hd.snv declares a conflict on the third entry first.
  const third = ENTRIES[2].title;
  for (const judge of ['hd.snv', 'hd.vpubnd', 'hd.stc']) {
    await login(judge);
    await openContest();
    await page.getByRole('link', { name: 'Chấm điểm' }).click();
    await page.waitForURL(/\/judging$/);
    const list = page.url();
    if (judge === 'hd.snv') {
      await page.getByRole('link', { name: third }).click();
      await page.getByLabel('Lý do xung đột lợi ích').fill('Tác giả là người thân của tôi.');
      await page.getByRole('button', { name: 'Khai báo xung đột lợi ích' }).click();
      await page.waitForURL(/done=conflict/);
      assert.equal(await page.getByRole('link', { name: third }).count(), 0, 'no longer assigned');
    }
    for (const e of ENTRIES) {
      if (judge === 'hd.snv' && e.title === third) continue;
      await page.getByRole('link', { name: e.title }).click();
      await page.waitForURL(/\/score$/);
      await page.getByLabel('Điểm «Tính mới, tính sáng tạo»').fill(e.points[0]);
      await page.getByLabel('Điểm «Hiệu quả, khả năng nhân rộng»').fill(e.points[1]);
      if (judge === 'hd.vpubnd' && e === ENTRIES[0]) await see('judge-score-sheet');
      await page.getByRole('button', { name: 'Nộp phiếu chấm' }).click();
      await page.waitForURL(/done=submitted/);
      await page.goto(list);
    }
  }
  // The chair reopens a sheet of hd.stc; hd.stc corrects it and submits again.
  await login('hd.vpubnd');
  await openContest();
  await page.getByRole('link', { name: 'Tiến độ chấm' }).click();
  await see('chair-progress');
  await page.getByRole('link', { name: new RegExp(ENTRIES[1].title) }).click();
  const sheet = page.locator('form', { has: page.getByLabel('Lý do mở lại phiếu của Mã Thị Hoa') });
  await sheet.getByLabel('Lý do mở lại phiếu của Mã Thị Hoa').fill('Điểm tính mới nhập nhầm.');
  await sheet.getByRole('button', { name: 'Mở lại phiếu chấm' }).click();
  await page.waitForURL(/done=unlocked/);
  await see('chair-sheets');
  await login('hd.stc');
  await page.goto(`${server.url}entries/${entryIds[ENTRIES[1].title]}/score`);
  await page.getByLabel('Điểm «Tính mới, tính sáng tạo»').fill('37');
  await page.getByRole('button', { name: 'Nộp phiếu chấm' }).click();
  await page.waitForURL(/done=submitted/);

  // Deliberation: the proposal from the ranking goes to the approver.
  await login('snv.tochuc');
  await openContest();
  await page.getByRole('button', { name: 'Chuyển sang xét chọn' }).click();
  await page.waitForURL(/done=deliberation/);
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  await page.getByRole('button', { name: 'Đề xuất giải theo thứ hạng' }).click();
  await page.waitForURL(/done=proposed/);
  await page.getByRole('button', { name: 'Trình phê duyệt' }).click();
  await page.waitForURL(/done=submitted/);
  await see('organizer-awards-submitted');

  // The approver is told, returns the list once with a reason, then approves.
  await login('ubnd.pheduyet');
  assert.ok(await page.locator('#unread').isVisible(), 'the header counts the new message');
  await page.getByRole('link', { name: /Hộp thư/ }).click();
  assert.match(await page.locator('main').innerText(), /Đề nghị phê duyệt khen thưởng/);
  await openContest();
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  await see('approver-awards');
  // Without the council's vote the list cannot be approved, and the page says why.
  assert.match(await page.locator('#approve-blocked').innerText(), /Chưa có biểu quyết của Hội đồng/);
  assert.equal(await page.getByRole('button', { name: 'Phê duyệt' }).count(), 0);
  const reason = 'Đề nghị bổ sung biên bản họp Hội đồng trước khi trình.';
  await page.getByLabel('Lý do trả lại (Ban Tổ chức sẽ thấy)').fill(reason);
  await page.getByRole('button', { name: 'Trả lại danh sách giải' }).click();
  await page.waitForURL(/done=returned/);
  await login('snv.tochuc');
  await openContest();
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  assert.match(await page.locator('#review').innerText(), new RegExp(reason));
  await see('organizer-awards-returned');
  // The council met: all three present, three votes in favour of three.
  await page.getByLabel('Số phiếu tán thành danh sách giải').fill('3');
  await page.getByRole('button', { name: 'Ghi kết quả cuộc họp' }).click();
  await page.waitForURL(/done=meeting/);
  assert.match(await page.locator('#vote').innerText(), /3 trên 3 thành viên có quyền biểu quyết tán thành.*được thông qua/);
  await see('organizer-council-meeting');
  await page.getByRole('button', { name: 'Trình phê duyệt' }).click();
  await page.waitForURL(/done=submitted/);
  await login('ubnd.pheduyet');
  await openContest();
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  await page.getByLabel('Số quyết định').fill('456');
  await page.getByRole('button', { name: 'Phê duyệt' }).click();
  await page.waitForURL(/done=approved/);
  assert.match(await page.locator('#decision').innerText(), /456/);
  await see('approver-approved');

  await login('snv.tochuc');
  await openContest();
  await page.getByRole('link', { name: 'Khen thưởng và văn bản' }).click();
  await page.getByRole('button', { name: 'Công bố kết quả' }).click();
  await page.waitForURL(/done=published/);
  assert.match(await page.locator('#winners').innerText(), new RegExp(ENTRIES[0].title));

  // A visitor finds the winner in the library.
  await context.clearCookies();
  await page.goto(server.url);
  await see('visitor-start');
  await page.goto(`${server.url}public/library`);
  await page.getByLabel('Từ khóa').fill('ho tich be trieu');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.getByRole('link', { name: ENTRIES[0].title }).click();
  await page.waitForURL(/\/public\/library\/\d+$/);
  assert.match(await page.locator('main').innerText(), /Giải Nhất/);
  await see('visitor-library-entry');

  assert.deepEqual(problems, []);
});
