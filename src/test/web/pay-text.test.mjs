// The payment page's words live in one file per language (src/main/web/pay/text/en.json), English
// complete: every text key the page uses is there, no sentence is written into the code, every
// error code the buyer API can answer and every reason a checkout's status can carry has its
// sentence, and the sentence picked for a status says the right thing about the buyer's money. The
// server's codes are read from its Java sources, so a new code without a sentence fails the build.
// Run by `mvn test` (node --test).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sentenceKey, statusSentence } from '../../main/web/pay/outcome.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const english = JSON.parse(read('src/main/web/pay/text/en.json'));
const has = (key) => typeof english[key] === 'string';

// The page's code: its own folder and the shared modules it bundles (the console has its own texts).
const pageSources = ['src/main/web/pay', 'src/main/web/shared'].flatMap((dir) => fs.readdirSync(path.join(root, dir))
  .filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`));
const code = Object.fromEntries(pageSources.map((f) => [f, withoutComments(read(f))]));
const template = read('src/main/web/pay/index.html');

function withoutComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/**
 * Every string literal of a source: quoted, or a template literal with its ${...} parts as spaces
 * (and the literals inside those parts, such as t('key') in `${t('key')} …`, as literals of their own).
 */
function literals(source) {
  const found = [];
  const pattern = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;
  for (const m of source.matchAll(pattern)) {
    if (m[3] === undefined) {
      found.push(m[1] ?? m[2]);
      continue;
    }
    found.push(m[3].replace(/\$\{[^}]*\}/g, ' '));
    for (const part of m[3].matchAll(/\$\{([^}]*)\}/g)) found.push(...literals(part[1]));
  }
  return found;
}

const KEY = /^(page|time|chain|options|wallet|pay|mobile|step|progress|outcome|reason)\.[A-Za-z_.]+$/;
const usedKeys = new Set([
  ...Object.values(code).flatMap(literals).filter((l) => KEY.test(l)),
  ...[...template.matchAll(/\{\{text:([\w.]+)\}\}/g)].map((m) => m[1]),
]);

// ---- what the server can say, from its sources -------------------------------------------------------

const javaFiles = fs.readdirSync(path.join(root, 'src/main/java'), { recursive: true })
  .filter((f) => f.endsWith('.java')).map((f) => `src/main/java/${f}`);
const errorCodes = [...read('src/main/java/io/tollgate/api/ErrorCode.java').matchAll(/^\s+[A-Z0-9_]+\(\d{3}, "([a-z0-9_]+)"/gm)]
  .map((m) => m[1]);
const rejectionReasons = [...read('src/main/java/io/tollgate/payment/RejectionReason.java').matchAll(/[A-Z_]+\("([a-z_]+)"\)/g)]
  .map((m) => m[1]);
const constant = (file, name) => {
  const m = read(file).match(new RegExp(`String ${name} = "([a-z_]+)"`));
  assert.ok(m, `${name} in ${file}`);
  return m[1];
};
const relayReasons = [constant('src/main/java/io/tollgate/relay/RelayTicket.java', 'RELAY_FAILED'),
  constant('src/main/java/io/tollgate/relay/RelayTicket.java', 'AUTHORIZATION_USED_ELSEWHERE')];
const orphaned = constant('src/main/java/io/tollgate/payment/FinalityRecorder.java', 'ORPHANED');
const traceUnavailable = constant('src/main/java/io/tollgate/payment/Verdict.java', 'TRACE_UNAVAILABLE');
const sqlReasons = [...new Set(javaFiles.flatMap((f) => [...read(f).matchAll(/status_reason = '([a-z_]+)'/g)].map((m) => m[1])))];
const statuses = read('src/main/resources/openapi.yaml').match(/\n {4}Status:\n {6}type: string\n {6}enum: \[([^\]]+)\]/)[1]
  .split(',').map((s) => s.trim());

/** Reasons that are not a failure: progress (pending), the shop's own doing, a late payment (their sentences are by status). */
const NOT_FAILURES = new Set(['relaying', traceUnavailable, 'late_accepted', 'canceled_by_merchant', 'paid_late']);
const allReasons = [...new Set([...rejectionReasons, ...relayReasons, orphaned, traceUnavailable, ...sqlReasons])];
const failureReasons = allReasons.filter((r) => !NOT_FAILURES.has(r));

/**
 * Error codes the buyer API (payment options, status, events, challenge, payer, payments,
 * authorizations) never answers: the shop's, the operator's, webhooks' and the x402 facilitator's.
 * Every other code needs a sentence; a code listed here must still exist.
 */
const NOT_FOR_BUYERS = new Set([
  'invalid_amount', 'invalid_idempotency_key', 'invalid_url', 'invalid_origin', 'invalid_webhook_signature',
  'unauthenticated', 'forbidden', 'method_not_allowed', 'idempotency_key_in_use', 'idempotency_key_reused',
  'webhook_endpoint_limit_reached', 'webhook_url_not_allowed', 'price_unavailable', 'unsupported_currency',
  'invalid_payment_method', 'merchant_not_found', 'api_key_not_found', 'api_key_revoked', 'mode_mismatch',
  'invalid_refund_amount', 'invalid_cursor', 'invalid_time_range', 'refund_not_found', 'nothing_to_refund',
  'refund_exceeds_balance', 'no_excess_to_refund', 'refund_not_awaiting_transfer', 'duplicate_payment_not_found',
  'refund_not_cancelable', 'no_late_payment', 'checkout_not_cancelable', 'not_recoverable',
  'x402_unsupported_version', 'x402_unsupported_scheme', 'x402_unsupported_network', 'x402_unsupported_asset',
  'facilitator_key_scope', 'settlement_not_found',
]);

// ---- the checks -------------------------------------------------------------------------------------

test('the sources were read: the checks below have something to check', () => {
  assert.ok(errorCodes.length > 80, `error codes: ${errorCodes.length}`);
  assert.ok(rejectionReasons.includes('wrong_payer') && rejectionReasons.length >= 12);
  assert.ok(sqlReasons.includes('processor_payment_failed') && sqlReasons.includes('paid_late'), `SQL reasons: ${sqlReasons}`);
  assert.deepEqual(statuses, ['open', 'pending', 'underpaid', 'paid', 'failed', 'expired', 'canceled', 'reversed']);
  assert.ok(usedKeys.has('page.title') && usedKeys.has('page.htmlTitle') && usedKeys.has('reason.user_rejected'));
});

test('every text key the page uses is in the English file', () => {
  const missing = [...usedKeys].filter((k) => !has(k));
  assert.deepEqual(missing, []);
});

test('every key of the English file is used, literally or as the sentence of a server code', () => {
  // codes of the server, the statuses (reason.<status>), and the page's own code for a call that got no answer
  assert.match(code['src/main/web/shared/api.js'], /'network_error'/);
  const serverCodes = new Set([...errorCodes, ...allReasons, ...statuses, 'network_error']);
  const unused = Object.keys(english).filter((k) => {
    if (usedKeys.has(k)) return false;
    const parts = k.split('.');
    if (parts[0] !== 'reason') return true;
    // reason.<code>, or reason.<status>.<reason> (picked by outcome.js)
    if (parts.length === 2) return !serverCodes.has(parts[1]);
    return !(parts.length === 3 && statuses.includes(parts[1]) && (serverCodes.has(parts[2]) || parts[2] === 'failed'));
  });
  assert.deepEqual(unused, []);
});

test('no sentence is written into the page code: words on screen come from the text file', () => {
  const chainNames = new Set([...read('src/main/web/shared/eth.js').matchAll(/\d+: '([^']+)'/g)].map((m) => m[1]));
  // not shown to anyone: CSS classes, and messages of errors that carry a text key (reasonKey) or are only logged
  const notText = new Set(['option short', 'balance short', 'wrong payer', 'no stream ( )']);
  const words = Object.entries(code).flatMap(([file, source]) => literals(source)
    .filter((l) => /[A-Za-z]{2,} +[A-Za-z]{2,}/.test(l) && !KEY.test(l) && !chainNames.has(l) && !notText.has(l))
    .map((l) => `${file}: ${l}`));
  assert.deepEqual(words, []);
  // the HTML template too: only {{text:...}} markers between its tags
  const htmlText = template.replace(/<[^>]*>/g, ' ').replace(/\{\{text:[\w.]+\}\}/g, ' ').trim();
  assert.equal(htmlText, '');
});

test('every error code the buyer API can answer has a sentence', () => {
  const stale = [...NOT_FOR_BUYERS].filter((c) => !errorCodes.includes(c));
  assert.deepEqual(stale, [], 'codes listed as not for buyers that the server no longer has');
  const missing = errorCodes.filter((c) => !NOT_FOR_BUYERS.has(c) && !has(`reason.${c}`));
  assert.deepEqual(missing, []);
});

test('every failure reason a checkout can carry has its own sentence, picked for failed and reversed', () => {
  assert.deepEqual(failureReasons.filter((r) => !has(`reason.${r}`)), []);
  for (const r of failureReasons) {
    assert.equal(sentenceKey({ status: 'failed', statusReason: r }, has), `reason.${r}`, r);
    assert.equal(sentenceKey({ status: 'reversed', statusReason: r }, has), `reason.${r}`, r);
  }
});

test('every status with every reason (or none) gets a sentence the file has, or none while nothing went wrong', () => {
  for (const status of statuses) {
    for (const statusReason of [null, ...allReasons]) {
      const key = sentenceKey({ status, statusReason }, has);
      if (['open', 'pending', 'paid'].includes(status)) assert.equal(key, null, `${status}/${statusReason}`);
      else assert.ok(has(key), `${status}/${statusReason} → ${key}`);
    }
  }
});

test('a checkout that closed with money received never says nothing was charged', () => {
  const t = (key, vars = {}) => english[key].replace(/\{(\w+)\}/g, (m, n) => (vars[n] === undefined ? m : String(vars[n])));
  t.has = has;
  for (const [status, statusReason] of [['expired', 'underpaid'], ['expired', 'paid_late'], ['canceled', 'paid_late']]) {
    const sentence = statusSentence(t, { status, statusReason });
    assert.match(sentence, /reached the shop/, `${status}/${statusReason}`);
    assert.doesNotMatch(sentence, /Nothing was charged/, `${status}/${statusReason}`);
  }
  // expired after a payment that did not count: the money may have left the wallet
  assert.doesNotMatch(statusSentence(t, { status: 'expired', statusReason: 'wrong_payer' }), /Nothing was charged/);
  assert.match(statusSentence(t, { status: 'expired', statusReason: null }), /Nothing was charged/);
  // an unknown reason still gets a sentence, naming its code
  assert.match(statusSentence(t, { status: 'failed', statusReason: 'something_new' }), /something_new/);
});
