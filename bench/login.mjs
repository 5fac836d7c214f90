// Password logins (Argon2id, 19 MiB, t = 2): a release server with the demo, then N logins
// one after another and N from 10 clients at once. Prints each series' p50/p99, the
// server's CPU per login, its resident memory before, after, and after the 30 s in which an
// unused hash memory is given back.
//
//   cargo build --release -p sangkien && node bench/login.mjs [--logins 100]
import { resolve } from 'node:path';
import { startServer } from '../e2e/server.mjs';
import { client } from './client.mjs';
import { cpuSeconds, memory } from './proc.mjs';

const N = Number(process.argv[process.argv.indexOf('--logins') + 1] || 100) || 100;
const bin = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/release/sangkien');
const server = await startServer({ bin, log: 'error' });
const request = client(server.url);
const cpu = () => { const c = cpuSeconds(server.pid); return c.user + c.system; };
const body = { username: 'snv.tochuc', password: 'CaoBang@2021' };

async function series(clients) {
  const times = [];
  let left = N;
  const c0 = cpu();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left-- > 0) {
      const t = performance.now();
      const res = await request('POST', '/api/v1/auth/login', { json: body });
      if (res.status !== 200) throw new Error(`login: ${res.status} ${res.body}`);
      times.push(performance.now() - t);
    }
  }));
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  return `${clients} client(s): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, server CPU ${(((cpu() - c0) / N) * 1000).toFixed(1)} ms per login`;
}

await new Promise((r) => setTimeout(r, 1000));
const before = memory(server.pid).rss;
console.log(`${N} logins, ${await series(1)}`);
console.log(`${N} logins, ${await series(10)}`);
const after = memory(server.pid).rss;
await new Promise((r) => setTimeout(r, 32_000));
console.log(`server memory: ${before.toFixed(1)} MiB before, ${after.toFixed(1)} MiB after, ${memory(server.pid).rss.toFixed(1)} MiB 32 s later`);
await server.stop();
