// What the pages share: the API paths of the signed-in party, error display, and statuses.
import { h, show } from '../dom.js';
import { t } from '../i18n.js';

/** The API path of a read, by role: the operator's variants live under /v1/admin. */
export function paths(session) {
  const operator = session.role === 'operator';
  return {
    operator,
    checkouts: operator ? '/v1/admin/checkouts' : '/v1/checkouts',
    checkout: (id) => (operator ? `/v1/admin/checkouts/${id}` : `/v1/checkouts/${id}`),
    audit: (id) => (operator ? `/v1/admin/checkouts/${id}/audit` : `/v1/checkouts/${id}/audit`),
    webhookEvents: (id) => (operator ? `/v1/admin/checkouts/${id}/webhook-events` : `/v1/webhook-events?checkoutId=${id}`),
    live: operator ? '/v1/admin/stats/live' : '/v1/stats/live',
  };
}

/** A region that announces what happened (an action's result, an error) to screen readers. */
export function notice() {
  return h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
}

export function failure(region, error) {
  const text = error && error.code === 'network' ? t('error.network')
    : error && error.status === 401 ? t('error.signedOut')
      : t('error.generic', { message: error ? error.message : '' });
  show(region, h('p', { class: 'error' }, text));
}

export function status(value, reason) {
  return h('span', { class: `status status-${value}` }, value, reason ? ` (${reason})` : '');
}

export const STATUSES = ['open', 'pending', 'underpaid', 'paid', 'failed', 'expired', 'canceled', 'reversed'];
