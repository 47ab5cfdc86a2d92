package io.tollgate.cli;

/** The help of each command, printed by {@code --help} (stdout, exit 0). */
final class Help {
  private Help() {}

  static final String TOP = """
      Tollgate: verifies crypto payments on-chain for ticket shops.

      usage: tollgate [serve]                 run the service for a deployment (the default)
             tollgate dev                     run it for development: embedded PostgreSQL, local anvil,
                                              demo merchant (never for real money)
             tollgate merchant create|list|show|update ...
                                              merchants and their payment methods
             tollgate key create|list|rotate|revoke ...
                                              a merchant's API keys (test or live)
             tollgate healthcheck             exit 0 if the instance on this host is ready (containers)
             tollgate [COMMAND] --help        help of a command
             tollgate --version

      Settings: conf/tollgate.properties (another file with -Dtollgate.config=FILE), each key
      overridden by an environment variable TOLLGATE_<KEY> (upper case, '.' and '-' as '_').
      Exit codes: 0 done, 1 could not start or run, 2 wrong command line.
      """;

  static final String HEALTHCHECK = """
      usage: tollgate healthcheck

      Asks the instance running on this host (http://127.0.0.1:<http.port>/health/ready) whether it
      is ready and exits 0 if it is, 1 if not or if it does not answer within 3 seconds. For a
      container's health check, where no curl is installed.
      """;

  static final String SERVE = """
      usage: tollgate serve      (also what runs with no command)

      Runs Tollgate for a deployment. Starts nothing embedded and relaxes no webhook rule: it
      refuses to start, listing every missing or invalid setting, unless these are set:
        database.url                 postgresql://user:password@host:5432/database
        secrets.client-secret-key    base64 of >= 32 random bytes, the same on every instance
        secrets.webhook-keys         <id>:<base64 of 32 random bytes>[,...] (secrets.webhook-active-key)
        chains                       chain ids to watch, and for each:
          chain.<id>.rpc-urls        http(s) JSON-RPC endpoints
          chain.<id>.tokens          accepted symbols (USDC, USDT0, ETH are known on public chains;
                                     others need chain.<id>.token.<SYMBOL>.address or .native=true)
        webhooks.inbound.<v>.*       per variant listed in webhooks.inbound.variants: provider,
                                     secrets, merchant (an existing merchant's uuid; checked at start)
      Optional: redis.url (rate limits shared by instances), admin.token-sha256, and the rest of
      conf/tollgate.properties. Each key can be set as TOLLGATE_<KEY>, e.g. TOLLGATE_DATABASE_URL.
      """;

  static final String DEV = """
      usage: tollgate dev

      Runs Tollgate for development, filling in what is not configured: an embedded PostgreSQL
      (no database.url), a local anvil chain 31337 with a demo USDC (no chains), random secrets,
      http:// and private webhook targets allowed. Creates a demo merchant accepting every
      configured chain's tokens and prints what it set up, with a curl walkthrough to a paid
      checkout when it runs the local anvil. Never for real money: keys change on every start.
      Needs Node.js packages from `npm install` (mvn runs it) for anvil.
      """;

  static final String MERCHANT = """
      usage: tollgate merchant create --name NAME --method CHAIN_ID:TOKEN:0xRECIPIENT [--method ...]
                                      [--payer-binding required|optional] [--mode test|live]
                                      [--allowed-origins https://shop.example,...]
             tollgate merchant list
             tollgate merchant show --merchant ID
             tollgate merchant update --merchant ID [--name NAME] [--payer-binding required|optional]
                                      [--add-method CHAIN_ID:TOKEN:0xRECIPIENT ...] [--remove-method CHAIN_ID:TOKEN ...]
                                      [--tolerance-stablecoin-bps N] [--tolerance-native-bps N] [--overpayments accept|refuse]
                                      [--allowed-origins https://shop.example,...]

      Operator commands against database.url (TOLLGATE_DATABASE_URL); running instances pick up
      changes at once. Payment methods must name a chain in `chains` and a token configured on it;
      a mixed-case recipient must pass its EIP-55 checksum. --add-method replaces the recipient of
      a method the merchant already has. Amount rules (create and update): a shortfall up to
      --tolerance-stablecoin-bps (default 0) or --tolerance-native-bps (default 50 = 0.5 %) basis
      points of the quote pays; --overpayments refuse fails an over-paid checkout instead of paying
      it with the excess refundable (accept, the default). They apply to checkouts created after
      the change. --allowed-origins lists the shop pages that may show the hosted payment page in
      an iframe (replacing the list; "" clears it). See tollgate merchant create --help.
      """;

  static final String MERCHANT_CREATE = """
      usage: tollgate merchant create --name NAME --method CHAIN_ID:TOKEN:0xRECIPIENT [--method ...]
                                      [--payer-binding required|optional] [--mode test|live]
                                      [--tolerance-stablecoin-bps N] [--tolerance-native-bps N] [--overpayments accept|refuse]

      Creates a merchant in database.url (TOLLGATE_DATABASE_URL; migrating its schema first) and
      prints its id and a first API key. The key is shown once: only its hash is stored.
      The key is a test key (tg_test_...) when every method is on a test network (chain.<id>.testnet;
      anvil, Sepolia, Base Sepolia... by default), a live key (tg_live_...) when none is; mixed
      methods need --mode. More keys: tollgate key create.
      --payer-binding: required (default) counts a direct transfer only for a checkout whose paying
      wallet is bound (signed in, or preset by the shop). optional lets unbound checkouts take any
      transfer of their amount: unsafe whenever two checkouts can have the same amount and recipient.
      Example: tollgate merchant create --name "My shop" --method 8453:USDC:0xYourAddress
      """;

  static final String KEY = """
      usage: tollgate key create --merchant ID --mode test|live [--scope all|facilitator]
             tollgate key list   --merchant ID
             tollgate key rotate --merchant ID --key KEY_ID [--overlap 24h]
             tollgate key revoke --merchant ID --key KEY_ID

      A merchant's API keys, against database.url (TOLLGATE_DATABASE_URL). create prints the key
      once (only its hash is stored); list shows each key's prefix, mode, status, creation and last
      use. rotate prints a new key and keeps the old one working for the overlap (90s, 15m, 24h,
      7d; at most 30d; 0 stops it at once). revoke stops a key at once on every running instance.
      Test keys (tg_test_) work only on test networks, live keys (tg_live_) only on the others.
      A key of scope facilitator may call the x402 facilitator (/x402/...) only: give it to a
      resource server.
      """;
}
