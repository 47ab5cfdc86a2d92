// The page's live status against the SSE contract (GET /v1/checkouts/{id}/events: id, event
// status, data = the poll's JSON, first event the current status, closed after a terminal status,
// Last-Event-ID resumes), and its fall back to polling /status. Run by `mvn test` (node --test).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import { FINAL, watchStatus } from '../../main/web/shared/status-stream.js';

function server(handler) {
  return new Promise((resolve) => {
    const s = http.createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve({ s, base: `http://127.0.0.1:${s.address().port}/v1/checkouts/c1` }));
  });
}

const until = (predicate, ms = 5000) => new Promise((resolve, reject) => {
  const started = Date.now();
  const tick = () => (predicate() ? resolve() : Date.now() - started > ms ? reject(new Error('timed out')) : setTimeout(tick, 20));
  tick();
});

test('the page stops at exactly the statuses after which the server ends the stream', () => {
  const java = fs.readFileSync(new URL('../../main/java/io/tollgate/http/events/CheckoutEvents.java', import.meta.url), 'utf8');
  const terminal = java.match(/Set<String> TERMINAL = Set\.of\(([^)]*)\)/)[1].split(',').map((s) => s.trim().replace(/"/g, ''));
  assert.deepEqual([...FINAL].sort(), terminal.sort());
});

test('statuses arrive over the stream with the secret in a header, and a dropped stream resumes from its last event', async () => {
  const seen = [];
  const requests = [];
  const { s, base } = await server((req, res) => {
    requests.push({ url: req.url, secret: req.headers['x-client-secret'], last: req.headers['last-event-id'] });
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    if (requests.length === 1) {
      res.write('id: 1\nevent: status\ndata: {"status":"open"}\n\n');
      res.write(': keep-alive\n\nid: 2\nevent: status\ndata: {"status":"pending",\ndata: "confirmations":0}\n\n');
      res.end(); // dropped before a terminal status
    } else {
      res.write('id: 3\r\nevent: status\r\ndata: {"status":"paid"}\r\n\r\n');
      res.end();
    }
  });
  const watch = watchStatus({ base, secret: 'cs_1' }, (st) => seen.push(st.status));
  await until(() => seen.includes('paid'));
  assert.deepEqual(seen, ['open', 'pending', 'paid']);
  assert.equal(requests[0].url, '/v1/checkouts/c1/events');
  assert.equal(requests[0].secret, 'cs_1');
  assert.equal(requests[0].last, undefined);
  assert.equal(requests[1].last, '2');
  assert.equal(watch.mode(), 'stream');
  s.close();
});

test('without the events endpoint the page polls /status, and stops at a terminal status', async () => {
  const seen = [];
  let polls = 0;
  const { s, base } = await server((req, res) => {
    if (req.url.endsWith('/events')) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{}'); return; }
    polls++;
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: `"${polls}"` });
    res.end(JSON.stringify({ status: polls < 2 ? 'pending' : 'expired' }));
  });
  watchStatus({ base, secret: 'cs_2' }, (st) => seen.push(st.status), { pollMillis: 30 });
  await until(() => seen.includes('expired'));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(seen, ['pending', 'expired']);
  assert.equal(polls, 2); // no poll after the terminal status
  s.close();
});

test('failed is not final: the stream stays open and a later payment still reaches the page', async () => {
  const seen = [];
  let streams = 0;
  const { s, base } = await server((req, res) => {
    streams++;
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('id: 1000\nevent: status\ndata: {"status":"open"}\n\n');
    res.write('id: 2000\nevent: status\ndata: {"status":"failed","statusReason":"wrong_payer"}\n\n');
    // the buyer pays again from the bound wallet: failed → pending → paid, on the same stream
    setTimeout(() => res.write('id: 3000\nevent: status\ndata: {"status":"pending"}\n\n'), 100);
    setTimeout(() => { res.write('id: 4000\nevent: status\ndata: {"status":"paid"}\n\n'); res.end(); }, 200);
  });
  watchStatus({ base, secret: 'cs_3' }, (st) => seen.push(st.status));
  await until(() => seen.includes('paid'));
  assert.deepEqual(seen, ['open', 'failed', 'pending', 'paid']);
  assert.equal(streams, 1);
  s.close();
});

