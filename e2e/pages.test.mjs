// Every page, for every role: each role starts at its home page and follows every link it
// is shown. Each page is opened at 1280 px and 390 px; it must answer 200, must not scroll
// sideways, and axe-core must find nothing. A screenshot of each goes to
// target/screenshots/, to be looked at. Two demos are walked: the contest open for
// submissions (15/10/2021), and the whole contest walked to published results.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, chromiumOptions } from './server.mjs';
import { look } from './look.mjs';

// The people of the demo, one per role; `null` is a visitor who has not logged in.
const PEOPLE = [null, 'snv.tochuc', 'quantri', 'hoaan.daumoi', 'ubnd.pheduyet', 'hd.snv', 'theodoi'];
// Files, feeds and the API are not pages.
const NOT_PAGES = /\.(csv|xlsx|docx|pdf|atom|zip|css|js)$|^\/(api|static|files)\/|\/exports\/|\/attachments\/|\/download|\/logout$/;

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/// One page per shape: numbers, unit codes and usernames in the path, and values in the
/// query, do not count.
function shape(url) {
  const keys = [...url.searchParams.keys()].filter((k) => k !== 'done').sort();
  const path = url.pathname.replace(/\d+/g, 'N').replace(/^\/(units|users)\/(?!new$)[^/]+/, '/$1/X');
  return path + (keys.length ? `?${keys.join('&')}` : '');
}

async function login(page, base, username) {
  await page.goto(`${base}login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('CaoBang@2021');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function walk(name, options) {
  const server = await startServer(options);
  cleanups.push(() => server.stop());
  const problems = [];
  let visited = 0;
  for (const person of PEOPLE) {
    const profile = mkdtempSync(join(tmpdir(), 'sangkien-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      ...chromiumOptions(), locale: 'vi-VN', bypassCSP: true, viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      const who = person || 'khach';
      if (person) await login(page, server.url, person);
      const seen = new Set();
      const start = (path) => ({ url: new URL(path, server.url), from: null });
      const queue = [start(person ? '/' : '/public/contests')];
      if (!person) queue.push(start('/'), start('/login'));
      while (queue.length && seen.size < 80) {
        const { url, from } = queue.shift();
        const key = shape(url);
        if (seen.has(key)) continue;
        seen.add(key);
        let res;
        try {
          res = await page.goto(url.href);
        } catch (e) {
          if (/Download is starting/.test(e.message)) continue; // a file, not a page
          throw e;
        }
        const here = `${name} ${who} ${url.pathname}${url.search}`;
        visited += 1;
        // Public pages are the same for everyone: a link there may lead a signed-in
        // person to a page their role may not use, which says so.
        const allowed = res?.status() === 403 && from?.startsWith('/public/');
        if (!res || (res.status() !== 200 && !allowed)) {
          problems.push(`${here}: HTTP ${res?.status()}`);
          continue;
        }
        if (new URL(page.url()).pathname !== url.pathname) continue; // redirected elsewhere
        const file = `${name}-${who}-${key.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_|_$/g, '') || 'home'}`;
        await look(page, file, problems);
        const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
        for (const href of links) {
          const next = new URL(href);
          next.hash = '';
          if (next.origin !== new URL(server.url).origin || NOT_PAGES.test(next.pathname)) continue;
          if (!seen.has(shape(next))) queue.push({ url: next, from: url.pathname });
        }
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  return { problems, visited };
}

test('every page of the open contest, for every role, passes axe and fits a phone', async () => {
  const { problems, visited } = await walk('mo', { clockStart: '2021-10-15T09:00:00+07:00' });
  assert.ok(visited > 20, `only ${visited} pages`);
  assert.deepEqual(problems, []);
});

test('every page of the published contest, for every role, passes axe and fits a phone', async () => {
  const { problems, visited } = await walk('xong', { fullDemo: true });
  assert.ok(visited > 20, `only ${visited} pages`);
  assert.deepEqual(problems, []);
});
