// Turns the output of bench/http.mjs (read on stdin) into rows of bench/results/runs.csv
// (columns in bench/results/README.md), printed on stdout:
//   node bench/http.mjs | tee out.txt
//   node bench/record.mjs --commit abc1234 --command 'node bench/http.mjs' --note '...' \
//     < out.txt >> bench/results/runs.csv
// --date and --time default to now (UTC); --commit to the checkout's short HEAD.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const now = new Date().toISOString();
const head = () => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const run = [arg('date', now.slice(0, 10)), arg('time', now.slice(11, 16)), arg('commit') ?? head(), arg('command', 'node bench/http.mjs')];
const note = arg('note', '');

const quote = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
const row = (target, connections, metric, value, unit) =>
  console.log([...run, target, connections, metric, value, '', unit, note].map(quote).join(','));

const text = readFileSync(0, 'utf8');
const seeding = text.match(/Seeded through the API in ([\d.]+) s.*CPU: server ([\d.]+) s, load generator ([\d.]+) s/);
if (seeding) {
  row('seeding', '', 'time', seeding[1], 's');
  row('seeding', '', 'server_cpu', seeding[2], 's');
  row('seeding', '', 'loadgen_cpu', seeding[3], 's');
}
for (const line of text.split('\n')) {
  const m = line.match(/^\| (.+?) \| (\d+) \| (\d+) \| ([\d.]+) ms \| ([\d.]+) ms \| (\d+) \| (\d+) \|$/);
  if (!m) continue;
  const [, target, connections, rps, p50, p99, , errors] = m;
  row(target, connections, 'req_s', rps, 'req/s');
  row(target, connections, 'p50', p50, 'ms');
  row(target, connections, 'p99', p99, 'ms');
  if (errors !== '0') row(target, connections, 'errors', errors, 'count');
}
const memory = text.match(/server memory: ([\d.]+) MiB idle.*?, ([\d.]+) MiB after seeding, ([\d.]+) MiB after the loads/);
if (memory) {
  row('server memory', '', 'idle', memory[1], 'MiB');
  row('server memory', '', 'after_seeding', memory[2], 'MiB');
  row('server memory', '', 'after_loads', memory[3], 'MiB');
}
if (!seeding && !memory) {
  console.error('no output of bench/http.mjs on stdin');
  process.exit(1);
}