test('polling goes on after failed, and stops at the next final status', async () => {
  const seen = [];
  const answers = ['pending', 'failed', 'failed', 'expired'];
  let polls = 0;
  const { s, base } = await server((req, res) => {
    if (req.url.endsWith('/events')) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{}'); return; }
    const status = answers[Math.min(polls, answers.length - 1)];
    polls++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status }));
  });
  watchStatus({ base, secret: 'cs_4' }, (st) => seen.push(st.status), { pollMillis: 30 });
  await until(() => seen.includes('expired'));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(seen, ['pending', 'failed', 'expired']);
  assert.equal(polls, 4);
  s.close();
});

test('a 304 from the poll changes nothing, and the page keeps polling', async () => {
  const seen = [];
  const ifNoneMatch = [];
  let polls = 0;
  const { s, base } = await server((req, res) => {
    if (req.url.endsWith('/events')) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{}'); return; }
    polls++;
    ifNoneMatch.push(req.headers['if-none-match']);
    if (polls === 1) { res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"a"' }); res.end('{"status":"open"}'); return; }
    if (polls < 4) { res.writeHead(304, { ETag: '"a"' }); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"b"' });
    res.end('{"status":"paid"}');
  });
  watchStatus({ base, secret: 'cs_5' }, (st) => seen.push(st.status), { pollMillis: 30 });
  await until(() => seen.includes('paid'));
  assert.deepEqual(seen, ['open', 'paid']);
  assert.deepEqual(ifNoneMatch, [undefined, '"a"', '"a"', '"a"']);
  s.close();
});

test('a 204 from the events endpoint ends the watch: no reconnect, no polling loop', async () => {
  const seen = [];
  const requests = [];
  const { s, base } = await server((req, res) => {
    requests.push(req.url.slice(req.url.lastIndexOf('/') + 1) + (req.headers['last-event-id'] ? `@${req.headers['last-event-id']}` : ''));
    if (req.url.endsWith('/events') && !req.headers['last-event-id']) {
      // a terminal status the page does not take as final (as if the server had one more than it knows)
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('id: 7000\nevent: status\ndata: {"status":"refunded"}\n\n');
      return;
    }
    if (req.url.endsWith('/events')) { res.writeHead(204); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status":"refunded"}');
  });
  watchStatus({ base, secret: 'cs_6' }, (st) => seen.push(st.status), { pollMillis: 30 });
  await until(() => requests.length >= 3);
  await new Promise((r) => setTimeout(r, 1500));
  // the stream ended; the reconnect got 204; one poll made sure of the status; then nothing more
  assert.deepEqual(requests, ['events', 'events@7000', 'status']);
  assert.deepEqual(seen, ['refunded']);
  s.close();
});

test('a dropped stream is resumed after the delay its retry: line asks for', async () => {
  const at = [];
  const seen = [];
  const { s, base } = await server((req, res) => {
    at.push(Date.now());
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    if (at.length === 1) {
      res.end('retry: 1200\n\nid: 1000\nevent: status\ndata: {"status":"open"}\n\n'); // dropped (the instance stops, say)
    } else {
      res.end('id: 2000\nevent: status\ndata: {"status":"paid"}\n\n');
    }
  });
  watchStatus({ base, secret: 'cs_8' }, (st) => seen.push(st.status));
  await until(() => seen.includes('paid'));
  assert.deepEqual(seen, ['open', 'paid']);
  assert.ok(at[1] - at[0] >= 1100, `reconnected after ${at[1] - at[0]} ms`);
  s.close();
});
