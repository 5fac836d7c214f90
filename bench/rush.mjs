// The deadline rush (issue 7): 1,000 submissions, each with a 5 MB PDF, from 50
// concurrent clients over loopback against a release build on a fresh data directory.
// Reports failures, latency percentiles per step, throughput, the server's resident
// memory (idle, and the peak during the rush, from /proc), and from the server's /metrics
// where an upload's time went and how the write transactions queued.
//
//   node bench/rush.mjs [--entries 1000] [--clients 50] [--mb 5]
//
// Builds nothing: run `cargo build --release -p sangkien` first (bench/run.sh does).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { startServer, pdfParts } from '../e2e/server.mjs';
import { client, multipart } from './client.mjs';
import { cpuSeconds, memory } from './proc.mjs';
import { snapshot, since, table } from './metrics.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ENTRIES = arg('entries', 1000);
const CLIENTS = arg('clients', 50);
const MB = arg('mb', 5);
const bin = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/release/sangkien');

const server = await startServer({ bin, log: 'error', clockStart: '2021-10-15T10:00:00+07:00' });
const request = client(server.url, { sockets: CLIENTS });
const api = (method, path, token, options = {}) => request(method, `/api/v1${path}`, { token, ...options });

const token = (await api('POST', '/auth/login', null, { json: { username: 'snv.tochuc', password: 'CaoBang@2021' } })).json.token;
const units = (await api('GET', '/contests/1', token)).json.participant_unit_codes;
await new Promise((r) => setTimeout(r, 1000));
const idle = memory(server.pid);
const metricsBefore = await snapshot(request);

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
let uploading = 0;
let mostUploading = 0;
let peakAnon = idle.anon;
let peakFile = idle.file;
const sampler = setInterval(() => {
  try {
    const m = memory(server.pid);
    peak = Math.max(peak, m.peak);
    peakAnon = Math.max(peakAnon, m.anon);
    peakFile = Math.max(peakFile, m.file);
    mostUploading = Math.max(mostUploading, uploading);
  } catch { /* ended */ }
}, 50);
const padding = randomBytes(MB * 1_000_000);
const serverCpuBefore = cpuSeconds(server.pid);
const clientCpuBefore = process.cpuUsage();
let next = 0;
const started = performance.now();
async function uploader() {
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
      const created = await step('create', () => api('POST', '/contests/1/entries', token, { json: {
        unit_code: units[i % units.length], title: `Sáng kiến cải cách hành chính số ${i} của đơn vị ${units[i % units.length]}`,
        topic_code: 'TTHC', form: 'scheme',
        authors: [{ full_name: `Nguyễn Văn ${i}`, workplace: 'UBND', position: 'Chuyên viên', qualification: 'Cử nhân', contribution_percent: 100 }],
        field_of_application: 'Cải cách thủ tục hành chính', first_applied_on: '2021-03-01', implementation_status: 'implemented',
        description: description(i),
      }, headers: { 'idempotency-key': `rush-${i}` } }));
      const form = multipart({ kind: 'main' }, { name: `sang-kien-${i}.pdf`, type: 'application/pdf', parts: pdfParts(`Sang kien ${i}`, padding) });
      uploading++;
      try {
        await step('upload', () => api('POST', `/entries/${created.json.id}/attachments`, token, { form }));
      } finally {
        uploading--;
      }
      await step('submit', () => api('POST', `/entries/${created.json.id}/submit`, token, { json: { sworn: true } }));
    } catch { /* counted */ }
  }
}
await Promise.all(Array.from({ length: CLIENTS }, uploader));
const seconds = (performance.now() - started) / 1000;
const meanUploading = times.upload.reduce((a, b) => a + b, 0) / 1000 / seconds;
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
const metricsAfter = await snapshot(request);
console.log('\nInside the server (its /metrics; p50 and p99 to within a factor of 2): an upload');
console.log(table(since(metricsAfter.upload, metricsBefore.upload), ['receive', 'store_file', 'record']));
console.log('\nWrite transactions (every request that changes something)');
console.log(table(since(metricsAfter.write, metricsBefore.write), ['wait', 'hold', 'durable']));
console.log(`\nserver memory: idle ${idle.rss.toFixed(1)} MiB, after ${after.rss.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB (VmHWM); sampled every 50 ms, the highest anonymous ${peakAnon.toFixed(1)} MiB and file-backed ${peakFile.toFixed(1)} MiB; uploads in flight: ${meanUploading.toFixed(1)} on average, at most ${mostUploading} at a sample`);
await server.stop();
// A failed submission fails the run (CI runs a small rush as a smoke test of this script).
if (failures) process.exitCode = 1;
