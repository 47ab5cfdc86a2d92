// Checkouts: one search box (id, order reference, payer or transaction hash, told apart by shape),
// status and time filters, for the operator also merchant and mode; newest first, a page at a time.
import { get, query } from '../api.js';
import { field, h, shortHex, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice, paths, status, STATUSES } from './common.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TX_HASH = /^0x[0-9a-f]{64}$/i;
const ADDRESS = /^0x[0-9a-f]{40}$/i;

let lastSearch = {}; // kept while the page lives, so "back" from a checkout shows the same results
let searches = 0; // only the latest search's answer is shown (an earlier one may answer later)

/** Forgets the last search (at sign-out: the next person in this tab starts afresh). */
export function forgetSearch() {
  lastSearch = {};
}

/** Which filter a search text is: a checkout id, a transaction hash, a payer, else an order reference. */
export function classify(text) {
  const value = text.trim();
  if (!value) return null;
  if (UUID.test(value)) return { by: 'id', value };
  if (TX_HASH.test(value)) return { by: 'txHash', value };
  if (ADDRESS.test(value)) return { by: 'payer', value };
  return { by: 'orderReference', value };
}

export function checkoutsPage(main, session) {
  const api = paths(session);
  const search = h('input', { type: 'search', name: 'q', value: lastSearch.q || '', autocomplete: 'off', spellcheck: 'false' });
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, t('checkouts.anyStatus')),
    STATUSES.map((s) => h('option', { value: s, selected: lastSearch.status === s }, s)));
  const from = h('input', { type: 'datetime-local', name: 'from', value: lastSearch.from || '' });
  const to = h('input', { type: 'datetime-local', name: 'to', value: lastSearch.to || '' });
  const merchant = h('select', { name: 'merchant' }, h('option', { value: '' }, t('checkouts.anyMerchant')));
  const mode = h('select', { name: 'mode' }, h('option', { value: '' }, t('checkouts.anyMode')),
    ['test', 'live'].map((m) => h('option', { value: m, selected: lastSearch.mode === m }, m)));
  const results = h('div', { id: 'results' });
  const said = notice();
  const form = h('form', { class: 'search', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    lastSearch = { q: search.value, status: statusSelect.value, from: from.value, to: to.value,
      merchant: merchant.value, mode: mode.value };
    run(null);
  } },
  field('search', t('checkouts.search'), search, t('checkouts.searchHint')),
  h('div', { class: 'row' },
    field('status', t('checkouts.status'), statusSelect),
    field('from', t('checkouts.from'), from),
    field('to', t('checkouts.to'), to),
    api.operator ? field('merchant', t('checkouts.merchant'), merchant) : null,
    api.operator ? field('mode', t('checkouts.mode'), mode) : null),
  h('button', { type: 'submit' }, t('checkouts.submit')));
  show(main, h('h1', {}, t('checkouts.heading')), form, said, results);

  if (api.operator) {
    get('/v1/admin/merchants').then((list) => {
      for (const m of list.data) merchant.append(h('option', { value: m.id, selected: lastSearch.merchant === m.id }, m.name));
    }).catch((e) => failure(said, e));
  }

  async function run(cursor) {
    const found = classify(lastSearch.q || '');
    if (found && found.by === 'id') {
      location.hash = `#/checkouts/${found.value.toLowerCase()}`;
      return;
    }
    const params = { limit: 25, cursor, status: lastSearch.status, createdFrom: utc(lastSearch.from), createdTo: utc(lastSearch.to) };
    if (found) params[found.by] = found.value;
    if (api.operator) Object.assign(params, { merchantId: lastSearch.merchant, mode: lastSearch.mode });
    show(said, found ? t('checkouts.searchedBy', { what: t(`checkouts.by.${found.by}`) }) : '');
    const mine = ++searches;
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await get(api.checkouts + query(params));
      if (mine !== searches) return;
      render(page, cursor !== null);
      results.dataset.by = found ? found.by : 'all';
    } catch (e) {
      if (mine === searches) failure(said, e);
    } finally {
      if (mine === searches) results.setAttribute('aria-busy', 'false');
    }
  }

  function render(page, append) {
    const rows = page.data;
    const body = rows.length === 0 ? h('p', {}, t('checkouts.none'))
      : table(t('checkouts.results'), [t('col.created'), t('col.order'), t('col.amount'), t('col.status'), t('col.payer'),
        api.operator ? t('col.merchant') : null, t('col.mode')].filter(Boolean), rows, (c) => [
        time(c.createdAt),
        h('a', { href: `#/checkouts/${c.id}`, class: 'checkout-link' }, c.orderReference),
        `${c.amount} ${c.currency}`,
        status(c.status, c.statusReason),
        shortHex(c.payer),
        api.operator ? shortHex(c.merchantId) : null,
        c.mode,
      ].filter((cell) => cell !== null), { class: 'results' });
    const more = page.hasMore ? h('button', { type: 'button', class: 'secondary', onclick: () => run(page.nextCursor) },
      t('checkouts.more')) : null;
    if (append) {
      results.lastElementChild?.remove();
      results.append(body);
      if (more) results.append(more);
    } else {
      show(results, body, more);
    }
  }

  run(null);
}

/** datetime-local gives "2026-12-06T21:00" (read as UTC here, as the label says) → RFC 3339. */
function utc(local) {
  return local ? `${local.length === 16 ? local + ':00' : local}Z` : '';
}
