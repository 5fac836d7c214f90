// HTTP load on the pages that exist so far (issue 7): a release server on a fresh data
// directory, seeded through the API with a contest shaped like a real one (30 units, 300
// entries of realistic Vietnamese length with a PDF each, 20 judges, balanced assignment of
// 3 judges per entry = 900 submitted sheets, 60 prizes, approved and published), then wrk
// (Debian's) against the organizer's ranking page, the organizer's entry list (50 rows), a
// judge's score-sheet page, the ranking API, the public results page and JSON, the Atom
// feed, and the decision PDF and results XLSX exports, with 32 connections and with 1, then the entry list
// while the decision PDF is downloaded on 4 other connections. Prints requests/s, p50/p99,
// bytes per response and the server's resident memory as a table.
//
//   cargo build --release -p sangkien && node bench/http.mjs [--seconds 15] [--seed-only]
//
// After seeding it prints how the seeding's write transactions waited for and held the
// write connection (the server's own /metrics). --seed-only stops after seeding.
// Concurrent seeding clients: ENTRIES_POOL (10), ACCOUNTS_POOL (5) and SHEETS_POOL (5
// judges at once); RUST_LOG is passed to the server (`RUST_LOG=sqlx::query=debug` logs
// every statement).
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startServer, makePdf } from '../e2e/server.mjs';
import { client, multipart } from './client.mjs';
import { cpuSeconds, memory } from './proc.mjs';
import { snapshot, since, table } from './metrics.mjs';

const SECONDS = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 15) || 15;
const bin = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/release/sangkien');
const PASSWORD = 'CaoBang@2021';
const START = Date.parse('2021-10-15T10:00:00+07:00');

// CPU seconds (user + system) and resident MiB of the server.
const cpu = (pid) => { const c = cpuSeconds(pid); return c.user + c.system; };
const rss = (pid) => memory(pid).rss;

const server = await startServer({ bin, log: process.env.RUST_LOG || 'error', clockStart: new Date(START).toISOString() });
const url = server.url;
const request = client(url);
const began = Date.now();
// Idle: the demo loaded, nothing asked yet.
await new Promise((r) => setTimeout(r, 1000));
const idle = rss(server.pid);
const appNow = () => START + (Date.now() - began);

