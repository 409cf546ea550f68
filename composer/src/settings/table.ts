// Every environment variable Brokkr reads, one line each: the README tables are generated from
// this list (write-docs.ts) and a test fails when a variable is read anywhere else.
// Adding one: a line here, then `node composer/src/settings/write-docs.ts`.
import { homedir } from "node:os";
import { join } from "node:path";
import { choice, flag, hostList, int, optional, optionalInt, origin, type Setting, sha256, text, yesNo } from "./kinds.ts";
import { findRepository } from "./repository.ts";

// biome-ignore format: one line per setting
export const settingsTable = {
  // build: the CLI, the server and its build workers
  root: text("BROKKR_ROOT", { scope: "build", default: findRepository, shown: "the checkout the code runs from", description: "the folder holding the catalog (`kernel/`, `drivers/`, `ports/`, `systemd-units/`) and `examples/`" }),
  mirror: optional("BROKKR_MIRROR", { scope: "build", shown: "the one in your apt sources", description: "the Debian mirror" }),
  cacheDir: text("BROKKR_CACHE_DIR", { scope: "build", default: (env) => join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "brokkr"), shown: "`$XDG_CACHE_HOME/brokkr`, else `~/.cache/brokkr`", description: "the package cache" }),
  stateDir: text("BROKKR_STATE_DIR", { scope: "build", default: (env) => join(env["XDG_STATE_HOME"] || join(homedir(), ".local", "state"), "brokkr"), shown: "`$XDG_STATE_HOME/brokkr`, else `~/.local/state/brokkr`", description: "what must outlive the cache: the key that seals derived cache entries and the newest InRelease date seen per mirror and suite (never inside the cache)" }),
  allowExpiredRelease: yesNo("BROKKR_ALLOW_EXPIRED_RELEASE", { scope: "build", default: false, description: "`1` accepts an InRelease past its `Valid-Until` (for archived snapshots); otherwise the build fails with `feed.release-expired`" }),
  keyring: text("BROKKR_KEYRING", { scope: "build", default: "/usr/share/keyrings/debian-archive-keyring.gpg", description: "the keyring the archive's InRelease is checked against" }),
  sourceDateEpoch: optionalInt("SOURCE_DATE_EPOCH", { scope: "build", min: 1, max: 2 ** 53, shown: "the newest file date in the locked packages", description: "the file date for reproducible output" }),
  limineDir: text("BROKKR_LIMINE_DIR", { scope: "build", default: "/usr/share/limine", description: "Limine's release files for `boot.protocol: limine`" }),
  limineUrl: optional("BROKKR_LIMINE_URL", { scope: "build", description: "a Limine release tarball to download instead (needs `BROKKR_LIMINE_SHA256`)" }),
  limineSha256: sha256("BROKKR_LIMINE_SHA256", { scope: "build", description: "the sha256 the `BROKKR_LIMINE_URL` tarball must have" }),
  assetsDir: optional("BROKKR_ASSETS_DIR", { scope: "build", description: "where `branding.splash` BMPs are found by sha256: the server's `store/` or a folder of `<sha256>.bmp` files" }),
  // cli
  server: optional("BROKKR_SERVER", { scope: "cli", description: "the server `brokkr remote` talks to (`--server` wins)" }),
  token: optional("BROKKR_TOKEN", { scope: "cli", description: "the token `brokkr remote` sends as `Authorization: Bearer` (from `brokkr token create` on the server)" }),
  ci: flag("CI", { scope: "cli", description: "set (as CI systems do): plain progress lines instead of a live status line" }),
  // server
  port: int("PORT", { scope: "server", default: 3000, min: 0, max: 65535, description: "the HTTP port" }),
  host: optional("HOST", { scope: "server", shown: "`127.0.0.1` while no token exists, else `0.0.0.0`", description: "the address to listen on" }),
  publicUrl: origin("BROKKR_PUBLIC_URL", { scope: "server", description: "the origin browsers reach the server at (behind a proxy): its pages may send writes, and its host name is answered" }),
  allowedHosts: hostList("BROKKR_ALLOWED_HOSTS", { scope: "server", shown: "any name (when bound to loopback: writes only to `localhost` names)", description: "the host names answered (`*.lan` for every name under lan; IP addresses always are), against DNS rebinding; their origins may send writes" }),
  // server: the artifact store (web/lib/store); local `store/` under the data dir unless BROKKR_S3_ENDPOINT is set
  s3Endpoint: origin("BROKKR_S3_ENDPOINT", { scope: "server", description: "an S3 API (`http://127.0.0.1:8080`): artifacts go to its bucket instead of `store/` under the data dir" }),
  s3Bucket: text("BROKKR_S3_BUCKET", { scope: "server", default: "brokkr", description: "the bucket (created when missing)" }),
  s3Region: text("BROKKR_S3_REGION", { scope: "server", default: "us-east-1", description: "the region requests are signed for" }),
  s3AccessKeyId: optional("BROKKR_S3_ACCESS_KEY_ID", { scope: "server", description: "the S3 access key (needed with `BROKKR_S3_ENDPOINT`)" }),
  s3SecretAccessKey: optional("BROKKR_S3_SECRET_ACCESS_KEY", { scope: "server", description: "the S3 secret key (needed with `BROKKR_S3_ENDPOINT`)" }),
  s3PublicEndpoint: origin("BROKKR_S3_PUBLIC_ENDPOINT", { scope: "server", shown: "`BROKKR_S3_ENDPOINT`", description: "the S3 address clients and PXE guests reach, for presigned URLs, when it differs" }),
  s3Downloads: choice("BROKKR_S3_DOWNLOADS", { scope: "server", values: ["proxy", "redirect"] as const, default: "proxy", description: "`proxy`: the server streams downloads from S3 (with Range; for clients that don't follow redirects); `redirect`: a 302 to a presigned URL" }),
  dataDir: text("BROKKR_DATA_DIR", { scope: "server", default: (env): string => join(env["BROKKR_ROOT"] || findRepository(), ".brokkr", "data"), shown: "`<repo>/.brokkr/data`", description: "`pglite/` (database), `store/sha256/<hh>/<hash>` (artifacts), `staging/`" }),
  databaseUrl: optional("DATABASE_URL", { scope: "server", description: "`postgres://…`: a real PostgreSQL instead of the embedded PGlite" }),
  buildConcurrency: int("BROKKR_BUILD_CONCURRENCY", { scope: "server", default: 1, min: 1, max: 64, description: "builds at once; more requests wait in the queue" }),
  ui: flag("BROKKR_UI", { scope: "server", onUnless: "off", description: "`off`: API only" }),
  // server limits (README "Security model")
  queueMax: int("BROKKR_QUEUE_MAX", { scope: "server", default: 100, min: 1, max: 1_000_000, description: "builds queued or running at once, over all clients (then 429)" }),
  queuePerClient: int("BROKKR_QUEUE_PER_CLIENT", { scope: "server", default: 4, min: 1, max: 1_000_000, description: "builds queued or running at once for one client: its token, else its address (then 429)" }),
  writesPerMinute: int("BROKKR_WRITES_PER_MINUTE", { scope: "server", default: 60, min: 1, max: 1_000_000, description: "write requests (schematics, builds, uploads, cancels) per client per minute (then 429)" }),
  missesPerMinute: int("BROKKR_MISSES_PER_MINUTE", { scope: "server", default: 120, min: 1, max: 1_000_000, description: "requests answered 404 per client per minute (guessing ids); past it 429 without a database lookup" }),
  buildTimeoutSeconds: int("BROKKR_BUILD_TIMEOUT_SECONDS", { scope: "server", default: 1800, min: 10, max: 86_400, description: "wall time of one build; past it the build is killed (`build.time-limit`)" }),
  buildMemoryMb: int("BROKKR_BUILD_MEMORY_MB", { scope: "server", default: 4096, min: 64, max: 10_000_000, description: "resident memory of one build's whole process tree, polled; past it the build is killed (`build.memory-limit`)" }),
  buildMaxPackages: int("BROKKR_BUILD_MAX_PACKAGES", { scope: "server", default: 2000, min: 1, max: 1_000_000, description: "packages in one image (`build.too-large`)" }),
  buildMaxInstalledMb: int("BROKKR_BUILD_MAX_INSTALLED_MB", { scope: "server", default: 16_384, min: 1, max: 100_000_000, description: "installed size of one image's packages (`build.too-large`)" }),
  buildMaxOutputMb: int("BROKKR_BUILD_MAX_OUTPUT_MB", { scope: "server", default: 16_384, min: 1, max: 100_000_000, description: "all artifacts of one build together (`build.too-large`)" }),
  streamsPerClient: int("BROKKR_STREAMS_PER_CLIENT", { scope: "server", default: 16, min: 1, max: 100_000, description: "open build-log streams of one client (then 429)" }),
  connectionsPerClient: int("BROKKR_CONNECTIONS_PER_CLIENT", { scope: "server", default: 64, min: 1, max: 100_000, description: "open connections from one address (more are closed at once)" }),
  requestTimeoutSeconds: int("BROKKR_REQUEST_TIMEOUT_SECONDS", { scope: "server", default: 60, min: 1, max: 86_400, description: "time to receive a whole request" }),
  headersTimeoutSeconds: int("BROKKR_HEADERS_TIMEOUT_SECONDS", { scope: "server", default: 10, min: 1, max: 3600, description: "time to receive a request's headers" }),
  trustProxy: yesNo("BROKKR_TRUST_PROXY", { scope: "server", default: false, description: "`1`: take the client's address from `X-Forwarded-For` (only behind a proxy you run)" }),
  pxeStartsBuilds: yesNo("BROKKR_PXE_STARTS_BUILDS", { scope: "server", default: false, description: "`1`: with tokens configured, an anonymous PXE request may still start a build of a schematic that has none (without tokens it always may)" }),
  // garbage collection (README "Security model")
  gcIntervalMinutes: int("BROKKR_GC_INTERVAL_MINUTES", { scope: "server", default: 60, min: 0, max: 100_000, description: "how often the server collects garbage (`0`: never; `brokkr gc` still works)" }),
  gcGraceHours: int("BROKKR_GC_GRACE_HOURS", { scope: "server", default: 24, min: 0, max: 100_000, description: "how long superseded, failed, cancelled and lock builds keep their artifacts" }),
  storeMaxMb: int("BROKKR_STORE_MAX_MB", { scope: "server", default: 51_200, min: 1, max: 1_000_000_000, description: "artifacts the store may hold; past it unserved builds lose theirs oldest first (served builds never)" }),
  cacheMaxMb: int("BROKKR_CACHE_MAX_MB", { scope: "server", default: 20_480, min: 1, max: 1_000_000_000, description: "the package cache's cap; least recently used files go first" }),
  rowRetentionDays: int("BROKKR_ROW_RETENTION_DAYS", { scope: "server", default: 30, min: 1, max: 100_000, description: "finished builds without artifacts keep their rows and logs this long" }),
  // test: knobs of the test suites
  testStub: optional("BROKKR_TEST_STUB", { scope: "test", description: "a real `linuxx64.efi.stub` for the UKI test against systemd's stub" }),
  testKernel: optional("BROKKR_TEST_KERNEL", { scope: "test", description: "a `vmlinuz` to put into that UKI" }),
  testDepmod: optional("BROKKR_DEPMOD", { scope: "test", shown: "the host's `depmod`", description: "another kmod's `depmod` to compare our modules.dep against" }),
  e2eCache: optional("BROKKR_E2E_CACHE", { scope: "test", shown: "`$TMPDIR/brokkr-e2e-cache`", description: "the package cache the e2e tests share" }),
  e2eState: optional("BROKKR_E2E_STATE", { scope: "test", shown: "`$TMPDIR/brokkr-e2e-state`", description: "the trust state (sealing key) the e2e tests share, so their cached entries stay usable" }),
  e2eTruthCache: optional("BROKKR_E2E_TRUTH_CACHE", { scope: "test", shown: "`$TMPDIR/brokkr-e2e-truth-cache`", description: "the cache of the catalog-truth e2e test" }),
} satisfies Record<string, Setting<unknown>>;

/** The resolved settings: one read-only value per line of the table. */
export type Settings = {
  readonly [K in keyof typeof settingsTable]: ReturnType<(typeof settingsTable)[K]["parse"]>;
};
