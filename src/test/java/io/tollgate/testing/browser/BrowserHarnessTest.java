package io.tollgate.testing.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.AnvilProcess;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * The harness itself: a page finds the injected wallet through EIP-6963, connects, and gets a
 * personal_sign signature that anvil made for its unlocked account (recovered here to that
 * account); axe-core finds a known violation; screenshots are written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserHarnessTest {
  private AnvilProcess anvil;
  private Browser browser;
  private TestPageServer pages;

  @BeforeAll
  void start() {
    browser = Browser.start("harness");
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    pages = new TestPageServer("127.0.0.1");
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.close();
    if (anvil != null) anvil.close();
    if (pages != null) pages.close();
  }

  @Test
  void aPageDiscoversTheInjectedWalletAndAnvilSignsForIt() throws Exception {
    String account = InjectedWallet.anvilAccount(anvil.rpcUrl(), 3);
    browser.install(new InjectedWallet(anvil.rpcUrl(), account, 31337));
    browser.open(pages.page("/wallet.html", """
        <!doctype html><html lang="en"><head><title>wallet</title></head><body><main><p id="out">waiting</p></main>
        <script>
          const found = [];
          window.addEventListener('eip6963:announceProvider', e => found.push(e.detail));
          window.dispatchEvent(new Event('eip6963:requestProvider'));
          (async () => {
            const { info, provider } = found[0];
            const [address] = await provider.request({ method: 'eth_requestAccounts' });
            const chainId = await provider.request({ method: 'eth_chainId' });
            const signature = await provider.request({ method: 'personal_sign', params: ['0x68656c6c6f', address] });
            document.getElementById('out').textContent = [found.length, info.name, address, chainId, signature].join(' ');
          })().catch(e => { document.getElementById('out').textContent = 'error ' + e.message; });
        </script></body></html>"""));
    String[] out = browser.awaitTextContaining("#out", "0x7a69").split(" ");
    assertThat(out[0]).isEqualTo("1");
    assertThat(out[1] + " " + out[2]).isEqualTo("Test Wallet");
    assertThat(out[3]).isEqualToIgnoringCase(account);
    byte[] sig = org.web3j.utils.Numeric.hexStringToByteArray(out[5]);
    Sign.SignatureData data = new Sign.SignatureData(sig[64], java.util.Arrays.copyOfRange(sig, 0, 32),
        java.util.Arrays.copyOfRange(sig, 32, 64));
    String signer = "0x" + Keys.getAddress(Sign.signedPrefixedMessageToKey("hello".getBytes(), data));
    assertThat(signer).isEqualToIgnoringCase(account);
    assertThat(Files.size(browser.screenshot("wallet-signed"))).isPositive();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> calls = (List<Map<String, Object>>) browser.js("return window.__testWallet.calls");
    assertThat(calls).extracting(c -> c.get("method")).contains("eth_requestAccounts", "personal_sign");
  }

  @Test
  void axeReportsAnImageWithoutAlternativeText() {
    browser.open(pages.page("/axe.html", """
        <!doctype html><html lang="en"><head><title>axe</title></head><body><main>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"></main></body></html>"""));
    assertThat(browser.axeViolations("serious")).anyMatch(v -> v.startsWith("image-alt"));
  }
}