async function api(method, path, token, body) {
  const options = body && body.chunks ? { token, form: body } : { token, json: body };
  const res = await request(method, `/api/v1${path}`, options);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.toString('utf8')}`);
  return res.json;
}
const login = async (username) => (await api('POST', '/auth/login', null, { username, password: PASSWORD })).token;

async function pool(n, items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } }));
}

const writesBefore = (await snapshot(request)).write;
const seedStart = performance.now();
const seedCpu = { server: cpu(server.pid), client: process.cpuUsage() };
const phases = [];
let phaseStart = seedStart;
let phaseCpu = seedCpu.server;
// Each phase's wall time and the server's CPU seconds in it.
const phase = (name) => {
  const t = performance.now();
  const c = cpu(server.pid);
  phases.push(`${name} ${((t - phaseStart) / 1000).toFixed(2)} s (server CPU ${(c - phaseCpu).toFixed(2)} s)`);
  phaseStart = t;
  phaseCpu = c;
};
const org = await login('snv.tochuc');
const admin = await login('quantri');
const units = (await api('GET', '/contests/1', org)).participant_unit_codes;
// A contest whose deadline is 60 s (application time) away, so it can be seeded and then judged.
const deadline = new Date(appNow() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
const contest = await api('POST', '/contests', org, {
  title: 'Cuộc thi sáng kiến đo hiệu năng', year: 2021,
  plan: { number: '1/KH-BENCH', date: '2021-10-01', signer: 'Người ký' },
  organizer_unit_code: 'SNV', participant_unit_codes: units, min_entries_per_unit: 1,
  topics: [{ code: 'TTHC', name: 'Cải cách thủ tục hành chính', group: 'Các lĩnh vực CCHC' }],
  forms: ['outline', 'scheme', 'project'], opens_at: '2021-10-01', submission_deadline: deadline,
  evaluation_ends_at: '2021-12-31',
  criteria: [
    { code: 'novelty', name: 'Tính mới', description: '', max_points: 30 },
    { code: 'effectiveness', name: 'Hiệu quả', description: '', max_points: 30 },
    { code: 'applicability', name: 'Khả năng áp dụng', description: '', max_points: 30 },
    { code: 'presentation', name: 'Trình bày', description: '', max_points: 10 },
  ],
  tie_break: ['effectiveness', 'novelty'], aggregation: 'mean', award_min_score: 50,
  prizes: [{ tier: 'first', count: 1, amount_vnd: 5000000 }, { tier: 'second', count: 2, amount_vnd: 3000000 },
    { tier: 'third', count: 3, amount_vnd: 2000000 }, { tier: 'consolation', count: 54, amount_vnd: 1000000 }],
});
const cid = contest.id;
await api('POST', `/contests/${cid}/transition`, org, { to: 'open' });
const para = (i) => `Sáng kiến số ${i} giúp người dân và doanh nghiệp giảm thời gian, chi phí khi thực hiện thủ tục hành chính; hồ sơ được tiếp nhận trực tuyến, xử lý liên thông và trả kết quả tại nhà. `.repeat(4);
const pdf = makePdf('Sang kien', Buffer.alloc(50_000, 7));
const entryIds = [];
await pool(Number(process.env.ENTRIES_POOL || 10), Array.from({ length: 300 }, (_, i) => i), async (i) => {
  const unit = units[i % units.length];
  const e = await api('POST', `/contests/${cid}/entries`, org, {
    unit_code: unit, title: `Sáng kiến cải cách hành chính số ${i} của đơn vị ${unit}`, topic_code: 'TTHC', form: 'scheme',
    authors: [{ full_name: `Nguyễn Văn ${i}`, workplace: unit, position: 'Chuyên viên', qualification: 'Cử nhân', contribution_percent: 100 }],
    field_of_application: 'Cải cách thủ tục hành chính', first_applied_on: '2021-03-01', implementation_status: 'implemented',
    description: { current_situation: para(i), solution: para(i + 1), novelty: para(i + 2), conditions: para(i + 3), benefits: para(i + 4), replication_scope: para(i + 5) },
  });
  await api('POST', `/entries/${e.id}/attachments`, org, multipart({ kind: 'main' }, { name: 'sang-kien.pdf', type: 'application/pdf', parts: [pdf] }));
  await api('POST', `/entries/${e.id}/submit`, org, { sworn: true });
  entryIds.push(e.id);
});
phase('entries');
const judges = Array.from({ length: 20 }, (_, j) => `gk.${String(j).padStart(2, '0')}`);
await pool(Number(process.env.ACCOUNTS_POOL || 5), judges, async (username, j) => {
  await api('POST', '/users', admin, { username, full_name: `Giám khảo ${j}`, password: PASSWORD, role: 'viewer', unit_code: units[j % units.length] });
});
phase('judges');
const entriesSeeded = performance.now();
const cpuBeforeWait = { server: cpu(server.pid), client: process.cpuUsage(seedCpu.client) };
while (appNow() <= Date.parse(deadline) + 1000) await new Promise((r) => setTimeout(r, 200));
const waitEnded = performance.now();
const cpuAfterWait = { server: cpu(server.pid), client: process.cpuUsage() };
phaseStart = waitEnded;
phaseCpu = cpuAfterWait.server;
await api('POST', `/contests/${cid}/transition`, org, { to: 'closed' });
await api('PUT', `/contests/${cid}/council`, org, {
  decision: { number: '1/QĐ-BENCH', date: '2021-11-01' },
  members: judges.map((username, j) => ({ username, role: j === 0 ? 'chair' : 'member' })),
});
await api('POST', `/contests/${cid}/assignments`, org, { mode: 'balanced', per_entry: 3 });
await api('POST', `/contests/${cid}/transition`, org, { to: 'judging' });
phase('council and assignment');
let sheets = 0;
await pool(Number(process.env.SHEETS_POOL || 5), judges, async (username, j) => {
  const t = await login(username);
  const mine = (await api('GET', `/contests/${cid}/my-assignments`, t)).items;
  for (const [k, item] of mine.entries()) {
    const q = (j * 7 + k * 3) % 40;
    await api('PUT', `/entries/${item.entry_id}/scores/mine`, t, { points: { novelty: 10 + q * 0.25, effectiveness: 20 + (q % 7), applicability: 15 + (q % 11) * 0.5, presentation: 5 + (q % 4) * 0.75 } });
    await api('POST', `/entries/${item.entry_id}/scores/mine/submit`, t);
    sheets++;
  }
});
phase('sheets');
// Deliberation, awards decided (ties at a boundary get the council's reason), approval and
// publication, so the public pages exist.
await api('POST', `/contests/${cid}/transition`, org, { to: 'deliberation' });
const proposal = await api('POST', `/contests/${cid}/awards/propose`, org);
const decided = proposal.ranking.filter((r) => r.proposed_tier || proposal.flags.some((f) => f.entry_ids.includes(r.entry_id)));
let slotsLeft = 60;
const list = decided.map((r) => {
  const tier = r.proposed_tier || (slotsLeft > 0 ? 'consolation' : null);
  slotsLeft -= 1;
  return { entry_id: r.entry_id, tier, reason: r.proposed_tier ? '' : 'Hội đồng biểu quyết' };
});
await api('PUT', `/contests/${cid}/awards`, org, { awards: list });
const council = await api('GET', `/contests/${cid}/council`, org);
const voters = council.members.filter((m) => m.role !== 'clerk').length;
await api('PUT', `/contests/${cid}/meeting`, org, { held_on: '2021-10-15', present: council.members.map((m) => m.username), votes_for: voters });
await api('POST', `/contests/${cid}/awards/approve`, await login('ubnd.pheduyet'), { decision: { number: '99', date: '2021-10-15', signer: 'Người ký' } });
await api('POST', `/contests/${cid}/transition`, org, { to: 'published' });
phase('awards and publication');
const seeded = performance.now();
const clientSeconds = (u) => (u.user + u.system) / 1e6;
const seedServerCpu = (cpuBeforeWait.server - seedCpu.server) + (cpu(server.pid) - cpuAfterWait.server);
const seedClientCpu = clientSeconds(cpuBeforeWait.client) + clientSeconds(process.cpuUsage(cpuAfterWait.client));
const seedSeconds = ((entriesSeeded - seedStart) + (seeded - waitEnded)) / 1000;
const seedLine = `Seeded through the API in ${seedSeconds.toFixed(1)} s (excluding the wait for the deadline): 300 entries with a PDF, 20 judges, ${sheets} sheets; ${phases.join(', ')}; CPU: server ${seedServerCpu.toFixed(1)} s, load generator ${seedClientCpu.toFixed(1)} s.`;
// How the seeding's write transactions queued for SQLite's one write connection.
const seedWrites = `Its write transactions, from the server's /metrics (p50 and p99 to within a factor of 2):\n${table(since((await snapshot(request)).write, writesBefore), ['wait', 'hold', 'durable'])}`;
if (process.argv.includes('--seed-only')) {
  console.log(`${seedLine}\n${seedWrites}`);
  await server.stop();
  process.exit(0);
}

