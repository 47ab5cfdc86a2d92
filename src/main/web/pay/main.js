// The hosted checkout page: /pay/{checkoutId}#{clientSecret}. Shows the price and one button per
// chain/token option, connects a browser wallet (EIP-6963, EIP-1193), reads its balances, and runs
// the option's flow: Sign-In with Ethereum payer binding + transfer + hash submission, or an
// EIP-3009 signature where the option is gasless. Status arrives live (SSE, polling as fallback);
// inside an iframe every outcome is also posted to the parent, on an allowed origin only.
import './pay.css';
import { toString as qrSvg } from 'qrcode';
import dictionaries from './text/index.js';
import { translator } from '../shared/i18n.js';
import { h, replace } from '../shared/dom.js';
import { buyerApi, ApiError } from '../shared/api.js';
import { FINAL, watchStatus } from '../shared/status-stream.js';
import { discoverWallets, isUserRejection } from '../shared/wallets.js';
import {
  knownChainName, eip681, erc20BalanceOf, erc20Transfer, formatUnits, sameAddress, shortAddress, toHex, utf8ToHex,
} from '../shared/eth.js';
import { embedding } from './embed.js';
import { statusSentence } from './outcome.js';

const t = translator(dictionaries);
document.title = t('page.htmlTitle');
document.documentElement.lang = t.language;
const app = document.getElementById('app');
const checkoutId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
const embed = embedding(checkoutId);

// The client secret comes in the fragment (never sent to a server); kept for reloads of this tab,
// then taken out of the address bar.
const storageKey = `tollgate:cs:${checkoutId}`;
let secret = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : null;
try {
  if (secret) sessionStorage.setItem(storageKey, secret);
  else secret = sessionStorage.getItem(storageKey);
} catch (e) { /* storage off: the fragment is all there is */ }
if (location.hash) history.replaceState(null, '', location.pathname + location.search);

const state = {
  checkout: null,
  options: [],
  status: null,
  wallets: null,
  wallet: null,
  account: null,
  walletChainId: null,
  balances: {},
  selected: null,
  busy: null,
  problem: null,
  txHash: null,
  // what the buyer typed into the hash field: every render rebuilds the page, and must not lose it
  txDraft: '',
  qr: {},
};
const api = secret ? buyerApi(checkoutId, secret) : null;
let watcher = null;
let expiryTimer = null;

const keyOf = (o) => `${o.chainId}:${o.token}`;
const selectedOption = () => state.options.find((o) => keyOf(o) === state.selected) || null;
const tokenAmount = (o) => formatUnits(o.amount, o.decimals);
const LOCAL_CHAINS = new Set([31337, 1337]);
const chainName = (id) => knownChainName(id) || t(LOCAL_CHAINS.has(id) ? 'chain.local' : 'chain.other', { id });
const isFinal = (status) => !!status && FINAL.has(status.status);

function money(amount, currency) {
  try {
    return new Intl.NumberFormat(t.language, { style: 'currency', currency }).format(Number(amount));
  } catch (e) {
    return `${amount} ${currency}`;
  }
}

function set(changes) {
  Object.assign(state, changes);
  render();
}

/** A sentence for what went wrong: what happened, whether money left the wallet, what to do. */
function explain(error, option, fallbackKey = 'reason.wallet_error') {
  const vars = { token: option ? option.token : '', chain: option ? chainName(option.chainId) : '' };
  if (isUserRejection(error)) return t('reason.user_rejected');
  if (error instanceof ApiError) {
    return t.has(`reason.${error.code}`) ? t(`reason.${error.code}`, vars) : t('reason.api_error', { code: error.code });
  }
  if (error && error.reasonKey) return t(error.reasonKey, { ...vars, ...error.vars });
  return t(fallbackKey, { ...vars, detail: (error && error.message) || String(error) });
}

// ---- rendering ------------------------------------------------------------------------------------

