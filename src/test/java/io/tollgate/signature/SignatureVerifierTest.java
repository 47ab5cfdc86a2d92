package io.tollgate.signature;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.EthRpc;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * The verifier against a real anvil (Prague): every wallet kind, and every refusal, through
 * {@link SignatureVerifier#verify}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignatureVerifierTest {
  private static final long CHAIN_ID = 31337;

  private Vertx vertx;
  private AnvilProcess anvil;
  private TestChain chain;
  private AnvilRpc rpc;
  private SignatureVerifier verifier;
  private String factory;
  private String permissive;
  private String sloppy;
  private String envelopeDelegate;

  @BeforeAll
  void startChain() {
    vertx = Vertx.vertx();
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), CHAIN_ID);
    chain = new TestChain(anvil.rpcUrl(), CHAIN_ID);
    rpc = new AnvilRpc(vertx, anvil.rpcUrl(), CHAIN_ID);
    verifier = SignatureVerifier.create(vertx, VerifierSettings.defaults().withCacheSize(0));
    factory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
    permissive = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("PermissiveWallet"), List.of());
    sloppy = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("SloppyMagicWallet"), List.of());
    envelopeDelegate = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("EnvelopeDelegate"), List.of());
  }

  @AfterAll
  void stopChain() throws Exception {
    if (anvil != null) anvil.close();
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  private SignatureCheck verify(SignatureRequest request) {
    return verify(request, rpc);
  }

  private SignatureCheck verify(SignatureRequest request, EthRpc on) {
    try {
      return verifier.verify(request, on).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Digest message(String text) {
    return Digest.personalSign(text);
  }

  private static void assertInvalid(SignatureCheck check, InvalidReason reason) {
    assertThat(check).isInstanceOf(SignatureCheck.Invalid.class);
    assertThat(((SignatureCheck.Invalid) check).reason()).as(check.toString()).isEqualTo(reason);
  }

  private static SignatureCheck.Valid assertValid(SignatureCheck check, VerificationMethod method, WalletCode.Kind kind) {
    assertThat(check).as(check.toString()).isInstanceOf(SignatureCheck.Valid.class);
    SignatureCheck.Valid valid = (SignatureCheck.Valid) check;
    assertThat(valid.method()).isEqualTo(method);
    assertThat(valid.code().kind()).isEqualTo(kind);
    return valid;
  }

  // ---- EOA -----------------------------------------------------------------------------------

  @Nested
  class Eoa {
    @Test
    void shouldAcceptPersonalSignByTheAccountKey() {
      Credentials buyer = chain.newFundedAccount();
      Digest digest = message("Pay 12.50 USD for chk_1");
      SignatureCheck check = verify(SignatureRequest.of(buyer.getAddress(), digest, TestSigner.sign(digest.hash(), buyer.getEcKeyPair())));
      SignatureCheck.Valid valid = assertValid(check, VerificationMethod.ECDSA, WalletCode.Kind.EOA);
      assertThat(valid.chainId()).isEqualTo(CHAIN_ID);
      assertThat(valid.code().prefix()).isEqualTo("0x");
    }

    @Test
    void shouldAcceptRecoveryIdZeroOrOneAndAChecksummedSigner() {
      Credentials buyer = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
      Digest digest = message("v as 0/1");
      byte[] signature = TestSigner.sign(digest.hash(), buyer.getEcKeyPair());
      signature[64] -= 27;
      String checksummed = org.web3j.crypto.Keys.toChecksumAddress(buyer.getAddress());
      assertValid(verify(SignatureRequest.of(checksummed, digest, signature)), VerificationMethod.ECDSA, WalletCode.Kind.EOA);
    }

    @Test
    void shouldAcceptEip712TypedDataSignatures() throws Exception {
      Credentials buyer = chain.newFundedAccount();
      String typed = """
          {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"chainId","type":"uint256"}],
           "Bind":[{"name":"checkout","type":"string"}]},
           "primaryType":"Bind","domain":{"name":"Tollgate","chainId":31337},"message":{"checkout":"chk_9"}}""";
      Sign.SignatureData sig = Sign.signTypedData(typed, buyer.getEcKeyPair());
      byte[] signature = TestSigner.concat(sig.getR(), sig.getS(), sig.getV());
      assertValid(verify(SignatureRequest.of(buyer.getAddress(), Digest.eip712Json(typed), signature)),
          VerificationMethod.ECDSA, WalletCode.Kind.EOA);
    }

    @Test
    void shouldRefuseASignatureByAnotherKeyAsWrongSigner() {
      Credentials buyer = chain.newFundedAccount();
      Credentials other = chain.newFundedAccount();
      Digest digest = message("Pay 12.50 USD for chk_2");
      SignatureCheck check = verify(SignatureRequest.of(buyer.getAddress(), digest, TestSigner.sign(digest.hash(), other.getEcKeyPair())));
      assertInvalid(check, InvalidReason.WRONG_SIGNER);
      assertThat(((SignatureCheck.Invalid) check).detail()).contains(other.getAddress().toLowerCase());
    }

    @Test
    void shouldRefuseASignatureOverAnAlteredMessage() {
      Credentials buyer = chain.newFundedAccount();
      byte[] signature = TestSigner.sign(message("Pay 12.50 USD for chk_3").hash(), buyer.getEcKeyPair());
      assertInvalid(verify(SignatureRequest.of(buyer.getAddress(), message("Pay 1.50 USD for chk_3"), signature)),
          InvalidReason.WRONG_SIGNER);
    }

    @Test
    void shouldRefuseTheMalleatedHighSTwinOfAValidSignature() {
      Credentials buyer = chain.newFundedAccount();
      Digest digest = message("malleable");
      byte[] low = TestSigner.sign(digest.hash(), buyer.getEcKeyPair());
      byte[] high = TestSigner.highS(low);
      // the twin really recovers the same key: only the low-s rule refuses it
      Sign.SignatureData twin = new Sign.SignatureData(high[64], java.util.Arrays.copyOfRange(high, 0, 32),
          java.util.Arrays.copyOfRange(high, 32, 64));
      assertThat(recoverUnchecked(digest.hash(), twin)).isEqualTo(buyer.getAddress().toLowerCase());
      assertInvalid(verify(SignatureRequest.of(buyer.getAddress(), digest, high)), InvalidReason.MALLEABLE_SIGNATURE);
    }

    @Test
    void shouldRefuseANonEcdsaLengthFromAnAccountWithoutCode() {
      Credentials buyer = chain.newFundedAccount();
      Digest digest = message("compact");
      byte[] signature = java.util.Arrays.copyOf(TestSigner.sign(digest.hash(), buyer.getEcKeyPair()), 64);
      assertInvalid(verify(SignatureRequest.of(buyer.getAddress(), digest, signature)), InvalidReason.MALFORMED_SIGNATURE);
    }
  }

  private static String recoverUnchecked(byte[] hash, Sign.SignatureData sig) {
    try {
      return "0x" + org.web3j.crypto.Keys.getAddress(Sign.signedMessageHashToKey(hash, sig));
    } catch (java.security.SignatureException e) {
      throw new AssertionError(e);
    }
  }

  // ---- refusals before any chain call ---------------------------------------------------------

  @Nested
  class Static {
    @ParameterizedTest
    @ValueSource(strings = {"00", "1"})
    void shouldRefuseSafeStaticShapesWithoutCallingTheChain(String v) {
      String signature = "0x" + "00".repeat(12) + permissive.substring(2) + "00".repeat(32) + (v.length() == 1 ? "0" + v : v);
      AnvilRpc counting = new AnvilRpc(vertx, anvil.rpcUrl(), CHAIN_ID);
      // a permissive contract would say yes to anything: the shape must be refused before asking it
      assertInvalid(verify(new SignatureRequest(permissive, message("x"), signature), counting), InvalidReason.SAFE_STATIC_SIGNATURE);
      assertThat(counting.requests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "0x", "1234", "0x123", "0xzz", "0X" + "11", "0x 1234",
        // 65 bytes with v = 29
        "0x1111111111111111111111111111111111111111111111111111111111111111"
            + "2222222222222222222222222222222222222222222222222222222222222222" + "1d",
        // 65 bytes with r = 0
        "0x0000000000000000000000000000000000000000000000000000000000000000"
            + "2222222222222222222222222222222222222222222222222222222222222222" + "1b",
    })
    void shouldRefuseMalformedSignatures(String signature) {
      Credentials buyer = chain.newFundedAccount();
      assertInvalid(verify(new SignatureRequest(buyer.getAddress(), message("x"), signature)), InvalidReason.MALFORMED_SIGNATURE);
    }

    @Test
    void shouldRefuseASignatureLongerThanTheCapWithoutCallingTheChain() {
      AnvilRpc counting = new AnvilRpc(vertx, anvil.rpcUrl(), CHAIN_ID);
      String huge = "0x" + "ab".repeat(16 * 1024 + 1);
      assertInvalid(verify(new SignatureRequest(permissive, message("x"), huge), counting), InvalidReason.MALFORMED_SIGNATURE);
      assertThat(counting.requests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0x1234", "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226g",
        "0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266", // mixed case, checksum wrong
        "0x0000000000000000000000000000000000000000"})
    void shouldRefuseMalformedSignerAddresses(String signer) {
      assertInvalid(verify(new SignatureRequest(signer, message("x"), "0x" + "11".repeat(65))), InvalidReason.MALFORMED_ADDRESS);
    }
  }

  // ---- ERC-1271 ------------------------------------------------------------------------------

  private String deployWallet(Credentials owner, String salt) {
    chain.awaitReceipt(chain.send(TestChain.DEPLOYER, factory, BigInteger.ZERO, createWalletCall(owner, salt), BigInteger.valueOf(2_000_000)));
    return predictWallet(owner, salt);
  }

  private String createWalletCall(Credentials owner, String salt) {
    return TestChain.encode("createWallet", new Address(owner.getAddress()), new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))));
  }

  private String predictWallet(Credentials owner, String salt) {
    String word = (String) chain.rpc("eth_call", new io.vertx.core.json.JsonObject().put("to", factory)
        .put("data", TestChain.encode("walletAddress", new Address(owner.getAddress()),
            new Bytes32(Hash.sha3(salt.getBytes(StandardCharsets.UTF_8))))), "latest");
    return "0x" + word.substring(word.length() - 40);
  }

  private String code(String address) {
    return (String) chain.rpc("eth_getCode", address, "latest");
  }

  @Nested
  class Erc1271 {
    @Test
    void shouldAcceptTheOwnerKeyOfADeployedSmartWallet() {
      Credentials owner = chain.newFundedAccount();
      String wallet = deployWallet(owner, "deployed-1");
      Digest digest = message("Pay 40 USD for chk_10");
      byte[] signature = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), owner.getEcKeyPair());
      SignatureCheck.Valid valid = assertValid(verify(SignatureRequest.of(wallet, digest, signature)),
          VerificationMethod.ERC1271, WalletCode.Kind.CONTRACT);
      assertThat(valid.code().codeHash()).isEqualTo(Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(code(wallet)))));
    }

    @Test
    void shouldReportAWalletThatRefusesTheSignature() {
      Credentials owner = chain.newFundedAccount();
      Credentials thief = chain.newFundedAccount();
      String wallet = deployWallet(owner, "deployed-2");
      Digest digest = message("Pay 40 USD for chk_11");
      byte[] signature = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), thief.getEcKeyPair());
      assertInvalid(verify(SignatureRequest.of(wallet, digest, signature)), InvalidReason.WALLET_REJECTED);
    }

    @Test
    void shouldRefuseAWalletWhoseSignatureWasMadeForAnotherMessage() {
      Credentials owner = chain.newFundedAccount();
      String wallet = deployWallet(owner, "deployed-3");
      byte[] signature = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, message("Pay 40 USD").hash()), owner.getEcKeyPair());
      assertInvalid(verify(SignatureRequest.of(wallet, message("Pay 4 USD"), signature)), InvalidReason.WALLET_REJECTED);
    }

    @Test
    void shouldRefuseAPermissiveContractThatAcceptsAnAllZeroSignature() {
      Credentials anyone = chain.newFundedAccount();
      Digest digest = message("anything");
      assertInvalid(verify(SignatureRequest.of(permissive, digest, TestSigner.sign(digest.hash(), anyone.getEcKeyPair()))),
          InvalidReason.PERMISSIVE_WALLET);
    }

    @Test
    void shouldCountOnlyTheExactlyEncodedMagicValue() {
      byte[] signature = new byte[65];
      signature[0] = 0x01; // SloppyMagicWallet "accepts" this one, with dirty low-order bytes
      signature[64] = 27;
      assertInvalid(verify(SignatureRequest.of(sloppy, message("x"), signature)), InvalidReason.WALLET_REJECTED);
    }
  }

  // ---- ERC-6492 ------------------------------------------------------------------------------

  private byte[] wrap(String walletFactory, String calldata, byte[] inner) {
    return Erc6492.wrap(new Erc6492.Wrapped(walletFactory, Numeric.hexStringToByteArray(calldata), inner));
  }

  @Nested
  class Erc6492Counterfactual {
    @Test
    void shouldAcceptAnUndeployedWalletWithoutDeployingItThenTheSameWalletOnceDeployed() {
      Credentials owner = chain.newFundedAccount();
      String wallet = predictWallet(owner, "counterfactual-1");
      assertThat(code(wallet)).isEqualTo("0x");
      Digest digest = message("Pay 9 USD for chk_20");
      byte[] inner = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), owner.getEcKeyPair());
      byte[] wrapped = wrap(factory, createWalletCall(owner, "counterfactual-1"), inner);

      assertValid(verify(SignatureRequest.of(wallet, digest, wrapped)), VerificationMethod.ERC6492, WalletCode.Kind.COUNTERFACTUAL);
      assertThat(code(wallet)).as("eth_call must not deploy").isEqualTo("0x");

      deployWallet(owner, "counterfactual-1");
      assertValid(verify(SignatureRequest.of(wallet, digest, wrapped)), VerificationMethod.ERC6492, WalletCode.Kind.CONTRACT);
      assertValid(verify(SignatureRequest.of(wallet, digest, inner)), VerificationMethod.ERC1271, WalletCode.Kind.CONTRACT);
    }

    @Test
    void shouldRefuseACounterfactualSignatureByAnotherKey() {
      Credentials owner = chain.newFundedAccount();
      Credentials thief = chain.newFundedAccount();
      String wallet = predictWallet(owner, "counterfactual-2");
      Digest digest = message("Pay 9 USD for chk_21");
      byte[] inner = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), thief.getEcKeyPair());
      assertInvalid(verify(SignatureRequest.of(wallet, digest, wrap(factory, createWalletCall(owner, "counterfactual-2"), inner))),
          InvalidReason.WALLET_REJECTED);
    }

    @Test
    void shouldRefuseAFactoryCallThatDeploysSomewhereElse() {
      Credentials owner = chain.newFundedAccount();
      String wallet = predictWallet(owner, "counterfactual-3");
      Digest digest = message("Pay 9 USD for chk_22");
      byte[] inner = TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), owner.getEcKeyPair());
      byte[] wrapped = wrap(factory, createWalletCall(owner, "another-salt"), inner);
      assertInvalid(verify(SignatureRequest.of(wallet, digest, wrapped)), InvalidReason.COUNTERFACTUAL_DEPLOY_FAILED);
    }

    @Test
    void shouldRefuseAPermissiveCounterfactualWallet() {
      // "factory" = the permissive contract itself, already deployed at the signer: the zero probe says yes
      byte[] wrapped = wrap(permissive, "0x", new byte[] {1, 2, 3});
      assertInvalid(verify(SignatureRequest.of(permissive, message("x"), wrapped)), InvalidReason.PERMISSIVE_WALLET);
    }

    @Test
    void shouldRefuseAnUndecodableWrapper() {
      byte[] garbage = TestSigner.concat(new byte[40], Erc6492.MAGIC);
      assertInvalid(verify(SignatureRequest.of(permissive, message("x"), garbage)), InvalidReason.MALFORMED_SIGNATURE);
    }
  }

  // ---- EIP-7702 ------------------------------------------------------------------------------

  @Nested
  class Eip7702 {
    @Test
    void shouldAcceptTheKeyThePlainDelegateAndTheEnvelopeOfARealTypeFourDelegation() {
      Credentials eoa = chain.newFundedAccount();
      Credentials sponsor = chain.newFundedAccount();
      TestSigner.delegate(chain, sponsor, eoa, envelopeDelegate);
      assertThat(code(eoa.getAddress())).isEqualTo("0xef0100" + envelopeDelegate.substring(2));

      Digest digest = message("Pay 15 USD for chk_30");
      SignatureCheck.Valid byKey = assertValid(
          verify(SignatureRequest.of(eoa.getAddress(), digest, TestSigner.sign(digest.hash(), eoa.getEcKeyPair()))),
          VerificationMethod.ECDSA, WalletCode.Kind.DELEGATED);
      assertThat(byKey.code().delegate()).contains(envelopeDelegate);
      assertThat(byKey.code().prefix()).isEqualTo("0xef0100" + envelopeDelegate.substring(2));

      byte[] domainSeparator = Numeric.hexStringToByteArray((String) chain.rpc("eth_call",
          new io.vertx.core.json.JsonObject().put("to", eoa.getAddress()).put("data", ContractCalls.DOMAIN_SEPARATOR_CALL), "latest"));
      byte[] envelopeSignature = TestSigner.sign(Digest.envelope(domainSeparator, digest.hash()), eoa.getEcKeyPair());
      assertValid(verify(SignatureRequest.of(eoa.getAddress(), digest, envelopeSignature)),
          VerificationMethod.EIP7702_ENVELOPE, WalletCode.Kind.DELEGATED);
    }

    @Test
    void shouldRefuseAnEnvelopeSignedByAnotherKeyAsWrongSigner() {
      Credentials eoa = chain.newFundedAccount();
      Credentials other = chain.newFundedAccount();
      TestSigner.delegate(chain, chain.newFundedAccount(), eoa, envelopeDelegate);
      Digest digest = message("Pay 15 USD for chk_31");
      byte[] domainSeparator = Numeric.hexStringToByteArray((String) chain.rpc("eth_call",
          new io.vertx.core.json.JsonObject().put("to", eoa.getAddress()).put("data", ContractCalls.DOMAIN_SEPARATOR_CALL), "latest"));
      byte[] signature = TestSigner.sign(Digest.envelope(domainSeparator, digest.hash()), other.getEcKeyPair());
      assertInvalid(verify(SignatureRequest.of(eoa.getAddress(), digest, signature)), InvalidReason.WRONG_SIGNER);
    }

    @Test
    void shouldNoticeAReDelegationThroughTheCodePrefix() {
      Credentials eoa = chain.newFundedAccount();
      TestSigner.delegate(chain, chain.newFundedAccount(), eoa, envelopeDelegate);
      Digest digest = message("Pay 15 USD for chk_32");
      byte[] signature = TestSigner.sign(digest.hash(), eoa.getEcKeyPair());
      SignatureCheck.Valid atBinding = assertValid(verify(SignatureRequest.of(eoa.getAddress(), digest, signature)),
          VerificationMethod.ECDSA, WalletCode.Kind.DELEGATED);

      TestSigner.delegate(chain, chain.newFundedAccount(), eoa, permissive);
      SignatureCheck atSettlement = verify(SignatureRequest.of(eoa.getAddress(), digest, signature));
      SignatureCheck.Valid later = assertValid(atSettlement, VerificationMethod.ECDSA, WalletCode.Kind.DELEGATED);
      assertThat(later.code().delegate()).contains(permissive);
      assertThat(atBinding.code().permits(later.code())).isFalse();
      assertThat(atBinding.code().permits(atBinding.code())).isTrue();
    }

    @Test
    void shouldRefuseTheHighSTwinEvenWhenTheDelegateMightAcceptIt() {
      Credentials eoa = chain.newFundedAccount();
      TestSigner.delegate(chain, chain.newFundedAccount(), eoa, permissive);
      Digest digest = message("x");
      byte[] high = TestSigner.highS(TestSigner.sign(digest.hash(), eoa.getEcKeyPair()));
      assertInvalid(verify(SignatureRequest.of(eoa.getAddress(), digest, high)), InvalidReason.MALLEABLE_SIGNATURE);
    }
  }

  // ---- chain trouble, cache, wrong-chain fallback --------------------------------------------

  @Test
  void shouldReportAnUnreachableChainAsUnavailableNotInvalid() {
    AnvilRpc down = new AnvilRpc(vertx, "http://127.0.0.1:1", CHAIN_ID);
    Credentials buyer = chain.newFundedAccount();
    Digest digest = message("x");
    SignatureCheck check = verify(SignatureRequest.of(buyer.getAddress(), digest, TestSigner.sign(digest.hash(), buyer.getEcKeyPair())), down);
    assertThat(check).isInstanceOf(SignatureCheck.Unavailable.class);
  }

  @Test
  void shouldServeARepeatedContractCheckFromTheCacheUntilTheCodeChanges() {
    SignatureVerifier cached = SignatureVerifier.create(vertx, VerifierSettings.defaults().withCacheSize(100));
    AnvilRpc counting = new AnvilRpc(vertx, anvil.rpcUrl(), CHAIN_ID);
    Credentials owner = chain.newFundedAccount();
    String wallet = deployWallet(owner, "cached-1");
    Digest digest = message("cache me");
    SignatureRequest request = SignatureRequest.of(wallet, digest,
        TestSigner.sign(TestSigner.walletHash(wallet, CHAIN_ID, digest.hash()), owner.getEcKeyPair()));

    assertThat(cached.verify(request, counting).await().isValid()).isTrue();
    int firstRound = counting.requests();
    assertThat(cached.verify(request, counting).await().isValid()).isTrue();
    assertThat(counting.requests() - firstRound).as("a hit costs only eth_getCode").isEqualTo(1);

    chain.rpc("anvil_setCode", wallet, ContractArtifact.load("PermissiveWallet").deployedBytecode());
    assertInvalid(cached.verify(request, counting).await(), InvalidReason.PERMISSIVE_WALLET);
  }

  @Test
  void shouldTryTheSigningChainThenThePaymentChainThenMainnetAndSayWhichValidated() {
    try (AnvilProcess mainnet = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 1)) {
      TestChain one = new TestChain(mainnet.rpcUrl(), 1);
      AnvilRpc mainnetRpc = new AnvilRpc(vertx, mainnet.rpcUrl(), 1);
      // same deployer key and nonce on both chains: the wallet lives at the same address on both
      Credentials deployer = chain.newFundedAccount();
      one.rpc("anvil_setBalance", deployer.getAddress(), "0x56bc75e2d63100000");
      Credentials owner = chain.newFundedAccount();
      String here = chain.deploy(deployer, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
      String there = one.deploy(deployer, ContractArtifact.load("TestOwnerWallet"), List.of(new Address(owner.getAddress())));
      assertThat(there).isEqualTo(here);

      Digest digest = message("Pay 5 USD for chk_40 on chain 31337");
      // the wallet app was connected to mainnet and signed its replay-safe hash for chain 1
      SignatureRequest request = SignatureRequest.of(here, digest,
          TestSigner.sign(TestSigner.walletHash(here, 1, digest.hash()), owner.getEcKeyPair()));

      assertInvalid(verify(request, rpc), InvalidReason.WALLET_REJECTED);
      SignatureCheck check = verifier.verifyOnFirstChain(request, List.of(rpc, rpc, mainnetRpc)).await();
      SignatureCheck.Valid valid = assertValid(check, VerificationMethod.ERC1271, WalletCode.Kind.CONTRACT);
      assertThat(valid.chainId()).isEqualTo(1);
      assertThat(SignatureVerifier.fallbackChainIds(null, 31337)).containsExactly(31337L, 1L);
      assertThat(SignatureVerifier.fallbackChainIds(8453L, 31337)).containsExactly(8453L, 31337L, 1L);
    }
  }

  @Test
  void shouldVerifyASignedSiweChallengeEndToEnd() {
    Credentials buyer = chain.newFundedAccount();
    SiweMessage issued = SiweMessage.builder().domain("shop.example.com").address(buyer.getAddress())
        .statement("Pay 12.50 USD for checkout chk_50").uri("https://shop.example.com/checkouts/chk_50")
        .chainId(CHAIN_ID).nonce(SiweMessages.newNonce()).issuedAt(Instant.now()).validFor(Duration.ofMinutes(10))
        .requestId("chk_50").build();
    String text = SiweMessages.format(issued);
    String signature = Numeric.toHexString(TestSigner.concat(
        Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), buyer.getEcKeyPair()).getR(),
        Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), buyer.getEcKeyPair()).getS(),
        Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), buyer.getEcKeyPair()).getV()));
    assertThat(SiweMessages.check(text, issued, "shop.example.com", Instant.now())).isEmpty();
    assertValid(verify(SignatureRequest.forSiwe(SiweMessages.parse(text), signature)), VerificationMethod.ECDSA, WalletCode.Kind.EOA);
  }
}
