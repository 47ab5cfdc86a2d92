package io.tollgate.signature;

import io.tollgate.chain.Hex;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.RpcException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.chain.RpcUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * {@link SignatureVerifier} over {@link EthRpc}.
 *
 * <p>Over 300 lines because the checks that need no chain come first, then one dispatch by what
 * the chain says the signer is (an ordinary account, an EIP-7702 delegate, a counterfactual
 * ERC-6492 wallet, an ERC-1271 contract with its permissive probe): that order is the security
 * argument, and it reads in one place.
 */
final class ChainSignatureVerifier implements SignatureVerifier {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final String ZERO_ADDRESS = "0x" + "0".repeat(40);
  private static final String BLOCK = "latest";
  /** Outcomes no other chain can change: they come from the bytes alone. */
  private static final Set<InvalidReason> CHAIN_INDEPENDENT = Set.of(
      InvalidReason.MALFORMED_ADDRESS, InvalidReason.MALFORMED_SIGNATURE,
      InvalidReason.MALLEABLE_SIGNATURE, InvalidReason.SAFE_STATIC_SIGNATURE);

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final VerifierSettings settings;
  private final ResultCache cache;

  ChainSignatureVerifier(Vertx vertx, WorkerExecutor workers, VerifierSettings settings) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.workers = workers;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.cache = settings.cacheSize() > 0
        ? new ResultCache(settings.cacheSize(), settings.cacheTtl(), settings.clock()) : null;
  }

  /** Input that passed the checks needing no chain. */
  private record Checked(String signer, Digest digest, byte[] signature, Erc6492.Wrapped wrapped) {}

  @Override
  public Future<SignatureCheck> verify(SignatureRequest request, EthRpc chain) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(chain, "chain");
    Object precheck = precheck(request);
    if (precheck instanceof SignatureCheck.Invalid invalid) return Future.succeededFuture(invalid);
    Checked input = (Checked) precheck;
    return bounded(chain.call("eth_getCode", new JsonArray().add(input.signer()).add(BLOCK)))
        .compose(result -> {
          byte[] code = result instanceof String hex ? Hex.decodeOrNull(hex) : null;
          if (code == null) return Future.failedFuture(new NodeTrouble("eth_getCode answered " + result));
          return withCode(input, chain, code);
        })
        .recover(ChainSignatureVerifier::unavailableIfChainFailed);
  }

  @Override
  public Future<SignatureCheck> verify(SignatureRequest request, EthRpc chain, byte[] signerCode) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(signerCode, "signerCode");
    Object precheck = precheck(request);
    if (precheck instanceof SignatureCheck.Invalid invalid) return Future.succeededFuture(invalid);
    return withCode((Checked) precheck, chain, signerCode).recover(ChainSignatureVerifier::unavailableIfChainFailed);
  }

  private Future<SignatureCheck> withCode(Checked input, EthRpc chain, byte[] code) {
    WalletCode walletCode = WalletCode.of(code);
    ResultCache.Key key = new ResultCache.Key(input.signer(), input.digest().hex(),
        Hex.encode(input.signature()), chain.chainId(), walletCode.codeHash());
    SignatureCheck cached = cache == null ? null : cache.get(key);
    if (cached != null) return Future.succeededFuture(cached);
    return byWalletKind(input, chain, walletCode).onSuccess(check -> {
      if (cache != null) cache.put(key, check);
    });
  }

  @Override
  public Future<SignatureCheck> verifyOnFirstChain(SignatureRequest request, List<EthRpc> chains) {
    if (chains.isEmpty()) return Future.failedFuture(new IllegalArgumentException("at least one chain is needed"));
    List<EthRpc> distinct = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (EthRpc chain : chains) {
      if (seen.add(chain.chainId())) distinct.add(chain);
    }
    return tryChain(request, distinct, 0, null, null);
  }

  private Future<SignatureCheck> tryChain(SignatureRequest request, List<EthRpc> chains, int index,
      SignatureCheck.Invalid firstInvalid, SignatureCheck.Unavailable firstUnavailable) {
    if (index == chains.size()) {
      return Future.succeededFuture(firstUnavailable != null ? firstUnavailable : firstInvalid);
    }
    return verify(request, chains.get(index)).compose(check -> {
      if (check instanceof SignatureCheck.Valid) return Future.succeededFuture(check);
      if (check instanceof SignatureCheck.Invalid invalid && CHAIN_INDEPENDENT.contains(invalid.reason())) {
        return Future.succeededFuture(check);
      }
      return tryChain(request, chains, index + 1,
          firstInvalid == null && check instanceof SignatureCheck.Invalid i ? i : firstInvalid,
          firstUnavailable == null && check instanceof SignatureCheck.Unavailable u ? u : firstUnavailable);
    });
  }

  // ---- checks that need no chain -------------------------------------------------------------

  private Object precheck(SignatureRequest request) {
    String signer = request.signer();
    if (!ADDRESS.matcher(signer).matches()) {
      return invalid(InvalidReason.MALFORMED_ADDRESS, "an address is 0x followed by 40 hex digits");
    }
    String lower = signer.toLowerCase(Locale.ROOT);
    boolean mixedCase = !signer.substring(2).equals(lower.substring(2))
        && !signer.substring(2).equals(signer.substring(2).toUpperCase(Locale.ROOT));
    if (mixedCase && !Keys.toChecksumAddress(lower).equals(signer)) {
      return invalid(InvalidReason.MALFORMED_ADDRESS, "mixed-case address with a wrong EIP-55 checksum");
    }
    if (lower.equals(ZERO_ADDRESS)) return invalid(InvalidReason.MALFORMED_ADDRESS, "the zero address signs nothing");

    String text = request.signature();
    if (text.length() > 2 + 2L * settings.maxSignatureBytes()) {
      return invalid(InvalidReason.MALFORMED_SIGNATURE, "longer than " + settings.maxSignatureBytes() + " bytes");
    }
    byte[] signature = Hex.decodeOrNull(text);
    if (signature == null) return invalid(InvalidReason.MALFORMED_SIGNATURE, "not 0x-prefixed hex of whole bytes");
    if (signature.length == 0) return invalid(InvalidReason.MALFORMED_SIGNATURE, "empty");
    if (Ecdsa.isSafeStaticShape(signature)) return safeStatic();

    Erc6492.Wrapped wrapped = null;
    if (Erc6492.hasMagic(signature)) {
      wrapped = Erc6492.unwrapOrNull(signature);
      if (wrapped == null) {
        return invalid(InvalidReason.MALFORMED_SIGNATURE, "ERC-6492 wrapper is not abi.encode(address, bytes, bytes)");
      }
      if (wrapped.innerSignature().length == 0) {
        return invalid(InvalidReason.MALFORMED_SIGNATURE, "ERC-6492 wrapper holds an empty signature");
      }
      if (Ecdsa.isSafeStaticShape(wrapped.innerSignature())) return safeStatic();
    }
    return new Checked(lower, request.digest(), signature, wrapped);
  }

  // ---- dispatch by what the chain says the signer is -----------------------------------------

  private Future<SignatureCheck> byWalletKind(Checked input, EthRpc chain, WalletCode code) {
    if (input.wrapped() != null) return erc6492(input, chain, code);
    return switch (code.kind()) {
      case EOA -> {
        if (input.signature().length != Ecdsa.LENGTH) {
          yield Future.succeededFuture(invalid(InvalidReason.MALFORMED_SIGNATURE,
              "an account without code signs with 65-byte ECDSA, got " + input.signature().length + " bytes"));
        }
        yield ecdsa(input, code, chain.chainId());
      }
      case DELEGATED -> delegated(input, chain, code);
      case CONTRACT, COUNTERFACTUAL -> erc1271(input.signer(), input.digest().hashUnsafe(), input.signature(), chain, false)
          .map(answer -> answer.toCheck(VerificationMethod.ERC1271, chain.chainId(), code));
    };
  }

  private Future<SignatureCheck> ecdsa(Checked input, WalletCode code, long chainId) {
    Ecdsa.Shape shape = Ecdsa.parse(input.signature());
    if (shape.parsed() == null) return Future.succeededFuture(invalid(shape.problem(), shape.detail()));
    byte[] hash = input.digest().hashUnsafe();
    Future<String> signer = Ecdsa.recoveredLately(hash, shape.parsed())
        .map(lately -> Future.succeededFuture(lately.signer()))
        .orElseGet(() -> offLoop(() -> Ecdsa.recover(hash, shape.parsed())));
    return signer.map(recovered -> input.signer().equals(recovered)
        ? new SignatureCheck.Valid(VerificationMethod.ECDSA, chainId, code)
        : invalid(InvalidReason.WRONG_SIGNER, "recovered " + recovered));
  }

  /**
   * EIP-7702: the EOA's key still signs for it, so ECDSA first; then the delegate's ERC-1271 with
   * the plain digest; then with its EIP-712 envelope, which is what MetaMask's smart account has
   * the key sign in 7702 mode.
   */
  private Future<SignatureCheck> delegated(Checked input, EthRpc chain, WalletCode code) {
    long chainId = chain.chainId();
    boolean ecdsaShaped = input.signature().length == Ecdsa.LENGTH;
    Future<SignatureCheck> keyCheck = ecdsaShaped
        ? ecdsa(input, code, chainId)
        : Future.succeededFuture(invalid(InvalidReason.MALFORMED_SIGNATURE, "not a 65-byte ECDSA signature"));
    return keyCheck.compose(byKey -> {
      if (byKey.isValid()) return Future.succeededFuture(byKey);
      // The key is the account's root of trust: a malleated copy of its signature stays refused
      // whatever the delegate would say.
      if (byKey instanceof SignatureCheck.Invalid i && i.reason() == InvalidReason.MALLEABLE_SIGNATURE) {
        return Future.succeededFuture(byKey);
      }
      byte[] hash = input.digest().hashUnsafe();
      return erc1271(input.signer(), hash, input.signature(), chain, true).compose(plain -> {
        if (plain.valid() || plain.permissive() || plain.domainSeparator() == null) {
          return Future.succeededFuture(finalFor7702(plain, byKey, VerificationMethod.ERC1271, chainId, code));
        }
        byte[] envelope = Digest.envelope(plain.domainSeparator(), hash);
        return erc1271(input.signer(), envelope, input.signature(), chain, false)
            .map(wrapped -> finalFor7702(wrapped, byKey, VerificationMethod.EIP7702_ENVELOPE, chainId, code));
      });
    });
  }

  private static SignatureCheck finalFor7702(Erc1271Answer answer, SignatureCheck byKey,
      VerificationMethod method, long chainId, WalletCode code) {
    SignatureCheck check = answer.toCheck(method, chainId, code);
    // Both the key and the delegate said no: when the bytes were a sound ECDSA signature by
    // another key, "wrong signer" tells the buyer more than "wallet rejected".
    if (!check.isValid() && !answer.permissive() && byKey instanceof SignatureCheck.Invalid i
        && i.reason() == InvalidReason.WRONG_SIGNER) {
      return byKey;
    }
    return check;
  }

  /** The delegate's or wallet's answers: the zero-signature probe, the real call, and optionally DOMAIN_SEPARATOR(). */
  private record Erc1271Answer(boolean permissive, boolean valid, String detail, byte[] domainSeparator) {
    SignatureCheck toCheck(VerificationMethod method, long chainId, WalletCode code) {
      if (permissive) return invalid(InvalidReason.PERMISSIVE_WALLET, "isValidSignature accepts an all-zero signature");
      if (valid) return new SignatureCheck.Valid(method, chainId, code);
      return invalid(InvalidReason.WALLET_REJECTED, detail);
    }
  }

  /**
   * One batch: the permissiveness probe (an all-zero 65-byte signature for the same hash), the
   * real call and, for a 7702 account, {@code DOMAIN_SEPARATOR()}. Only the exact ABI-encoded
   * magic counts; a revert or out-of-gas is a refusal, a node-side error is {@link NodeTrouble}.
   */
  private Future<Erc1271Answer> erc1271(String wallet, byte[] hash, byte[] signature, EthRpc chain,
      boolean withDomainSeparator) {
    List<RpcRequest> calls = new ArrayList<>(3);
    long gas = settings.erc1271Gas();
    calls.add(ethCall(ContractCalls.call(wallet, ContractCalls.isValidSignature(hash, ContractCalls.ZERO_SIGNATURE), gas)));
    calls.add(ethCall(ContractCalls.call(wallet, ContractCalls.isValidSignature(hash, signature), gas)));
    if (withDomainSeparator) calls.add(ethCall(ContractCalls.call(wallet, ContractCalls.DOMAIN_SEPARATOR_CALL, gas)));
    return bounded(chain.batch(calls)).map(responses -> {
      RpcResponse probe = responses.get(0);
      RpcResponse real = responses.get(1);
      throwIfNodeTrouble(probe);
      throwIfNodeTrouble(real);
      boolean permissive = !probe.isError() && ContractCalls.isMagic(probe.result());
      boolean valid = !real.isError() && ContractCalls.isMagic(real.result());
      byte[] domainSeparator = null;
      if (withDomainSeparator && !responses.get(2).isError() && responses.get(2).result() instanceof String ds) {
        byte[] bytes = Hex.decodeOrNull(ds);
        if (bytes != null && bytes.length == 32) domainSeparator = bytes;
      }
      String detail = real.isError()
          ? "isValidSignature failed: " + real.error().getMessage()
          : "isValidSignature answered " + Texts.abbreviate(String.valueOf(real.result()));
      return new Erc1271Answer(permissive, valid, detail, domainSeparator);
    });
  }

  /**
   * ERC-6492 through the universal validator, deployless. The probe re-wraps the same factory
   * call around an all-zero signature: a counterfactual wallet that accepts it is permissive too.
   */
  private Future<SignatureCheck> erc6492(Checked input, EthRpc chain, WalletCode code) {
    byte[] hash = input.digest().hashUnsafe();
    Erc6492.Wrapped wrapped = input.wrapped();
    byte[] probeSignature = Erc6492.wrap(
        new Erc6492.Wrapped(wrapped.factory(), wrapped.factoryCalldata(), ContractCalls.ZERO_SIGNATURE));
    long gas = settings.erc6492Gas();
    List<RpcRequest> calls = List.of(
        ethCall(ContractCalls.call(null, ContractCalls.universalValidation(input.signer(), hash, probeSignature), gas)),
        ethCall(ContractCalls.call(null, ContractCalls.universalValidation(input.signer(), hash, input.signature()), gas)));
    WalletCode reported = code.kind() == WalletCode.Kind.EOA ? code.asCounterfactual() : code;
    return bounded(chain.batch(calls)).map(responses -> {
      RpcResponse probe = responses.get(0);
      RpcResponse real = responses.get(1);
      throwIfNodeTrouble(probe);
      throwIfNodeTrouble(real);
      if (!probe.isError() && "0x01".equals(probe.result())) {
        return invalid(InvalidReason.PERMISSIVE_WALLET, "the counterfactual wallet accepts an all-zero signature");
      }
      if (real.isError()) {
        Object data = real.error().data();
        if (data instanceof String revert && revert.toLowerCase(Locale.ROOT).startsWith(ContractCalls.DEPLOY_FAILED_SELECTOR)) {
          return invalid(InvalidReason.COUNTERFACTUAL_DEPLOY_FAILED, "the factory call left no code at " + input.signer());
        }
        return invalid(InvalidReason.WALLET_REJECTED, "universal validator failed: " + real.error().getMessage());
      }
      return "0x01".equals(real.result())
          ? new SignatureCheck.Valid(VerificationMethod.ERC6492, chain.chainId(), reported)
          : invalid(InvalidReason.WALLET_REJECTED, "universal validator answered " + Texts.abbreviate(String.valueOf(real.result())));
    });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private static RpcRequest ethCall(io.vertx.core.json.JsonObject call) {
    return new RpcRequest("eth_call", new JsonArray().add(call).add(BLOCK));
  }

  private <T> Future<T> offLoop(Callable<T> job) {
    return workers != null ? workers.executeBlocking(job, false) : vertx.executeBlocking(job, false);
  }

  /** Each JSON-RPC round gets {@link VerifierSettings#callTimeout()}, whatever the client's own. */
  private <T> Future<T> bounded(Future<T> future) {
    Promise<T> promise = Promise.promise();
    long millis = Math.max(1, settings.callTimeout().toMillis());
    long timer = vertx.setTimer(millis, id -> promise.tryFail(new NodeTrouble("no answer within " + millis + " ms")));
    future.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        promise.tryComplete(result.result());
      } else {
        promise.tryFail(result.cause());
      }
    });
    return promise.future();
  }

  /**
   * eth_call errors that mean "the EVM ran and failed" (revert: 3; geth's -32000; anvil's -32603
   * "EVM error ...") are the wallet's answer. Anything else (bad request, method missing, rate
   * limit) says nothing about the signature.
   */
  private static void throwIfNodeTrouble(RpcResponse response) {
    if (!response.isError()) return;
    RpcException error = response.error();
    int code = error.code();
    String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    boolean evmFailure = code == 3 || code == -32000
        || (code == -32603 && (message.contains("evm") || message.contains("revert") || message.contains("gas")));
    if (!evmFailure) throw new NodeTrouble(error);
  }

  private static Future<SignatureCheck> unavailableIfChainFailed(Throwable failure) {
    if (failure instanceof NodeTrouble || failure instanceof RpcUnavailableException) {
      return Future.succeededFuture(new SignatureCheck.Unavailable(String.valueOf(failure.getMessage())));
    }
    // A node error for a whole call (eth_getCode, or a batch the client could not split) says
    // nothing about the signature either.
    if (failure instanceof RpcException e) {
      return Future.succeededFuture(new SignatureCheck.Unavailable("node error " + e.code() + ": " + e.getMessage()));
    }
    return Future.failedFuture(failure);
  }

  private static SignatureCheck.Invalid invalid(InvalidReason reason, String detail) {
    return new SignatureCheck.Invalid(reason, detail);
  }

  private static SignatureCheck.Invalid safeStatic() {
    return invalid(InvalidReason.SAFE_STATIC_SIGNATURE, "65 bytes with s = 0 and v 0 or 1: a Safe static signature proves nothing");
  }

  /** The chain answered something that is not about the signature; the check is retryable. */
  private static final class NodeTrouble extends RuntimeException {
    NodeTrouble(String message) {
      super(message, null, false, false);
    }

    NodeTrouble(RpcException cause) {
      super("node error " + cause.code() + ": " + cause.getMessage(), cause, false, false);
    }
  }
}
