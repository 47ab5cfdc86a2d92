// Live status of one checkout: server-sent events from GET /v1/checkouts/{id}/events (read with
// fetch so the client secret travels in a header, not the URL), resumed with Last-Event-ID after
// the delay its retry: line asks for, and polling of /status every two seconds (If-None-Match: a 304
// is no change) whenever the stream is absent or fails. `onStatus` gets the poll's JSON each time it
// changes; the watch stops by itself after a final status, or when the stream answers 204.

/**
 * The statuses after which nothing more happens for the buyer: the server's terminal statuses, after
 * which it ends the stream (CheckoutEvents). failed is not one (the buyer may pay again, a claim
 * still in flight may confirm, the expiry sweep moves it on), nor is underpaid (the rest may arrive).
 */
export const FINAL = new Set(['paid', 'expired', 'canceled', 'reversed']);

export function watchStatus(api, onStatus, { pollMillis = 2000, streamRetries = 3 } = {}) {
  let stopped = false;
  let lastEventId = null;
  let lastBody = null;
  let lastStatus = null;
  let etag = null;
  let failures = 0;
  let reconnectMillis = 500; // until the stream's retry: line says otherwise, as it asks EventSource
  let pollTimer = null;
  let controller = null;

  function deliver(status) {
    const body = JSON.stringify(status);
    if (body === lastBody) return;
    lastBody = body;
    lastStatus = status;
    onStatus(status);
    if (FINAL.has(status.status)) stop();
  }

  async function stream() {
    controller = new AbortController();
    const headers = { 'X-Client-Secret': api.secret, Accept: 'text/event-stream' };
    if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
    const response = await fetch(`${api.base}/events`, { headers, signal: controller.signal, cache: 'no-store' });
    if (response.status === 204) {
      // The server's word that this client has the checkout's terminal status: nothing more will come,
      // so neither reconnect nor poll. One poll only if the page does not hold a final status itself.
      if (!lastStatus || !FINAL.has(lastStatus.status)) await fetchStatus();
      stop();
      return;
    }
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
          else if (field === 'retry' && /^\d+$/.test(val)) reconnectMillis = Number(val);
          else if (field === 'event') event.event = val;
          else if (field === 'data') event.data.push(val);
        }
        if (event.event === 'status' && event.data.length) deliver(JSON.parse(event.data.join('\n')));
        if (stopped) { controller.abort(); return; }
      }
    }
  }

  /** One poll; 304 (If-None-Match) means no change since the last one. */
  async function fetchStatus() {
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
  }

  async function poll() {
    if (stopped) return;
    await fetchStatus();
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
      if (!stopped) await new Promise((r) => setTimeout(r, reconnectMillis));
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
