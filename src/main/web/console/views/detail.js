// One checkout: summary, options, payments, money and refunds, the audit trail, its webhook
// events with each delivery, and the actions its state allows (cancel, accept late, refund, recover).
import { act, get } from '../api.js';
import { facts, field, h, shortHex, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice, paths, status } from './common.js';

export async function detailPage(main, session, id) {
  const api = paths(session);
  const said = notice();
  show(main, h('p', {}, h('a', { href: '#/checkouts' }, t('detail.back'))), h('h1', {}, t('app.loading')), said);
  let checkout;
  let audit;
  let events;
  try {
    [checkout, audit, events] = await Promise.all([get(api.checkout(id)), get(api.audit(id)), get(api.webhookEvents(id))]);
  } catch (e) {
    show(main, h('p', {}, h('a', { href: '#/checkouts' }, t('detail.back'))), h('h1', {}, t('app.notFound')), said);
    failure(said, e);
    return;
  }
  const reload = () => detailPage(main, session, id);
  show(main,
    h('p', {}, h('a', { href: '#/checkouts' }, t('detail.back'))),
    h('h1', {}, t('detail.heading', { order: checkout.orderReference })),
    said,
    h('section', { 'aria-labelledby': 'summary-h' }, h('h2', { id: 'summary-h' }, t('detail.summary')),
      facts([
        [t('detail.id'), h('code', {}, checkout.id)],
        [t('col.status'), status(checkout.status, checkout.statusReason)],
        [t('col.amount'), `${checkout.amount} ${checkout.currency}`],
        [t('detail.merchant'), checkout.merchantName],
        [t('col.mode'), checkout.mode],
        [t('col.payer'), checkout.payer ? h('code', {}, checkout.payer) : null],
        [t('col.created'), time(checkout.createdAt)],
        [t('detail.expires'), time(checkout.expiresAt)],
      ], { id: 'summary' })),
    h('section', { 'aria-labelledby': 'options-h' }, h('h2', { id: 'options-h' }, t('detail.options')),
      table(t('detail.options'), [t('col.chain'), t('col.token'), t('col.amountBase'), t('col.recipient')],
        checkout.paymentOptions || [], (o) => [o.chainId, o.token, o.amount, shortHex(o.recipient)])),
    h('section', { 'aria-labelledby': 'payments-h' }, h('h2', { id: 'payments-h' }, t('detail.payments')),
      (checkout.payments || []).length === 0 ? h('p', {}, t('detail.noPayments'))
        : table(t('detail.payments'), [t('col.tx'), t('col.status'), t('col.payer'), t('col.amountBase'), t('col.block'),
          t('col.submitted')], checkout.payments, (p) => [h('code', { class: 'tx' }, p.txHash), status(p.status, p.reason),
          shortHex(p.payer), p.amount ?? '', p.blockNumber ?? '', time(p.submittedAt)], { id: 'payments' })),
    h('section', { 'aria-labelledby': 'money-h' }, h('h2', { id: 'money-h' }, t('detail.money')), money(checkout.money)),
    h('section', { 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, t('detail.audit')),
      table(t('detail.audit'), [t('col.at'), t('col.change'), t('col.reason'), t('col.actor'), t('col.details')], audit.data,
        (e) => [time(e.at), `${e.fromStatus ?? '∅'} → ${e.toStatus}`, e.reason ?? '', e.actor,
          Object.keys(e.details || {}).length ? h('code', { class: 'details' }, JSON.stringify(e.details)) : ''],
        { id: 'audit' })),
    h('section', { 'aria-labelledby': 'webhooks-h' }, h('h2', { id: 'webhooks-h' }, t('detail.webhooks')),
      deliveries(events.data, api.operator, said)),
    h('section', { 'aria-labelledby': 'actions-h' }, h('h2', { id: 'actions-h' }, t('detail.actions')),
      actions(checkout, api, said, reload)));
}

function money(m) {
  if (!m) return '';
  const scalars = Object.entries(m).filter(([, v]) => v !== null && typeof v !== 'object');
  return h('div', {}, facts(scalars.map(([k, v]) => [k, String(v)])),
    (m.refunds || []).length === 0 ? null : table(t('action.refund'), [t('col.created'), t('col.amount'), t('col.status'), t('col.reason')],
      m.refunds, (r) => [time(r.createdAt), r.amount, r.status, r.reason ?? '']));
}

