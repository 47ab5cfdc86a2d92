// The page's live status against the SSE contract (GET /v1/checkouts/{id}/events: id, event
// status, data = the poll's JSON, first event the current status, closed after a terminal status,
// Last-Event-ID resumes), and its fall back to polling /status. Run by `mvn test` (node --test).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { watchStatus } from '../../main/web/shared/status-stream.js';

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
