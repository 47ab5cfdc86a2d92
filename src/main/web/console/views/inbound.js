// The operator's inbound processor events (Stripe, NodeRails, Standard Webhooks), newest first,
// filtered by status; a failed or unmatched one can be processed again.
import { call, get, query } from '../api.js';
import { field, h, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice } from './common.js';

const STATUSES = ['received', 'processed', 'ignored', 'unmatched', 'failed'];

export function inboundPage(main) {
  const said = notice();
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, t('inbound.anyStatus')),
    STATUSES.map((s) => h('option', { value: s }, s)));
  const list = h('div', { id: 'inbound' });
  show(main, h('h1', {}, t('inbound.heading')), field('inbound-status', t('inbound.status'), statusSelect), said, list);

  async function load() {
    try {
      const events = await get('/v1/admin/inbound-webhooks' + query({ status: statusSelect.value, limit: 100 }));
      show(list, events.data.length === 0 ? h('p', {}, t('inbound.none'))
        : table(t('inbound.heading'), [t('col.id'), t('col.created'), t('col.variant'), t('col.kind'), t('col.status'),
          t('col.outcome'), t('col.error'), t('col.action')], events.data, (e) => [e.id, time(e.receivedAt), e.variant, e.kind,
          e.status, e.outcome ?? '', e.lastError ?? '',
          e.status === 'processed' ? '' : h('button', { type: 'button', class: 'secondary', onclick: async () => {
            try {
              const after = await call('POST', `/v1/admin/inbound-webhooks/${e.id}/retry`);
              show(said, t('inbound.retried', { id: after.id, status: after.status }));
              load();
            } catch (error) {
              failure(said, error);
            }
          } }, t('inbound.retry'))]));
    } catch (e) {
      failure(said, e);
    }
  }
  statusSelect.addEventListener('change', load);
  load();
}