function render() {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : null;
  if (!api) {
    replace(app, h('h1', { text: t('page.title', { merchant: '' }).trim() }), h('p', { role: 'alert', class: 'problem', text: t('page.noSecret') }));
    return;
  }
  if (!state.checkout) {
    replace(app, h('p', { class: 'loading', text: state.problem || t('page.loading'), role: state.problem ? 'alert' : null }));
    return;
  }
  const c = state.checkout;
  // failed is not final: the buyer may pay again, so the options stay (as the server keeps the stream open)
  const finished = isFinal(state.status);
  replace(app,
    h('header', {},
      h('h1', { text: t('page.title', { merchant: c.merchantName }) }),
      h('p', { class: 'amount' }, h('span', { class: 'label', text: t('page.amountDue') }), ' ',
        h('strong', { id: 'amount', text: money(c.amount, c.currency) })),
      c.mode === 'test' ? h('p', { class: 'note', text: t('page.testMode') }) : null,
      finished ? null : h('p', { class: 'expiry', id: 'expiry', text: expiryText() })),
    renderStatus(),
    finished ? null : renderOptions(),
    finished ? null : renderWallet(),
    finished ? null : renderPay(),
    finished ? null : renderMobile(),
    c.cancelUrl && !(state.status && state.status.status === 'paid')
      ? h('p', { class: 'cancel' }, h('a', { href: c.cancelUrl, target: '_top', rel: 'noopener', text: t('page.cancel') })) : null);
  if (focused) {
    const again = app.querySelector(`[data-focus="${CSS.escape(focused)}"]`);
    if (again && !again.disabled) again.focus();
  }
  embed.resized();
}

function expiryText() {
  const left = Math.max(0, Math.floor((Date.parse(state.checkout.expiresAt) - Date.now()) / 1000));
  const time = left >= 3600 ? t('time.hoursMinutes', { hours: Math.floor(left / 3600), minutes: Math.floor((left % 3600) / 60) })
    : t('time.minutesSeconds', { minutes: Math.floor(left / 60), seconds: String(left % 60).padStart(2, '0') });
  return t('page.expiresIn', { time });
}

function renderStatus() {
  const s = state.status;
  const items = [];
  if (state.busy) items.push(h('p', { class: 'busy', text: state.busy }));
  if (state.problem) items.push(h('p', { class: 'problem', role: 'alert', id: 'problem', text: state.problem }));
  if (s) {
    const sentence = statusSentence(t, s);
    if (s.status === 'paid') {
      items.push(h('p', { class: 'paid', id: 'outcome', text: t('outcome.paid') }));
      if (state.checkout.successUrl) {
        items.push(embed.framed ? null : h('p', { text: t('outcome.redirecting') }),
          h('p', {}, h('a', { href: state.checkout.successUrl, target: '_top', rel: 'noopener', text: t('outcome.continue') })));
      }
    } else if (sentence) {
      items.push(h('p', { class: 'problem', role: 'alert', id: 'outcome', text: sentence }));
      if (s.status === 'failed') items.push(h('p', { id: 'pay-again', text: t('outcome.payAgain') }));
      if (s.status === 'underpaid' && s.received && s.amountDue && s.payment) {
        const o = state.options.find((x) => x.chainId === s.payment.chainId && x.token === s.payment.token);
        if (o) items.push(h('p', { text: t('outcome.underpaidLeft', { received: `${formatUnits(s.received, o.decimals)} ${o.token}`, due: `${formatUnits(s.amountDue, o.decimals)} ${o.token}` }) }));
      }
    }
    // a refused payment makes no more progress; the next one shows its own
    const progress = s.status === 'failed' ? null : renderProgress(s);
    if (progress) items.push(progress);
  }
  return h('section', { class: 'status', 'aria-live': 'polite', 'aria-label': t('progress.heading') }, items);
}

function renderProgress(s) {
  const p = s.payment;
  const hash = (p && p.txHash) || state.txHash;
  if (!hash && s.statusReason !== 'relaying') return null;
  const paid = s.status === 'paid';
  const inBlock = paid || (p && ['mined', 'confirmed'].includes(p.status));
  const required = s.requiredConfirmations || 1;
  const seen = paid ? required : Math.min(s.confirmations || 0, required);
  const step = (done, text, id) => h('li', { class: done ? 'done' : 'todo', id }, h('span', { class: 'mark', 'aria-hidden': 'true', text: done ? '✓' : '…' }), ' ', text);
  return h('div', { class: 'progress' },
    s.statusReason === 'relaying' ? h('p', { text: t('progress.relaying') }) : null,
    s.statusReason === 'trace_unavailable' ? h('p', { text: t('progress.traceUnavailable') }) : null,
    h('ol', {},
      step(!!hash, t('progress.sent'), 'progress-sent'),
      step(inBlock, t('progress.block'), 'progress-block'),
      step(inBlock && seen >= required, t('progress.confirmations', { n: inBlock ? seen : 0, m: required }), 'progress-confirmations'),
      step(paid, t('progress.paid'), 'progress-paid')),
    hash ? h('p', { class: 'tx' }, t('progress.tx', { hash: shortAddress(hash) })) : null);
}

