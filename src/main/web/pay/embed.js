// The page inside a shop's iframe: events for the parent (postMessage, to an allowed origin only,
// never '*') and its height whenever it changes, so the shop can size the frame.
export function embedding(checkoutId) {
  const framed = window.parent !== window;
  const meta = document.querySelector('meta[name="tollgate-frame-origins"]');
  const allowed = ((meta && meta.content) || '').split(' ').filter(Boolean);
  const candidates = [];
  if (location.ancestorOrigins && location.ancestorOrigins.length) candidates.push(location.ancestorOrigins[0]);
  try { if (document.referrer) candidates.push(new URL(document.referrer).origin); } catch (e) { /* no referrer */ }
  // frame-ancestors let only an allowed origin frame the page; this picks which one it is
  const target = !framed ? null : candidates.find((o) => allowed.includes(o)) || (allowed.length === 1 ? allowed[0] : null);

  const post = (type, detail) => {
    if (target) window.parent.postMessage({ type, ...detail }, target);
  };
  let lastHeight = 0;
  const resized = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      post('tollgate:checkout-resize', { checkoutId, height });
    }
  };
  if (framed && typeof ResizeObserver === 'function') new ResizeObserver(resized).observe(document.body);
  return { framed, target, post, resized };
}
