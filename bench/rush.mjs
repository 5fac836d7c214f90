// The deadline rush (issue 7): 1,000 submissions, each with a 5 MB PDF, from 50
// concurrent clients over loopback against a release build on a fresh data directory.
// Reports failures, latency percentiles per step, throughput, and the server's resident
// memory (idle, and the peak during the rush, from /proc).
//
//   node bench/rush.mjs [--entries 1000] [--clients 50] [--mb 5]
//
// Builds nothing: run `cargo build --release -p sangkien` first (bench/run.sh does).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makePdf } from '../e2e/server.mjs';
import { cpuSeconds, memory } from './proc.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ENTRIES = arg('entries', 1000);
const CLIENTS = arg('clients', 50);
const MB = arg('mb', 5);
const BIN = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/release/sangkien');


const dataDir = mkdtempSync(join(tmpdir(), 'sangkien-rush-'));
const server = spawn(BIN, ['serve', '--demo', '--listen', '127.0.0.1:0', '--clock-start', '2021-10-15T10:00:00+07:00'],
  { env: { ...process.env, SANGKIEN_DATA_DIR: dataDir, RUST_LOG: 'error' }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (c) => { out += c; const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//); if (m) ok(m[0]); });
  server.on('exit', (code) => fail(new Error(`server exited ${code}: ${out}`)));
});

async function api(method, path, token, body, headers = {}) {
  const h = { authorization: `Bearer ${token}`, ...headers };
  let payload = body;
  if (body && !(body instanceof FormData)) { h['content-type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(`${url}api/v1${path}`, { method, headers: h, body: payload });
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

const login = await fetch(`${url}api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'snv.tochuc', password: 'CaoBang@2021' }) }).then((r) => r.json());
const token = login.token;
const units = (await api('GET', '/contests/1', token)).json.participant_unit_codes;
await new Promise((r) => setTimeout(r, 1000));
const idle = memory(server.pid);

const description = (i) => ({
  current_situation: 'Trước đây việc tiếp nhận hồ sơ thủ tục hành chính tại bộ phận một cửa được thực hiện hoàn toàn thủ công, người dân phải đi lại nhiều lần. '.repeat(6),
  solution: `Giải pháp số ${i}: số hóa hồ sơ, tiếp nhận trực tuyến, trả kết quả qua bưu chính công ích. `.repeat(10),
  novelty: 'Lần đầu áp dụng tại địa phương. '.repeat(5), conditions: 'Đường truyền Internet ổn định. '.repeat(3),
  benefits: 'Giảm 30% thời gian giải quyết hồ sơ. '.repeat(5), replication_scope: 'Toàn tỉnh. '.repeat(3),
});

const times = { create: [], upload: [], submit: [] };
let failures = 0;
const failureCodes = {};
let peak = idle.peak;
const sampler = setInterval(() => { try { peak = Math.max(peak, memory(server.pid).peak); } catch { /* ended */ } }, 100);
const padding = randomBytes(MB * 1_000_000);
const serverCpuBefore = cpuSeconds(server.pid);
const clientCpuBefore = process.cpuUsage();
let next = 0;
const started = performance.now();
async function client() {
  while (next < ENTRIES) {
    const i = next++;
    const step = async (name, fn) => {
      const t = performance.now();
      const res = await fn();
      times[name].push(performance.now() - t);
      if (res.status >= 300) { failures++; failureCodes[`${name} ${res.status}`] = (failureCodes[`${name} ${res.status}`] || 0) + 1; throw new Error(name); }
      return res;
    };
    try {
      const created = await step('create', () => api('POST', '/contests/1/entries', token, {
        unit_code: units[i % units.length], title: `Sáng kiến cải cách hành chính số ${i} của đơn vị ${units[i % units.length]}`,
        topic_code: 'TTHC', form: 'scheme',
        authors: [{ full_name: `Nguyễn Văn ${i}`, workplace: 'UBND', position: 'Chuyên viên', qualification: 'Cử nhân', contribution_percent: 100 }],
        field_of_application: 'Cải cách thủ tục hành chính', first_applied_on: '2021-03-01', implementation_status: 'implemented',
        description: description(i),
      }, { 'idempotency-key': `rush-${i}` }));
      const pdf = makePdf(`Sang kien ${i}`, padding);
      const form = new FormData();
      form.append('kind', 'main');
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), `sang-kien-${i}.pdf`);
      await step('upload', () => api('POST', `/entries/${created.json.id}/attachments`, token, form));
      await step('submit', () => api('POST', `/entries/${created.json.id}/submit`, token));
    } catch { /* counted */ }
  }
}
await Promise.all(Array.from({ length: CLIENTS }, client));
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const after = memory(server.pid);
const serverCpuAfter = cpuSeconds(server.pid);
const serverUser = serverCpuAfter.user - serverCpuBefore.user;
const serverSystem = serverCpuAfter.system - serverCpuBefore.system;
const clientUsage = process.cpuUsage(clientCpuBefore);
const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
peak = Math.max(peak, after.peak);

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`\nDeadline rush: ${ENTRIES} submissions × ${MB} MB PDF, ${CLIENTS} concurrent clients, ${seconds.toFixed(1)} s (${(ENTRIES / seconds).toFixed(1)} submissions/s, ${(ENTRIES * MB / seconds).toFixed(0)} MB/s uploaded)`);
console.log(`CPU: server ${(serverUser + serverSystem).toFixed(1)} s (${serverUser.toFixed(1)} user, ${serverSystem.toFixed(1)} system), load generator ${clientCpu.toFixed(1)} s (of ${(2 * seconds).toFixed(1)} s on 2 cores)`);
console.log(`failures: ${failures} ${JSON.stringify(failureCodes)}`);
console.log('| step | n | p50 | p99 | max |');
console.log('|---|---|---|---|---|');
for (const [name, xs] of Object.entries(times)) {
  console.log(`| ${name} | ${xs.length} | ${ms(pct(xs, 0.5))} | ${ms(pct(xs, 0.99))} | ${ms(Math.max(...xs))} |`);
}
console.log(`server memory: idle ${idle.rss.toFixed(1)} MiB, after ${after.rss.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB (VmHWM)`);
server.kill('SIGINT');
await new Promise((r) => server.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