// Browser sessions for the pages: the login form with its CSRF token.
async function webSession(username) {
  const page = await request('GET', '/login');
  const csrf = page.body.toString('utf8').match(/name="csrf" value="([^"]+)"/)[1];
  const cookie = (res, name) => res.headers['set-cookie'].find((c) => c.startsWith(`${name}=`)).split(';')[0];
  const res = await request('POST', '/login', {
    cookie: cookie(page, 'sk_login_csrf'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    form: { type: 'application/x-www-form-urlencoded', chunks: [Buffer.from(new URLSearchParams({ username, password: PASSWORD, csrf, next: '/' }).toString())] },
  });
  return cookie(res, 'sk_session');
}
const orgCookie = await webSession('snv.tochuc');
const publicEntry = (await api('GET', '/public/library?per_page=1')).items[0].entry_id;
const judgeToken = await login(judges[1]);
const judgeEntry = (await api('GET', `/contests/${cid}/my-assignments`, judgeToken)).items[0].entry_id;
const judgeCookie = await webSession(judges[1]);

const targets = [
  ['organizer ranking page', `contests/${cid}/ranking`, orgCookie],
  ['organizer entry list (50 rows)', `contests/${cid}/entries`, orgCookie],
  ["judge's score-sheet page", `entries/${judgeEntry}/score`, judgeCookie],
  ['ranking API (JSON)', `api/v1/contests/${cid}/ranking`, `Bearer ${await login('snv.tochuc')}`],
  ['public results page (anonymous)', `public/contests/${cid}`, ''],
  ['public results JSON (anonymous)', `api/v1/public/contests/${cid}/results`, ''],
  ['public entry page (anonymous)', `public/library/${publicEntry}`, ''],
  ['library search page (anonymous)', 'public/library?q=sang+kien+cai+cach+hanh+chinh', ''],
  ['library search API (anonymous)', 'api/v1/public/library?q=thu+tuc+hanh+chinh', ''],
  ['Atom feed (anonymous)', 'feed.atom', ''],
  ['award decision PDF (organizer)', `contests/${cid}/exports/decision.pdf`, orgCookie],
  ['results XLSX (organizer)', `contests/${cid}/exports/results.xlsx`, orgCookie],
];
const seededMemory = rss(server.pid);

