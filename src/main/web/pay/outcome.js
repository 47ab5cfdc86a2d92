// What the page says about a checkout's status: the text key of one sentence (what happened, whether
// money left the wallet, what to do), the most specific the English file has. Pure, so node --test
// checks it against every status and reason the server sends (src/test/web/pay-text.test.mjs).

/**
 * The key for `status` ({ status, statusReason } as the poll answers), or null when there is nothing
 * to explain (open, pending, paid). `has(key)` tells whether the text file has a key.
 */
export function sentenceKey(status, has) {
  const s = status.status;
  const r = status.statusReason || null;
  switch (s) {
    case 'open':
    case 'pending':
    case 'paid':
      return null;
    case 'underpaid':
      return 'reason.underpaid';
    case 'expired':
    case 'canceled':
      if (!r) return `reason.${s}`;
      // money arrived after all (underpaid, paid_late): say so, never "nothing was charged"
      if (has(`reason.${s}.${r}`)) return `reason.${s}.${r}`;
      if (r === 'not_mined_before_expiry') return 'reason.not_mined_before_expiry';
      // the sweep keeps the reason of a failure before the expiry: a payment that did not count
      return s === 'expired' ? 'reason.expired.failed' : 'reason.canceled';
    case 'failed':
    case 'reversed':
    default:
      return r && has(`reason.${r}`) ? `reason.${r}` : s === 'reversed' ? 'reason.reversed' : 'reason.failed';
  }
}

/** The sentence itself; `{code}` in a generic one names the reason. */
export function statusSentence(t, status) {
  const key = sentenceKey(status, t.has);
  return key === null ? null : t(key, { code: status.statusReason || status.status });
}
