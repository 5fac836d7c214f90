// The server's own histograms from /metrics, for the benchmarks: where the time of a
// request went inside the server (waiting for the write connection, holding it, waiting
// for the disk; reading an upload, syncing it, recording it). Bucket counts only give a
// quantile to within a bucket: `p99 ≤ 64 ms` means it fell in the bucket ending there.

/// The histogram `name` by its `phase` label: { phase: { le: [[bound, cumulative]], count, sum } }.
export function histograms(text, name) {
  const out = {};
  const line = new RegExp(`^${name}_(bucket|count|sum)\\{([^}]*)\\} (\\S+)`);
  for (const l of text.split('\n')) {
    const m = l.match(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const h = (out[labels.phase] ??= { le: [], count: 0, sum: 0 });
    if (m[1] === 'bucket') h.le.push([labels.le === '+Inf' ? Infinity : Number(labels.le), Number(m[3])]);
    else h[m[1]] = Number(m[3]);
  }
  return out;
}

/// What was observed between two snapshots of the same histograms.
export function since(after, before) {
  const out = {};
  for (const [phase, a] of Object.entries(after)) {
    const b = before[phase] ?? { le: [], count: 0, sum: 0 };
    const earlier = new Map(b.le);
    out[phase] = {
      le: a.le.map(([bound, n]) => [bound, n - (earlier.get(bound) ?? 0)]),
      count: a.count - b.count,
      sum: a.sum - b.sum,
    };
  }
  return out;
}

/// The upper bound of the bucket the `q` quantile fell in, in seconds.
function quantile(h, q) {
  const want = q * h.count;
  const found = [...h.le].sort((x, y) => x[0] - y[0]).find(([, n]) => n >= want);
  return found ? found[0] : NaN;
}

/// A markdown table of the phases: count, total, mean, p50 and p99 (bucket bounds).
export function table(hs, order) {
  const ms = (s) => (s === Infinity ? '∞' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`);
  const rows = ['| phase | n | total | mean | p50 ≤ | p99 ≤ |', '|---|---|---|---|---|---|'];
  for (const phase of order.filter((p) => hs[p]?.count > 0)) {
    const h = hs[phase];
    rows.push(`| ${phase} | ${h.count} | ${h.sum.toFixed(2)} s | ${ms(h.sum / h.count)} | ${ms(quantile(h, 0.5))} | ${ms(quantile(h, 0.99))} |`);
  }
  return rows.join('\n');
}

/// Both histograms of a server now: { write, upload }.
export async function snapshot(request) {
  const text = (await request('GET', '/metrics')).body.toString('utf8');
  return {
    write: histograms(text, 'sangkien_db_write_seconds'),
    upload: histograms(text, 'sangkien_upload_phase_seconds'),
  };
}
