// The benchmarks' HTTP client: node:http with kept-alive connections, bodies written as the
// buffers they are made of. The load generator shares the server's two cores, so it should
// spend as little of them as it can: fetch() (undici) and FormData cost about 1.5 ms of CPU
// per request and copy every uploaded file twice; this costs a fraction of that.
import http from 'node:http';

/// A client for the server at `base` (`http://127.0.0.1:PORT/`). `request(method, path,
/// { token, cookie, json, form, headers })` resolves to `{ status, headers, body, json }`
/// (`body` the bytes, `json` null when they are not JSON).
export function client(base, { sockets = 64 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  return function request(method, path, { token, cookie, json, form, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (cookie) h.cookie = cookie;
    let chunks = [];
    if (json !== undefined) {
      chunks = [Buffer.from(JSON.stringify(json))];
      h['content-type'] = 'application/json';
    } else if (form) {
      chunks = form.chunks;
      h['content-type'] = form.type;
    }
    if (method !== 'GET') h['content-length'] = chunks.reduce((n, c) => n + c.length, 0);
    return send(method, path, h, chunks);
  };
  // The server closes a kept-alive connection after 30 s without a request; a request sent
  // on such a connection as it closes never reached the server, so it is sent again (what
  // Node's documentation advises, and what browsers do). Every failure uses up one such
  // connection of the pool, and one on a new connection is final.
  function send(method, path, h, chunks) {
    return new Promise((ok, fail) => {
      const req = http.request({ hostname, port, method, path, headers: h, agent }, (res) => {
        const body = [];
        res.on('data', (c) => body.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const bytes = Buffer.concat(body);
          let parsed = null;
          if ((res.headers['content-type'] || '').startsWith('application/json')) {
            try { parsed = JSON.parse(bytes.toString('utf8')); } catch { /* not JSON after all */ }
          }
          ok({ status: res.statusCode, headers: res.headers, body: bytes, json: parsed });
        });
      });
      req.on('error', (e) => {
        if (req.reusedSocket && e.code === 'ECONNRESET') send(method, path, h, chunks).then(ok, fail);
        else fail(e);
      });
      for (const c of chunks) req.write(c);
      req.end();
    });
  }
}

/// A multipart/form-data body: text `fields`, then one file made of the buffers `parts`.
export function multipart(fields, { name, type, parts }) {
  const boundary = `sangkien-bench-${Math.random().toString(16).slice(2)}`;
  const chunks = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`));
  chunks.push(...parts);
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, chunks };
}
