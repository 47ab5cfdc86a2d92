// The live view of a drop: the API's aggregated figures (database and this instance's metrics),
// refreshed every 5 seconds while the page is shown. Returns the function that stops the refresh.
import { get, query } from '../api.js';
import { facts, field, h, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice, paths } from './common.js';

const REFRESH_MS = 5000;

export function livePage(main, session) {
  const api = paths(session);
  const minutes = h('select', { name: 'minutes' }, [5, 15, 30, 60].map((m) =>
    h('option', { value: m, selected: m === 15 }, t('live.minutes', { minutes: m }))));
  const said = notice();
  const figures = h('div', { id: 'live' });
  show(main, h('h1', {}, t('live.heading')), field('window', t('live.window'), minutes), said, figures);
  let timer = null;
  let stopped = false;

  async function refresh() {
    try {
      const live = await get(api.live + query({ minutes: minutes.value }));
      if (stopped) return;
      render(live);
      show(said, '');
    } catch (e) {
      failure(said, e);
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  function render(live) {
    const max = Math.max(1, ...live.perMinute.map((m) => m.created));
    const delay = live.confirmationDelaySeconds;
    show(figures,
      h('p', { class: 'hint' }, t('live.updated', { at: time(live.at) })),
      facts([
        [t('live.created'), live.created],
        [t('live.paid'), live.paid],
        [t('live.pending'), live.pending],
        [t('live.delay'), delay.count ? t('live.delayValue', delay) : t('live.noDelay')],
        [t('live.polls'), live.pollsPerSecond ?? t('live.measuring')],
      ], { class: 'facts big', id: 'live-totals' }),
      table(t('live.perMinute'), [t('col.minute'), t('col.paidOfCreated'), ''], live.perMinute, (m) => [
        time(m.minute).slice(11, 16), `${m.paid} / ${m.created}`, bar(m.created / max, m.paid / max)], { class: 'chart' }),
      counts(t('live.failures'), live.failuresByReason),
      counts(t('live.rejected'), live.rejectedPayments),
      table(t('live.chains'), [t('col.chain'), t('live.headLag')], live.chains, (c) => [c.chainId,
        c.watchedHere ? t('live.lagValue', { lag: c.headLagSeconds, head: c.head }) : t('live.notHere')]));
  }

  minutes.addEventListener('change', () => { clearTimeout(timer); refresh(); });
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function counts(caption, byReason) {
  const entries = Object.entries(byReason || {});
  if (entries.length === 0) return h('section', {}, h('h2', {}, caption), h('p', {}, t('live.noFailures')));
  return h('section', {}, h('h2', {}, caption),
    table(caption, [t('col.reason'), t('col.count')], entries, ([reason, n]) => [reason, n]));
}

/** A bar for a minute: created in outline, paid filled (decorative; the numbers are in the row). */
function bar(created, paid) {
  const outer = h('span', { class: 'bar', 'aria-hidden': 'true' });
  const fill = h('span', { class: 'bar-paid' });
  outer.style.inlineSize = `${Math.round(created * 100)}%`;
  fill.style.inlineSize = created > 0 ? `${Math.round((paid / created) * 100)}%` : '0';
  outer.append(fill);
  return outer;
}