function deliveries(events, operator, said) {
  if (events.length === 0) return h('p', {}, t('detail.noWebhooks'));
  const rows = events.flatMap((e) => (e.deliveries.length ? e.deliveries : [null]).map((d) => ({ e, d })));
  return table(t('detail.webhooks'), [t('col.event'), t('col.endpoint'), t('col.state'), t('col.attempts'), t('col.lastAnswer'),
    operator ? null : t('col.action')].filter(Boolean), rows, ({ e, d }) => [
    h('span', {}, e.type, ' ', h('code', {}, e.id)), d ? shortHex(d.endpointId) : '', d ? d.status : '', d ? d.attempts : '',
    d ? [d.lastStatusCode ?? '', d.lastError ? ` ${d.lastError}` : ''] : '',
    operator ? null : h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try {
        const r = await act(`/v1/webhook-events/${e.id}/resend`, d ? { endpointId: d.endpointId } : {});
        show(said, t('action.resent', { count: r.scheduled }));
      } catch (error) {
        failure(said, error);
      }
    } }, t('action.resend')),
  ].filter((cell) => cell !== null), { id: 'deliveries' });
}

function actions(checkout, api, said, reload) {
  const base = `/v1/checkouts/${checkout.id}`;
  const forms = [];
  const reason = (id) => h('input', { type: 'text', name: 'reason', maxlength: '500', id });
  const run = async (path, body) => {
    try {
      const r = await act(path, body);
      show(said, t('action.done', { status: r && (r.status || r.object) ? r.status || r.object : 'ok' }));
      setTimeout(reload, 1200);
    } catch (e) {
      failure(said, e);
    }
  };
  if (!api.operator) {
    if (checkout.status === 'open') {
      const why = reason('cancel-reason');
      forms.push(h('form', { onsubmit: (e) => { e.preventDefault(); run(`${base}/cancel`, why.value ? { reason: why.value } : {}); } },
        field('cancel-reason', t('action.reason'), why), h('button', { type: 'submit' }, t('action.cancel'))));
    }
    if ((checkout.status === 'expired' || checkout.status === 'canceled') && checkout.statusReason === 'paid_late') {
      const why = reason('late-reason');
      forms.push(h('form', { onsubmit: (e) => { e.preventDefault(); run(`${base}/accept-late`, why.value ? { reason: why.value } : {}); } },
        field('late-reason', t('action.reason'), why), h('button', { type: 'submit' }, t('action.acceptLate'))));
    }
    if (checkout.money && checkout.money.refundableBase && checkout.money.refundableBase !== '0') {
      const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', pattern: '[0-9]{1,15}(\\.[0-9]{1,6})?' });
      const why = reason('refund-reason');
      forms.push(h('form', { onsubmit: (e) => {
        e.preventDefault();
        const body = {};
        if (amount.value) body.amount = amount.value;
        if (why.value) body.reason = why.value;
        run(`${base}/refunds`, body);
      } }, field('refund-amount', t('action.refundAmount'), amount), field('refund-reason', t('action.reason'), why),
      h('button', { type: 'submit' }, t('action.refund'))));
    }
  }
  if (checkout.status !== 'paid') {
    const tx = h('input', { type: 'text', name: 'txHash', pattern: '0x[0-9a-fA-F]{64}', required: true, spellcheck: 'false' });
    const option = h('select', { name: 'option' }, (checkout.paymentOptions || []).map((o) =>
      h('option', { value: `${o.chainId}:${o.token}` }, `${o.chainId} ${o.token}`)));
    const why = reason('recover-reason');
    why.required = true;
    const path = api.operator ? `/v1/admin/checkouts/${checkout.id}/recover` : `${base}/recover`;
    forms.push(h('form', { onsubmit: (e) => {
      e.preventDefault();
      const [chainId, token] = option.value.split(':');
      run(path, { chainId: Number(chainId), token, txHash: tx.value.trim(), reason: why.value });
    } }, h('h3', {}, t('action.recover')), h('p', { class: 'hint' }, t('action.recoverHint')),
    field('recover-tx', t('action.recoverTx'), tx), field('recover-option', t('action.recoverOption'), option),
    field('recover-reason', t('action.reason'), why), h('button', { type: 'submit' }, t('action.recover'))));
  }
  return h('div', { class: 'actions' }, forms);
}
