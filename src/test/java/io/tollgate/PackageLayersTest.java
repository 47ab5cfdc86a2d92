package io.tollgate;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layers of docs/ARCHITECTURE.md, checked on the production classes: no package cycle,
 * and the dependencies the capabilities must not have. A failure names the offending classes and
 * the dependency; move the code or cut the dependency, do not loosen the rule.
 */
@AnalyzeClasses(packages = "io.tollgate", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageLayersTest {

  /** No cycle between top-level packages (a subpackage counts with its parent). */
  @ArchTest
  static final ArchRule topLevelPackagesAreFreeOfCycles =
      slices().matching("io.tollgate.(*)..").should().beFreeOfCycles();

  /** No cycle between any two packages, subpackages included (http and http.hotpath). */
  @ArchTest
  static final ArchRule everyPackageIsFreeOfCycles =
      slices().matching("io.tollgate.(**)").should().beFreeOfCycles();

  /** chain is chain access only: it knows nothing of ours but config, api and telemetry. */
  @ArchTest
  static final ArchRule chainDependsOnNothingOfOurs = classes().that().resideInAPackage("io.tollgate.chain..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(
          resideInAnyPackage("io.tollgate.chain..", "io.tollgate.config..", "io.tollgate.api..", "io.tollgate.telemetry..")));

  /** telemetry (the event log, request ids, log formats) is used by every capability and uses none. */
  @ArchTest
  static final ArchRule telemetryDependsOnNothingOfOurs = classes().that().resideInAPackage("io.tollgate.telemetry..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(resideInAPackage("io.tollgate.telemetry..")));

  /** Merchants are who pays whom on which chain: they know the chains and tokens, the database, nothing above. */
  @ArchTest
  static final ArchRule merchantDependsOnlyOnChainAndBelow = classes().that().resideInAPackage("io.tollgate.merchant..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(resideInAnyPackage(
          "io.tollgate.merchant..", "io.tollgate.chain..", "io.tollgate.db..", "io.tollgate.config..", "io.tollgate.api..")));

  /** Checkouts know nothing of how they get paid or told about. */
  @ArchTest
  static final ArchRule checkoutDoesNotKnowPaymentsOrWebhooks = noClasses().that().resideInAPackage("io.tollgate.checkout..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.payment..", "io.tollgate.watch..",
          "io.tollgate.webhook..", "io.tollgate.inbound..", "io.tollgate.payer..", "io.tollgate.http..");

  /** Payment rules and the ledger know nothing of the watcher that feeds them, webhooks or HTTP. */
  @ArchTest
  static final ArchRule paymentDoesNotKnowItsCallers = noClasses().that().resideInAPackage("io.tollgate.payment..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.watch..", "io.tollgate.webhook..",
          "io.tollgate.inbound..", "io.tollgate.payer..", "io.tollgate.http..");

  /** Webhooks out never depend on webhooks in (inbound uses the outgoing side's signature primitives). */
  @ArchTest
  static final ArchRule outgoingWebhooksDoNotKnowInbound = noClasses().that().resideInAPackage("io.tollgate.webhook..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.inbound..", "io.tollgate.payment..",
          "io.tollgate.watch..", "io.tollgate.http..");

  /** The chain's signature checks know nothing of checkouts or payments. */
  @ArchTest
  static final ArchRule signatureDependsOnlyOnChain = classes().that().resideInAPackage("io.tollgate.signature..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(
          resideInAnyPackage("io.tollgate.signature..", "io.tollgate.chain..", "io.tollgate.config..", "io.tollgate.api..")));

  /** The relayer sends what it is given: it knows chains, settings, the database and the bus, nothing of payments. */
  @ArchTest
  static final ArchRule relayDependsOnlyOnTheBottom = classes().that().resideInAPackage("io.tollgate.relay..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(
          resideInAnyPackage("io.tollgate.relay..", "io.tollgate.chain..", "io.tollgate.config..", "io.tollgate.db..",
              "io.tollgate.eventbus..", "io.tollgate.api..")));

  /** HTTP is an adapter: only the composition root (with its command line, cli) and development mode wire it. */
  @ArchTest
  static final ArchRule onlyTheRootDependsOnHttp = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.cli..", "io.tollgate.dev..", "io.tollgate.http..")
      .should().dependOnClassesThat().resideInAPackage("io.tollgate.http..");

  /** The watcher and the inbound intake are wired by the composition root only (and reached over HTTP). */
  @ArchTest
  static final ArchRule onlyTheRootWiresWatcherAndInbound = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.cli..", "io.tollgate.dev..", "io.tollgate.http..",
          "io.tollgate.watch..", "io.tollgate.inbound..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.watch..", "io.tollgate.inbound..");

  /** What a shop does with its checkouts' money (refunds, accept-late, recovery) goes through the ledger's tables, not its callers. */
  @ArchTest
  static final ArchRule shopDoesNotKnowTheWatcherOrWebhooks = noClasses().that().resideInAPackage("io.tollgate.shop..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.watch..", "io.tollgate.webhook..",
          "io.tollgate.inbound..", "io.tollgate.http..", "io.tollgate.payment..", "io.tollgate.payer..");

  /** Gasless intake is an edge like payer binding: wired by the root, reached over HTTP, never used by the ledger or the watcher. */
  @ArchTest
  static final ArchRule onlyTheRootAndHttpUseGasless = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.http..", "io.tollgate.gasless..", "io.tollgate.x402..")
      .should().dependOnClassesThat().resideInAPackage("io.tollgate.gasless..");

  /**
   * The x402 facilitator is an edge over the relayer and the signature verifier: it reuses the
   * gasless EIP-3009 pieces and knows merchants (its callers), never checkouts, the ledger, the
   * watcher or webhooks; only the root and HTTP use it.
   */
  @ArchTest
  static final ArchRule x402DependsOnItsFoundationsOnly = classes().that().resideInAPackage("io.tollgate.x402..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(resideInAnyPackage("io.tollgate.x402..",
          "io.tollgate.gasless..", "io.tollgate.relay..", "io.tollgate.signature..", "io.tollgate.merchant..",
          "io.tollgate.chain..", "io.tollgate.config..", "io.tollgate.api..", "io.tollgate.eventbus..")));

  /** Webhooks implement the facilitator's settlement listener, as they implement the checkout transition log's. */
  @ArchTest
  static final ArchRule onlyTheRootAndHttpUseX402 = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.cli..", "io.tollgate.http..", "io.tollgate.x402..",
          "io.tollgate.webhook..")
      .should().dependOnClassesThat().resideInAPackage("io.tollgate.x402..");

  /** Gasless payments reach the ledger only through its submission message, never the watcher, webhooks or HTTP. */
  @ArchTest
  static final ArchRule gaslessDoesNotKnowItsCallers = noClasses().that().resideInAPackage("io.tollgate.gasless..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.watch..", "io.tollgate.webhook..",
          "io.tollgate.inbound..", "io.tollgate.payer..", "io.tollgate.http..");

  /** Live status streams are an HTTP adapter over the status cache: they know checkouts and the poll's access rules, nothing of payments. */
  @ArchTest
  static final ArchRule eventStreamsDependOnlyOnTheStatusPath = classes().that().resideInAPackage("io.tollgate.http.events..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(resideInAnyPackage(
          "io.tollgate.http.events..", "io.tollgate.http.hotpath..", "io.tollgate.checkout..", "io.tollgate.config..",
          "io.tollgate.api..")));

  /** The browser apps are served, not reasoned about: web knows nothing of ours but the wire contract (api). */
  @ArchTest
  static final ArchRule webDependsOnlyOnTheWireContract = classes().that().resideInAPackage("io.tollgate.web..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(
          resideInAnyPackage("io.tollgate.web..", "io.tollgate.api..")));

  /** Development mode is started by the composition root, never used by a capability. */
  @ArchTest
  static final ArchRule onlyTheRootDependsOnDev = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.cli..", "io.tollgate.dev..")
      .should().dependOnClassesThat().resideInAPackage("io.tollgate.dev..");

  /**
   * The console's reads are scoped by a merchant and look at the relayer; they know nothing of HTTP
   * (their adapter), the watcher, payments or webhooks, and nothing but the composition root and HTTP uses them.
   */
  @ArchTest
  static final ArchRule consoleReadsOnlyMerchantsAndTheRelayer = classes().that().resideInAPackage("io.tollgate.console..")
      .should().onlyDependOnClassesThat(not(resideInAPackage("io.tollgate..")).or(resideInAnyPackage(
          "io.tollgate.console..", "io.tollgate.api..", "io.tollgate.merchant..", "io.tollgate.relay..")));

  @ArchTest
  static final ArchRule onlyTheRootAndHttpUseTheConsole = noClasses()
      .that().resideOutsideOfPackages("io.tollgate", "io.tollgate.http..", "io.tollgate.console..")
      .should().dependOnClassesThat().resideInAPackage("io.tollgate.console..");

  /** The shared contracts at the bottom depend on nothing of ours (api, config) or only on each other. */
  @ArchTest
  static final ArchRule bottomLayerStaysAtTheBottom = noClasses()
      .that().resideInAnyPackage("io.tollgate.api..", "io.tollgate.config..", "io.tollgate.db..", "io.tollgate.eventbus..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.chain..", "io.tollgate.watch..",
          "io.tollgate.payment..", "io.tollgate.checkout..", "io.tollgate.webhook..", "io.tollgate.inbound..",
          "io.tollgate.http..", "io.tollgate.payer..", "io.tollgate.signature..", "io.tollgate.merchant..",
          "io.tollgate.ratelimit..", "io.tollgate.pricing..", "io.tollgate.dev..", "io.tollgate.cli..",
          "io.tollgate.relay..", "io.tollgate.console..", "io.tollgate.x402..");
}
