// The benchmarks' HTTP client: HTTP/1.1 written and read on kept-alive TCP sockets, bodies
// written as the buffers they are made of. The load generator shares the server's two cores,
// so it should spend as little of them as it can: fetch() (undici) and FormData cost about
// 1.5 ms of CPU per request and copy every uploaded file twice, node:http about 0.6 ms (its
// request and response objects, streams and events); this reads the status line, the headers
// and a body sized by Content-Length or chunked, and nothing more.
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/// A client for the server at `base` (`http://127.0.0.1:PORT/`). `request(method, path,
/// { token, cookie, json, form, headers })` resolves to `{ status, headers, body, json }`
/// (`headers` with lower-case names, `set-cookie` a list as in node:http; `body` the bytes;
/// `json` null when they are not JSON). At most `sockets` connections are open at once; more
/// requests wait for one to be free.
export function client(base, { sockets = 64 } = {}) {
  const { hostname, port } = new URL(base);
  const host = `${hostname}:${port}`;
  const idle = [];
  const waiting = [];
  let open = 0;

  return function request(method, path, { token, cookie, json, form, headers = {} } = {}) {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (token) head += `authorization: Bearer ${token}\r\n`;
    if (cookie) head += `cookie: ${cookie}\r\n`;
    let chunks = [];
    if (json !== undefined) {
      chunks = [Buffer.from(JSON.stringify(json))];
      head += 'content-type: application/json\r\n';
    } else if (form) {
      chunks = form.chunks;
      head += `content-type: ${form.type}\r\n`;
    }
    if (method !== 'GET') head += `content-length: ${chunks.reduce((n, c) => n + c.length, 0)}\r\n`;
    const out = [Buffer.from(`${head}\r\n`), ...chunks];
    return new Promise((ok, fail) => send({ method, out, ok, fail }));
  };

  // The server closes a kept-alive connection after 30 s without a request; a request sent
  // on such a connection as it closes never reached the server, so it is sent again on a new
  // one (what Node's documentation advises, and what browsers do). One that fails on a new
  // connection, or after part of its answer came, fails.
  function send(job) {
    const conn = idle.pop();
    if (conn) conn.start(job);
    else if (open < sockets) connect().start(job);
    else waiting.push(job);
  }

  function release(conn) {
    const job = waiting.shift();
    if (job) conn.start(job);
    else idle.push(conn);
  }

  function connect() {
    open++;
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setNoDelay(true);
    let job = null;
    let served = 0;
    let got = [];
    let gotBytes = 0;
    let res = null; // { status, headers, length, chunked, start } once the head is read
    let closed = false;

    const conn = {
      start(j) {
        job = j;
        got = [];
        gotBytes = 0;
        res = null;
        socket.cork();
        for (const b of j.out) socket.write(b);
        socket.uncork();
      },
    };

    const finish = (status, headers, body) => {
      const j = job;
      job = null;
      served++;
      let parsed = null;
      if ((headers['content-type'] || '').startsWith('application/json')) {
        try { parsed = JSON.parse(body.toString('utf8')); } catch { /* not JSON after all */ }
      }
      if (closed) {
        // The answer ended with its connection: already counted as gone.
        if (waiting.length) send(waiting.shift());
      } else if ((headers.connection || '').toLowerCase() === 'close') {
        closed = true;
        open--;
        socket.destroy();
        if (waiting.length) send(waiting.shift());
      } else {
        release(conn);
      }
      j.ok({ status, headers, body, json: parsed });
    };

    // Tries to complete the answer from the bytes received so far.
    const parse = () => {
      let buf = got.length === 1 ? got[0] : Buffer.concat(got);
      got = [buf];
      if (!res) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) return;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        const status = Number(lines[0].split(' ')[1]);
        const headers = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === 'set-cookie') (headers[name] ||= []).push(value);
          else headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
        }
        const chunked = (headers['transfer-encoding'] || '').toLowerCase().includes('chunked');
        const bodiless = job.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
        const length = bodiless ? 0 : headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
        res = { status, headers, length, chunked: chunked && !bodiless, start: end + 4 };
      }
      if (res.chunked) {
        const parts = [];
        let at = res.start;
        for (;;) {
          const lineEnd = buf.indexOf('\r\n', at);
          if (lineEnd < 0) return;
          const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
          if (size === 0) {
            // The last chunk, then trailers (none expected) and an empty line.
            if (buf.indexOf(CRLF2, lineEnd) < 0) return;
            return finish(res.status, res.headers, Buffer.concat(parts));
          }
          if (buf.length < lineEnd + 2 + size + 2) return;
          parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
          at = lineEnd + 2 + size + 2;
        }
      }
      if (res.length !== null && buf.length - res.start >= res.length) {
        finish(res.status, res.headers, buf.subarray(res.start, res.start + res.length));
      }
    };

    socket.on('data', (chunk) => {
      if (!job) return; // nothing asked: bytes nobody waits for
      got.push(chunk);
      gotBytes += chunk.length;
      parse();
    });
    const gone = (error) => {
      if (closed) return;
      closed = true;
      open--;
      const i = idle.indexOf(conn);
      if (i >= 0) idle.splice(i, 1);
      if (!job) {
        if (waiting.length) send(waiting.shift());
        return;
      }
      // An answer without a length ends with the connection.
      if (res && res.length === null && !res.chunked) {
        const buf = Buffer.concat(got);
        return finish(res.status, res.headers, buf.subarray(res.start));
      }
      const j = job;
      job = null;
      if (served > 0 && gotBytes === 0) send(j);
      else j.fail(error || new Error(`${j.method}: the connection closed before the answer was complete`));
    };
    socket.on('error', gone);
    socket.on('close', () => gone(null));
    return conn;
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
