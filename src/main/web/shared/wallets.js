// Browser wallets: every wallet that announces itself through EIP-6963, and an injected
// window.ethereum that did not (older wallets), each as { id, name, icon, provider } (EIP-1193);
// name is null when the wallet gives none (the page names it from its text file).
export function discoverWallets(onChange) {
  const wallets = new Map();
  const add = (id, info, provider) => {
    if (!provider || typeof provider.request !== 'function' || wallets.has(id)) return;
    if ([...wallets.values()].some((w) => w.provider === provider)) return;
    wallets.set(id, { id, name: info.name || null, icon: info.icon || null, provider });
    onChange([...wallets.values()]);
  };
  window.addEventListener('eip6963:announceProvider', (event) => {
    const detail = event.detail || {};
    const info = detail.info || {};
    add(info.uuid || info.rdns || info.name, info, detail.provider);
  });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  // A legacy injected wallet, once the EIP-6963 ones had their chance to announce.
  setTimeout(() => {
    if (window.ethereum) add('injected', {}, window.ethereum);
    onChange([...wallets.values()]);
  }, 150);
}

/** EIP-1193 error codes a buyer causes, not a fault. */
export const USER_REJECTED = 4001;

export function isUserRejection(error) {
  return !!error && (error.code === USER_REJECTED || error.code === 'ACTION_REJECTED'
    || /user (rejected|denied)/i.test(String(error.message)));
}