function wrk(path, auth, connections) {
  const header = auth.startsWith('Bearer') ? `Authorization: ${auth}` : auth ? `Cookie: ${auth}` : 'Accept: */*';
  const out = execFileSync('wrk', ['-t', connections > 1 ? '2' : '1', '-c', String(connections), '-d', `${SECONDS}s`, '--latency', '-H', header, `${url}${path}`], { encoding: 'utf8' });
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const pick = (p) => { const m = out.match(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`)); const v = Number(m[1]); return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v; };
  const non2xx = (out.match(/Non-2xx or 3xx responses: (\d+)/) || [0, 0])[1];
  return { rps, p50: pick(50), p99: pick(99), non2xx: Number(non2xx) };
}

console.log(`\n${seedLine}\n${seedWrites}`);
console.log(`| target | conns | req/s | p50 | p99 | bytes | errors |`);
console.log('|---|---|---|---|---|---|---|');
for (const [name, path, auth] of targets) {
  const headers = auth.startsWith('Bearer') ? { authorization: auth } : auth ? { cookie: auth } : {};
  const { body } = await request('GET', `/${path}`, { headers });
  for (const c of [32, 1]) {
    const r = wrk(path, auth, c);
    console.log(`| ${name} | ${c} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${body.byteLength} | ${r.non2xx} |`);
  }
}
// A page while files are written: the entry list at one connection while four other
// connections download the decision PDF (about 40 ms of CPU each) the whole time.
{
  const [, list] = targets[1];
  const [, pdf] = targets.find(([name]) => name.startsWith('award decision PDF'));
  const { body } = await request('GET', `/${list}`, { headers: { cookie: orgCookie } });
  const downloads = spawn('wrk', ['-t', '1', '-c', '4', '-d', `${SECONDS + 2}s`, '-H', `Cookie: ${orgCookie}`, `${url}${pdf}`], { stdio: 'ignore' });
  const ended = new Promise((done) => downloads.on('exit', done));
  await new Promise((r) => setTimeout(r, 500));
  const r = wrk(list, orgCookie, 1);
  await ended;
  console.log(`| entry list while 4 connections download the decision PDF | 1 | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${body.byteLength} | ${r.non2xx} |`);
}
console.log(`server memory: ${idle.toFixed(1)} MiB idle (demo loaded), ${seededMemory.toFixed(1)} MiB after seeding, ${rss(server.pid).toFixed(1)} MiB after the loads`);
await server.stop();
