// The operator's relayers: each key's funds and its unsettled relays, stuck ones flagged.
import { get } from '../api.js';
import { facts, h, shortHex, show, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { failure, notice } from './common.js';

export async function relayersPage(main) {
  const said = notice();
  show(main, h('h1', {}, t('relayers.heading')), said);
  let relayers;
  try {
    relayers = await get('/v1/admin/relayers');
  } catch (e) {
    failure(said, e);
    return;
  }
  if (relayers.data.length === 0) {
    main.append(h('p', {}, t('relayers.none')));
    return;
  }
  for (const r of relayers.data) {
    const heading = `relayer-${r.chainId}`;
    main.append(h('section', { 'aria-labelledby': heading, class: 'relayer' },
      h('h2', { id: heading }, t('relayers.chain', { chainId: r.chainId })),
      r.fundsError ? h('p', { class: 'error' }, t('relayers.fundsError', { message: r.fundsError })) : null,
      r.low ? h('p', { class: 'warning' }, t('relayers.low')) : null,
      r.canPayNext === false ? h('p', { class: 'error' }, t('relayers.cannotPay')) : null,
      facts([
        [t('relayers.address'), r.relayer ? h('code', {}, r.relayer) : null],
        [t('relayers.balance'), r.balanceWei ? `${eth(r.balanceWei)} (${r.balanceWei} wei)` : null],
        [t('relayers.left'), r.relaysLeft],
        [t('relayers.inFlight'), r.inFlight],
      ]),
      h('h3', {}, t('relayers.open')),
      r.openRelays.length === 0 ? h('p', {}, t('relayers.noOpen'))
        : table(t('relayers.open'), [t('col.created'), t('col.state'), t('col.nonce'), t('col.tx'), t('col.bumps'), t('col.age')],
          r.openRelays, (o) => [time(o.createdAt), h('span', {}, o.state, o.stuck ? h('strong', { class: 'stuck' }, ` ${t('relayers.stuck')}`) : ''),
            o.txNonce ?? '', shortHex(o.txHash), o.bumps, o.ageSeconds], { class: 'open-relays' })));
  }
}

/** Wei as ETH with 6 decimals, without floating point. */
function eth(wei) {
  const value = BigInt(wei);
  const whole = value / 10n ** 18n;
  const fraction = (value % 10n ** 18n).toString().padStart(18, '0').slice(0, 6);
  return `${whole}.${fraction} ETH`;
}
