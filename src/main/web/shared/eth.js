// The little Ethereum encoding the page needs, without a library: ERC-20 transfer and balanceOf
// calls, amounts in base units as decimal strings, EIP-681 payment links, UTF-8 to hex.
const pad = (hex) => hex.replace(/^0x/, '').toLowerCase().padStart(64, '0');
const word = (n) => BigInt(n).toString(16).padStart(64, '0');

export const toHex = (n) => '0x' + BigInt(n).toString(16);

export function erc20Transfer(to, amount) {
  return '0xa9059cbb' + pad(to) + word(amount);
}

export function erc20BalanceOf(owner) {
  return '0x70a08231' + pad(owner);
}

export function utf8ToHex(text) {
  return '0x' + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** "12500000" with 6 decimals → "12.5": every significant digit kept (the exact amount to pay). */
export function formatUnits(baseUnits, decimals) {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals) || '0';
  const fraction = decimals ? digits.slice(digits.length - decimals).replace(/0+$/, '') : '';
  return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
}

/** EIP-681: a link a phone wallet opens with the exact transfer filled in. */
export function eip681(option) {
  if (!option.tokenAddress) {
    return `ethereum:${option.recipient}@${option.chainId}?value=${option.amount}`;
  }
  return `ethereum:${option.tokenAddress}@${option.chainId}/transfer?address=${option.recipient}&uint256=${option.amount}`;
}

export const sameAddress = (a, b) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

export const shortAddress = (a) => (a && a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a || '');

// Networks' own names (the same in every language); any other chain is named by the page's text file.
const CHAINS = {
  1: 'Ethereum', 10: 'OP Mainnet', 56: 'BNB Chain', 137: 'Polygon', 8453: 'Base', 42161: 'Arbitrum One',
  11155111: 'Sepolia', 17000: 'Holesky', 560048: 'Hoodi', 84532: 'Base Sepolia', 11155420: 'OP Sepolia',
  421614: 'Arbitrum Sepolia', 80002: 'Polygon Amoy',
};

/** The network's name, or null when it has none here (a local or unknown chain). */
export const knownChainName = (chainId) => CHAINS[chainId] || null;
