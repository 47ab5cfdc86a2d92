// The operator's merchants with their payment methods; each links to its checkouts.
import { get } from '../api.js';
import { h, shortHex, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice } from './common.js';

export async function merchantsPage(main) {
  const said = notice();
  show(main, h('h1', {}, t('merchants.heading')), said);
  try {
    const merchants = await get('/v1/admin/merchants');
    main.append(merchants.data.length === 0 ? h('p', {}, t('merchants.none'))
      : table(t('merchants.heading'), [t('col.name'), t('col.id'), t('col.binding'), t('merchants.methods'), t('col.created')],
        merchants.data, (m) => [m.name, h('code', {}, m.id), m.payerBinding,
          h('ul', { class: 'plain' }, m.paymentMethods.map((p) => h('li', {}, `${p.chainId} ${p.token} → `, shortHex(p.recipient)))),
          time(m.createdAt)], { id: 'merchants' }));
  } catch (e) {
    failure(said, e);
  }
}