function renderOptions() {
  return h('section', { 'aria-labelledby': 'options-heading' },
    h('h2', { id: 'options-heading', text: t('options.heading') }),
    h('ul', { class: 'options' }, state.options.map((o) => {
      const key = keyOf(o);
      const b = state.balances[key];
      let note = null;
      let short = false;
      if (state.account && b) {
        if (b.otherChain) note = t('options.otherChain', { chain: chainName(o.chainId) });
        else if (b.balance !== null) {
          short = b.balance < BigInt(o.amount);
          const balance = formatUnits(b.balance, o.decimals);
          note = short ? t('options.cannotAfford', { token: o.token, balance }) : t('options.balance', { token: o.token, balance });
        }
      }
      const noteId = `note-${key.replace(/[^A-Za-z0-9]/g, '-')}`;
      return h('li', { class: short ? 'option short' : 'option' },
        h('button', {
          type: 'button', class: 'option-button', 'data-option': key, 'data-focus': `option-${key}`,
          'aria-pressed': String(state.selected === key), 'aria-describedby': note ? noteId : null,
          disabled: !!state.busy, onclick: () => select(o),
        }, t('options.button', { amount: tokenAmount(o), token: o.token, chain: chainName(o.chainId) }),
        o.gasless ? h('span', { class: 'badge', text: ` · ${t('options.gasless')}` }) : null),
        note ? h('p', { class: short ? 'balance short' : 'balance', id: noteId, text: note }) : null);
    })));
}

function renderWallet() {
  let body;
  if (state.account) {
    body = h('p', { id: 'account', text: t('wallet.connected', { address: shortAddress(state.account) }), title: state.account });
  } else if (state.wallets === null) {
    body = h('p', { text: t('wallet.looking') });
  } else if (state.wallets.length === 0) {
    body = h('p', { text: t('wallet.none') });
  } else {
    body = h('ul', { class: 'wallets' }, state.wallets.map((w) => h('li', {},
      h('button', { type: 'button', class: 'wallet-button', 'data-focus': `wallet-${w.id}`, disabled: !!state.busy, onclick: () => connect(w) },
        w.icon ? h('img', { src: w.icon, alt: '', width: 20, height: 20 }) : null,
        t('wallet.connect', { wallet: w.name || t('wallet.unnamed') })))));
  }
  return h('section', { 'aria-labelledby': 'wallet-heading' }, h('h2', { id: 'wallet-heading', text: t('wallet.heading') }), body);
}

function renderPay() {
  const o = selectedOption();
  let body;
  if (!o) body = h('p', { text: t('pay.chooseFirst') });
  else if (!state.account) body = h('p', { text: t('pay.connectFirst') });
  else {
    const vars = { amount: tokenAmount(o), token: o.token };
    body = [
      o.gasless ? h('button', { type: 'button', id: 'pay-gasless', class: 'primary', 'data-focus': 'pay-gasless', disabled: !!state.busy, onclick: () => run(payGasless, o) }, t('pay.gasless', vars)) : null,
      o.gasless ? h('p', { class: 'hint', text: t('pay.gaslessHint') }) : null,
      h('button', { type: 'button', id: 'pay-transfer', class: o.gasless ? 'secondary' : 'primary', 'data-focus': 'pay-transfer', disabled: !!state.busy, onclick: () => run(payTransfer, o) }, t('pay.transfer', vars)),
      h('p', { class: 'hint', text: t('pay.transferHint') }),
    ];
  }
  return h('section', { 'aria-labelledby': 'pay-heading' }, h('h2', { id: 'pay-heading', text: t('pay.heading') }), body);
}

