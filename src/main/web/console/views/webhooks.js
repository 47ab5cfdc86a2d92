// The merchant's webhook endpoints (with their failed deliveries), the events whose delivery gave
// up (resend each), and recovery of everything an endpoint failed since a time.
import { act, call, get } from '../api.js';
import { field, h, shortHex, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice, paths } from './common.js';

export async function webhooksPage(main, session, message) {
  const said = notice();
  show(main, h('h1', {}, t('webhooks.heading')), said);
  if (message) show(said, message);
  if (paths(session).operator) {
    main.append(h('p', {}, t('webhooks.operatorNote')));
    return;
  }
  let endpoints;
  let failed;
  try {
    [endpoints, failed] = await Promise.all([get('/v1/webhook-endpoints'), get('/v1/webhook-events?deliveryStatus=failed&limit=100')]);
  } catch (e) {
    failure(said, e);
    return;
  }
  const reload = (text) => webhooksPage(main, session, text);
  main.append(
    h('section', { 'aria-labelledby': 'endpoints-h' }, h('h2', { id: 'endpoints-h' }, t('webhooks.endpoints')),
      endpoints.data.length === 0 ? h('p', {}, t('webhooks.noEndpoints'))
        : table(t('webhooks.endpoints'), [t('col.url'), t('col.state'), t('col.failedDeliveries'), t('col.action')], endpoints.data,
          (e) => [e.url, e.enabled ? t('webhooks.enabled') : t('webhooks.disabled', { reason: e.disabledReason }),
            e.failedDeliveries ?? 0, h('div', { class: 'actions' }, e.enabled ? null : enableButton(e, said, reload),
              recoverForm(e, said, reload))], { id: 'endpoints' })),
    h('section', { 'aria-labelledby': 'failed-h' }, h('h2', { id: 'failed-h' }, t('webhooks.failed')),
      failed.data.length === 0 ? h('p', {}, t('webhooks.noFailed'))
        : table(t('webhooks.failed'), [t('col.created'), t('col.event'), t('col.endpoint'), t('col.lastAnswer'), t('col.action')],
          failed.data.flatMap((e) => e.deliveries.filter((d) => d.status === 'failed').map((d) => ({ e, d }))), ({ e, d }) => [
            time(e.createdAt),
            h('span', {}, e.type, ' ', e.checkoutId ? h('a', { href: `#/checkouts/${e.checkoutId}` }, h('code', {}, e.id)) : h('code', {}, e.id)),
            shortHex(d.endpointId), [d.lastStatusCode ?? '', d.lastError ? ` ${d.lastError}` : ''],
            h('button', { type: 'button', class: 'secondary', onclick: async () => {
              try {
                const r = await act(`/v1/webhook-events/${e.id}/resend`, { endpointId: d.endpointId });
                show(said, t('action.resent', { count: r.scheduled }));
              } catch (error) {
                failure(said, error);
              }
            } }, t('action.resend'))], { id: 'failed' })));
}

/** A disabled endpoint (gone, failing, or by hand) gets nothing until enabled again: recover after enabling. */
function enableButton(endpoint, said, reload) {
  return h('button', { type: 'button', class: 'secondary enable', onclick: async () => {
    try {
      await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true });
      reload(t('webhooks.enabledNow'));
    } catch (e) {
      failure(said, e);
    }
  } }, t('webhooks.enable'));
}

function recoverForm(endpoint, said, reload) {
  const id = `since-${endpoint.id}`;
  const since = h('input', { type: 'datetime-local', name: 'since', required: true });
  return h('form', { class: 'inline', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const r = await act(`/v1/webhook-endpoints/${endpoint.id}/recover`, { since: `${since.value}:00Z` });
      reload(t('webhooks.recovered', { count: r.scheduled }));
    } catch (e) {
      failure(said, e);
    }
  } }, field(id, t('webhooks.recoverSince'), since), h('button', { type: 'submit', class: 'secondary' }, t('webhooks.recover')));
}
