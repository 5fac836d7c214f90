// Starts `sangkien serve --demo` on a free port with a fresh data directory (and a fresh
// PostgreSQL database when SANGKIEN_TEST_DB=postgres); stops it and cleans up after.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = process.env.SANGKIEN_BIN || resolve(import.meta.dirname, '../target/debug/sangkien');
const PG = process.env.SANGKIEN_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sangkien-e2e-'));
  const env = { ...process.env, SANGKIEN_DATA_DIR: dataDir, RUST_LOG: 'warn' };
  let dbName = null;
  if (process.env.SANGKIEN_TEST_DB === 'postgres') {
    dbName = `e2e_${process.pid}_${Date.now()}`;
    execFileSync('psql', [PG, '-qc', `create database ${dbName}`]);
    env.DATABASE_URL = PG.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`);
  }
  const child = spawn(BIN, ['serve', '--demo', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) { clearTimeout(timer); ok(m[0]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited with ${code}: ${out}`)); });
  });
  return {
    url,
    async stop() {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName) execFileSync('psql', [PG, '-qc', `drop database if exists ${dbName}`]);
    },
  };
}

export function chromiumOptions() {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  };
}