function renderMobile() {
  const o = selectedOption() || state.options[0];
  if (!o) return null;
  const link = eip681(o);
  const svg = state.qr[link];
  if (svg === undefined) {
    state.qr[link] = null;
    qrSvg(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((s) => { state.qr[link] = s; render(); }, () => {});
  }
  const vars = { amount: tokenAmount(o), token: o.token, chain: chainName(o.chainId) };
  const input = h('input', { id: 'tx-hash', name: 'txHash', type: 'text', autocomplete: 'off', spellcheck: false, placeholder: '0x…', 'data-focus': 'tx-hash',
    value: state.txDraft, oninput: (e) => { state.txDraft = e.target.value; } });
  return h('section', { 'aria-labelledby': 'mobile-heading' },
    h('h2', { id: 'mobile-heading', text: t('mobile.heading') }),
    h('p', { text: t('mobile.hint') }),
    svg ? h('img', { class: 'qr', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: t('mobile.qrAlt', vars), width: 180, height: 180 }) : null,
    h('p', {}, h('a', { href: link, id: 'eip681', text: t('mobile.open') })),
    h('form', { class: 'txform', onsubmit: (e) => { e.preventDefault(); run(submitHash, o, input.value.trim()); } },
      h('label', { for: 'tx-hash', text: t('mobile.txHash') }), input,
      h('button', { type: 'submit', class: 'secondary', disabled: !!state.busy, 'data-focus': 'tx-submit', text: t('mobile.submit') })));
}

// ---- actions --------------------------------------------------------------------------------------

function select(option) {
  set({ selected: keyOf(option), problem: null });
}

async function connect(wallet) {
  set({ busy: t('step.connect'), problem: null });
  try {
    const accounts = await wallet.provider.request({ method: 'eth_requestAccounts' });
    const chainId = parseInt(await wallet.provider.request({ method: 'eth_chainId' }), 16);
    if (wallet.provider.on) {
      wallet.provider.on('chainChanged', (id) => { state.walletChainId = parseInt(id, 16); readBalances(); });
      wallet.provider.on('accountsChanged', (list) => { state.account = list[0] || null; readBalances(); });
    }
    set({ wallet, account: accounts[0] || null, walletChainId: chainId, busy: null });
    readBalances();
  } catch (e) {
    set({ busy: null, problem: explain(e, null) });
  }
}

async function readBalances() {
  if (!state.wallet || !state.account) return;
  const provider = state.wallet.provider;
  const balances = {};
  await Promise.all(state.options.map(async (o) => {
    if (o.chainId !== state.walletChainId) { balances[keyOf(o)] = { otherChain: true, balance: null }; return; }
    try {
      const hex = o.tokenAddress
        ? await provider.request({ method: 'eth_call', params: [{ to: o.tokenAddress, data: erc20BalanceOf(state.account) }, 'latest'] })
        : await provider.request({ method: 'eth_getBalance', params: [state.account, 'latest'] });
      balances[keyOf(o)] = { otherChain: false, balance: BigInt(hex && hex !== '0x' ? hex : 0) };
    } catch (e) {
      balances[keyOf(o)] = { otherChain: false, balance: null };
    }
  }));
  set({ balances });
}

async function run(flow, option, ...args) {
  if (state.busy) return;
  set({ problem: null });
  try {
    await flow(option, ...args);
  } catch (e) {
    state.problem = explain(e, option);
  }
  set({ busy: null });
}

function step(key, vars) {
  set({ busy: t(key, vars) });
}

async function ensureChain(option) {
  const provider = state.wallet.provider;
  const current = parseInt(await provider.request({ method: 'eth_chainId' }), 16);
  if (current === option.chainId) return;
  step('step.switchChain', { chain: chainName(option.chainId) });
  try {
    await provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: toHex(option.chainId) }] });
  } catch (e) {
    if (isUserRejection(e)) throw e;
    throw Object.assign(new Error(e.message), { reasonKey: 'reason.chain_switch_failed' });
  }
  state.walletChainId = option.chainId;
}

/** The shop may have named the paying wallet; another one is refused before anything is signed or sent. */
function checkPayer() {
  const payer = state.checkout.payer;
  if (payer && !sameAddress(payer, state.account)) {
    throw Object.assign(new Error('wrong payer'), {
      reasonKey: 'reason.wrong_payer_preset', vars: { payer: shortAddress(payer), address: shortAddress(state.account) },
    });
  }
}

