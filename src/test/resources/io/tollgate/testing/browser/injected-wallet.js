// A test wallet injected into every frame before the page's own scripts (CDP
// Page.addScriptToEvaluateOnNewDocument). It behaves as an EIP-1193 provider announced through
// EIP-6963 (and as window.ethereum), and forwards signing and sending to a real anvil whose dev
// accounts are unlocked, so anvil signs. `__WALLET_CONFIG__` is replaced by the Java side:
// { rpcUrl, account, chainId (hex), name, rdns, uuid, reject: [methods the "user" refuses] }.
(() => {
  const config = __WALLET_CONFIG__;
  if (window.__testWallet) return;
  const listeners = {};
  const calls = [];
  let connected = false;
  let rpcId = 1;
  const error = (code, message) => Object.assign(new Error(message), { code });
  async function rpc(method, params) {
    const response = await fetch(config.rpcUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params: params || [] }),
    });
    const body = await response.json();
    if (body.error) throw error(body.error.code || -32603, body.error.message || 'anvil refused');
    return body.result;
  }
  const provider = {
    isTestWallet: true,
    async request({ method, params }) {
      calls.push({ method, params: params || [] });
      if ((config.reject || []).includes(method)) throw error(4001, 'User rejected the request.');
      switch (method) {
        case 'eth_requestAccounts':
          connected = true;
          emit('connect', { chainId: config.chainId });
          return [config.account];
        case 'eth_accounts':
          return connected ? [config.account] : [];
        case 'eth_chainId':
          return config.chainId;
        case 'net_version':
          return String(parseInt(config.chainId, 16));
        case 'wallet_switchEthereumChain':
          if (params && params[0] && params[0].chainId.toLowerCase() === config.chainId.toLowerCase()) return null;
          throw error(4902, 'Unrecognized chain ID.');
        case 'personal_sign':
        case 'eth_signTypedData_v4':
        case 'eth_sendTransaction':
        default:
          return rpc(method, params);
      }
    },
    on(event, listener) { (listeners[event] = listeners[event] || []).push(listener); return provider; },
    removeListener(event, listener) {
      listeners[event] = (listeners[event] || []).filter((l) => l !== listener);
      return provider;
    },
  };
  function emit(event, value) { (listeners[event] || []).forEach((l) => { try { l(value); } catch (e) { /* a listener's fault */ } }); }
  const info = Object.freeze({
    uuid: config.uuid,
    name: config.name,
    rdns: config.rdns,
    icon: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" width="32" height="32"%3E%3Crect width="32" height="32" rx="6" fill="%23345"/%3E%3C/svg%3E',
  });
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
  window.ethereum = provider;
  window.__testWallet = { calls, config };
})();
