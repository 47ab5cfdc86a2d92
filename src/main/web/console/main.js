// The console's entry (bundled by esbuild, scripts/build/build-web.mjs): sign-in, then one page per hash route (#/checkouts, #/checkouts/<id>,
// #/live, #/webhooks, #/inbound, #/relayers, #/merchants). Routes hold ids, never the credential.
import './console.css';
import { ApiError, credential, get, signIn, signOut } from './api.js';
import { field, h, show } from './dom.js';
import { lang, t } from './i18n.js';
import { checkoutsPage, forgetSearch } from './views/checkouts.js';
import { detailPage } from './views/detail.js';
import { inboundPage } from './views/inbound.js';
import { livePage } from './views/live.js';
import { merchantsPage } from './views/merchants.js';
import { relayersPage } from './views/relayers.js';
import { webhooksPage } from './views/webhooks.js';

const app = document.getElementById('app');
let session = null;
let stopPage = null; // what the current page must stop when left (the live view's timer)

const PAGES = [
  { route: 'checkouts', label: 'nav.checkouts', roles: ['merchant', 'operator'], render: checkoutsPage },
  { route: 'live', label: 'nav.live', roles: ['merchant', 'operator'], render: livePage },
  { route: 'webhooks', label: 'nav.webhooks', roles: ['merchant', 'operator'], render: webhooksPage },
  { route: 'inbound', label: 'nav.inbound', roles: ['operator'], render: inboundPage },
  { route: 'relayers', label: 'nav.relayers', roles: ['operator'], render: relayersPage },
  { route: 'merchants', label: 'nav.merchants', roles: ['operator'], render: merchantsPage },
];

document.documentElement.lang = lang;
document.title = t('app.title');

async function start() {
  if (!credential()) return signInPage();
  try {
    session = await get('/v1/session');
  } catch (e) {
    signOut();
    return signInPage(e instanceof ApiError && e.status !== 0 ? t('error.signedOut') : t('error.network'));
  }
  route();
}

function signInPage(message) {
  const input = h('input', { type: 'password', name: 'credential', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message || '');
  const form = h('form', { class: 'signin', onsubmit: async (event) => {
    event.preventDefault();
    signIn(input.value.trim());
    try {
      session = await get('/v1/session');
    } catch (e) {
      signOut();
      show(status, e.status === 403 ? t('signin.operatorOff') : t('signin.refused', { message: e.message }));
      input.focus();
      return;
    }
    if (!location.hash) history.replaceState(null, '', '#/checkouts');
    route();
  } },
  field('credential', t('signin.credential'), input),
  h('button', { type: 'submit' }, t('signin.submit')));
  show(app, h('main', { id: 'main' },
    h('h1', {}, t('app.title')), h('h2', {}, t('signin.heading')), h('p', {}, t('signin.intro')), status, form));
  input.focus();
}

window.addEventListener('hashchange', () => { if (session) route(); });

function route() {
  if (stopPage) stopPage();
  stopPage = null;
  const [name, id] = location.hash.replace(/^#\/?/, '').split('/');
  const pages = PAGES.filter((p) => p.roles.includes(session.role));
  const page = name === '' || name === undefined ? pages[0] : pages.find((p) => p.route === name);
  const main = h('main', { id: 'main', tabindex: '-1' });
  show(app, header(pages, page ? page.route : null), main);
  if (!page) {
    show(main, h('h1', {}, t('app.notFound')));
  } else if (page.route === 'checkouts' && id) {
    detailPage(main, session, decodeURIComponent(id));
  } else {
    const stop = page.render(main, session); // the live page returns its stop function; the others nothing (or a promise)
    stopPage = typeof stop === 'function' ? stop : null;
  }
  main.focus();
}

function header(pages, current) {
  const who = session.role === 'operator' ? t('app.signedInOperator')
    : t('app.signedInMerchant', { name: session.merchantName, mode: session.mode });
  return h('header', {},
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } },
      t('app.skip')),
    h('p', { class: 'brand' }, t('app.title')),
    h('p', { class: 'who', id: 'who' }, who),
    h('button', { type: 'button', class: 'secondary', onclick: () => {
      if (stopPage) stopPage();
      stopPage = null;
      signOut();
      forgetSearch();
      session = null;
      history.replaceState(null, '', location.pathname);
      signInPage();
    } },
      t('app.signOut')),
    h('nav', { 'aria-label': t('nav.label') }, h('ul', {}, pages.map((p) => h('li', {},
      h('a', { href: `#/${p.route}`, 'aria-current': p.route === current ? 'page' : null }, t(p.label)))))));
}

start();