function checkAffordable(option) {
  const b = state.balances[keyOf(option)];
  if (b && !b.otherChain && b.balance !== null && b.balance < BigInt(option.amount)) {
    throw Object.assign(new Error('balance'), { reasonKey: 'reason.cannot_afford' });
  }
}

async function payTransfer(option) {
  checkPayer();
  checkAffordable(option);
  const provider = state.wallet.provider;
  await ensureChain(option);
  if (!state.checkout.payer) {
    const challenge = await api.challenge(state.account, option.chainId);
    step('step.signIn');
    const signature = await provider.request({ method: 'personal_sign', params: [utf8ToHex(challenge.message), state.account] });
    await api.bindPayer(challenge.message, signature);
    state.checkout.payer = state.account;
  }
  step('step.send');
  const tx = option.tokenAddress
    ? { from: state.account, to: option.tokenAddress, data: erc20Transfer(option.recipient, option.amount) }
    : { from: state.account, to: option.recipient, value: toHex(option.amount) };
  const hash = await provider.request({ method: 'eth_sendTransaction', params: [tx] });
  await submitHash(option, hash);
}

async function submitHash(option, hash) {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash || '')) throw new ApiError(400, 'invalid_tx_hash');
  state.txHash = hash;
  step('step.submitting');
  watcher.push(await api.submitPayment(option.chainId, option.token, hash));
}

async function payGasless(option) {
  checkPayer();
  checkAffordable(option);
  const provider = state.wallet.provider;
  await ensureChain(option);
  const fresh = await api.options(state.account);
  const offer = (fresh.paymentOptions.find((o) => keyOf(o) === keyOf(option)) || {}).gasless;
  if (!offer || !offer.typedData) throw new ApiError(503, 'relayer_unavailable');
  step('step.signAuthorization');
  const signature = await provider.request({ method: 'eth_signTypedData_v4', params: [state.account, JSON.stringify(offer.typedData)] });
  step('step.submitting');
  watcher.push(await api.submitAuthorization(option.chainId, option.token, offer.typedData.message, signature));
}

// ---- status ---------------------------------------------------------------------------------------

let redirectTimer = null;
function onStatus(status) {
  const before = state.status && state.status.status;
  set({ status });
  if (status.status === before) return;
  const detail = { checkoutId, status: status.status, statusReason: status.statusReason || null,
    txHash: (status.payment && status.payment.txHash) || state.txHash || null };
  if (status.status === 'paid') {
    embed.post('tollgate:checkout-paid', detail);
    if (!embed.framed && state.checkout.successUrl && !redirectTimer) {
      redirectTimer = setTimeout(() => location.assign(state.checkout.successUrl), 3000);
    }
  } else if (status.status === 'failed' || status.status === 'reversed') {
    embed.post('tollgate:checkout-failed', detail);
  } else if (status.status === 'expired' || status.status === 'canceled') {
    embed.post('tollgate:checkout-expired', detail);
  }
  if (isFinal(status) && expiryTimer) clearInterval(expiryTimer);
}

// ---- start ----------------------------------------------------------------------------------------

async function start() {
  render();
  if (!api) {
    embed.post('tollgate:checkout-failed', { checkoutId, status: null, statusReason: 'invalid_link' });
    return;
  }
  discoverWallets((wallets) => { state.wallets = wallets; if (state.checkout) render(); });
  try {
    const answer = await api.options();
    state.checkout = answer.checkout;
    state.options = answer.paymentOptions;
    state.selected = state.options.length === 1 ? keyOf(state.options[0]) : null;
    render();
    performance.mark('tollgate:first-render');
  } catch (e) {
    set({ problem: e instanceof ApiError && t.has(`reason.${e.code}`) ? t(`reason.${e.code}`) : t('page.loadFailed', { detail: e.code || e.message }) });
    return;
  }
  watcher = watchStatus(api, onStatus);
  expiryTimer = setInterval(() => {
    const el = document.getElementById('expiry');
    if (el) el.textContent = expiryText();
  }, 1000);
}

start();
