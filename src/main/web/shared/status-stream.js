// Live status of one checkout: server-sent events from GET /v1/checkouts/{id}/events (read with
// fetch so the client secret travels in a header, not the URL), resumed with Last-Event-ID, and
// polling of /status every two seconds whenever the stream is absent or fails. `onStatus` gets the
// poll's JSON each time it changes; the watch stops by itself after a terminal status.
export const TERMINAL = new Set(['paid', 'failed', 'expired', 'canceled', 'reversed', 'underpaid']);
// underpaid can still change (the rest may arrive), so it is not final for the watch:
const FINAL = new Set(['paid', 'failed', 'expired', 'canceled', 'reversed']);

export function watchStatus(api, onStatus, { pollMillis = 2000, streamRetries = 3 } = {}) {
  let stopped = false;
  let lastEventId = null;
  let lastBody = null;
  let etag = null;
  let failures = 0;
  let pollTimer = null;
  let controller = null;

  function deliver(status) {
    const body = JSON.stringify(status);
    if (body === lastBody) return;
    lastBody = body;
    onStatus(status);
    if (FINAL.has(status.status)) stop();
  }

  async function stream() {
    controller = new AbortController();
    const headers = { 'X-Client-Secret': api.secret, Accept: 'text/event-stream' };
    if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
    const response = await fetch(`${api.base}/events`, { headers, signal: controller.signal, cache: 'no-store' });
    const type = response.headers.get('Content-Type') || '';
    if (!response.ok || !type.startsWith('text/event-stream') || !response.body) throw new Error(`no stream (${response.status})`);
    failures = 0;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const event = { event: 'message', data: [] };
        for (const line of block.split(/\r?\n/)) {
          if (!line || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') lastEventId = val;
          else if (field === 'event') event.event = val;
          else if (field === 'data') event.data.push(val);
        }
        if (event.event === 'status' && event.data.length) deliver(JSON.parse(event.data.join('\n')));
        if (stopped) { controller.abort(); return; }
      }
    }
  }

  async function poll() {
    if (stopped) return;
    try {
      const response = await fetch(`${api.base}/status`, {
        headers: { 'X-Client-Secret': api.secret, ...(etag ? { 'If-None-Match': etag } : {}) },
        cache: 'no-store',
      });
      if (response.status === 200) {
        etag = response.headers.get('ETag');
        deliver(await response.json());
      }
    } catch (e) {
      // offline for a moment: the next poll tries again
    }
    if (!stopped) pollTimer = setTimeout(poll, pollMillis);
  }

  async function run() {
    while (!stopped && failures < streamRetries) {
      try {
        await stream();
        if (!stopped) failures++; // closed before a final status: resume from the last event
      } catch (e) {
        if (stopped) return;
        failures++;
        if (/no stream \(4\d\d\)/.test(String(e.message))) break; // no such endpoint here: poll at once
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 500));
    }
    if (!stopped) poll();
  }

  function stop() {
    stopped = true;
    if (pollTimer) clearTimeout(pollTimer);
    if (controller) controller.abort();
  }

  run();
  return {
    stop,
    /** A status learnt otherwise (a submission's answer): shown at once. */
    push: deliver,
    mode: () => (failures < streamRetries ? 'stream' : 'poll'),
  };
}
