// The buyer API of one checkout, authorised by its client secret (header X-Client-Secret).
export class ApiError extends Error {
  constructor(status, code, message, detail) {
    super(detail || message || code);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export function buyerApi(checkoutId, secret) {
  const base = `/v1/checkouts/${encodeURIComponent(checkoutId)}`;
  async function call(method, path, body) {
    let response;
    try {
      response = await fetch(base + path, {
        method,
        headers: { 'X-Client-Secret': secret, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'network_error', String(e && e.message));
    }
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!response.ok) {
      const error = (json && json.error) || {};
      throw new ApiError(response.status, error.code || `http_${response.status}`, error.message, error.detail);
    }
    return json;
  }
  return {
    base,
    secret,
    options: (payer) => call('GET', '/payment-options' + (payer ? `?payer=${encodeURIComponent(payer)}` : '')),
    status: () => call('GET', '/status'),
    challenge: (address, chainId) => call('POST', '/challenge', { address, chainId }),
    bindPayer: (message, signature) => call('POST', '/payer', { message, signature }),
    submitPayment: (chainId, token, txHash) => call('POST', '/payments', { chainId, token, txHash }),
    submitAuthorization: (chainId, token, authorization, signature) =>
      call('POST', '/authorizations', { chainId, token, authorization, signature }),
  };
}
