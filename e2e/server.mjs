// Starts `sangkien serve --demo` on a free port with a fresh data directory (and a fresh
// PostgreSQL database when SANGKIEN_TEST_DB=postgres); stops it and cleans up after.
// `restart()` starts it again on the same data directory and database (crash tests).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/debug/sangkien');
const PG = process.env.SANGKIEN_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

function launch(bin, env, args) {
  const child = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) { clearTimeout(timer); ok(m[0]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited with ${code}: ${out}`)); });
  });
  return { child, url };
}

/// `clockStart`: run the server as if it were that instant (the demo contest is open on
/// 15/10/2021); by default the real clock, when the 2021 deadline has passed.
/// `fullDemo`: load the demo walked to published results (`sangkien demo --full`) first.
/// `bin` and `log` (RUST_LOG) for the benchmarks, which run a release build quietly.
export async function startServer({ clockStart, jobsInterval, fullDemo, bin = BIN, log = 'warn,lopdf=error' } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sangkien-e2e-'));
  const env = { ...process.env, SANGKIEN_DATA_DIR: dataDir, RUST_LOG: log };
  let dbName = null;
  if (process.env.SANGKIEN_TEST_DB === 'postgres') {
    dbName = `e2e_${process.pid}_${Date.now()}`;
    execFileSync('psql', [PG, '-qc', `create database ${dbName}`]);
    env.DATABASE_URL = PG.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`);
  }
  if (fullDemo) execFileSync(bin, ['demo', '--full'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let args = clockStart ? ['--clock-start', clockStart] : [];
  if (jobsInterval) args.push('--jobs-interval', String(jobsInterval));
  let current = launch(bin, env, args);
  const server = {
    url: await current.url,
    env,
    dataDir,
    get pid() { return current.child.pid; },
    /// Runs a `sangkien` subcommand on the same data directory and database.
    cli(...cliArgs) {
      try {
        return { code: 0, out: execFileSync(bin, cliArgs, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
      } catch (e) {
        return { code: e.status, out: `${e.stdout}${e.stderr}` };
      }
    },
    async kill() {
      const exited = new Promise((r) => current.child.once('exit', r));
      current.child.kill('SIGKILL');
      await exited;
    },
    /// Another server process on the same data directory and database.
    async another() {
      const other = launch(bin, env, args);
      const url = await other.url;
      return {
        url,
        async stop() {
          const exited = new Promise((r) => other.child.once('exit', r));
          other.child.kill('SIGINT');
          await exited;
        },
      };
    },
    async restart() {
      current = launch(bin, env, args);
      server.url = await current.url;
    },
    /// Stops the server and starts it again on the same data, its clock starting at
    /// `clockStart` (a walk through a contest moves from one date to a later one).
    async restartAt(clockStart) {
      await server.stop({ keepData: true });
      args = args.filter((a, i) => a !== '--clock-start' && args[i - 1] !== '--clock-start');
      args.push('--clock-start', clockStart);
      current = launch(bin, env, args);
      server.url = await current.url;
    },
    async stop({ keepData = false } = {}) {
      if (current.child.exitCode === null && current.child.signalCode === null) {
        const exited = new Promise((r) => current.child.once('exit', r));
        current.child.kill('SIGINT');
        await exited;
      }
      if (keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName) execFileSync('psql', [PG, '-qc', `drop database if exists ${dbName}`]);
    },
  };
  return server;
}

export function chromiumOptions() {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Date and time fields show as our users' browsers show them (dd/mm/yyyy, 24 h).
    env: { ...process.env, LANGUAGE: 'vi', LANG: 'vi_VN.UTF-8' },
    args: ['--headless', '--lang=vi-VN', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  };
}

/// A small valid one-page PDF (the cross-reference table points at real offsets). With
/// `padding`, the bytes are embedded as an extra stream object, as images are in real
/// PDFs, so the file is as large as wanted and still well formed.
export function makePdf(text, padding = null) {
  return Buffer.concat(pdfParts(text, padding));
}

/// The same PDF as a list of buffers to be sent one after the other: the padding is one of
/// them, not copied (the deadline-rush benchmark sends a thousand 5 MB files).
export function pdfParts(text, padding = null) {
  const stream = `BT /F1 12 Tf 56 780 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    ['<< /Type /Catalog /Pages 2 0 R >>'],
    ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    ['<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'],
    [`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`],
    ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'],
  ];
  if (padding) objects.push([`<< /Length ${padding.length} >>\nstream\n`, padding, '\nendstream']);
  const parts = [Buffer.from('%PDF-1.4\n')];
  let size = parts[0].length;
  const offsets = [];
  objects.forEach((pieces, i) => {
    offsets.push(size);
    for (const piece of [`${i + 1} 0 obj\n`, ...pieces, '\nendobj\n']) {
      const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      parts.push(b);
      size += b.length;
    }
  });
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) tail += `${String(off).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`;
  parts.push(Buffer.from(tail));
  return parts;
}
