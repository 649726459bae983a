/**
 * The one place that reads the environment. Every variable is parsed and validated once at
 * start-up; all problems are reported together so an operator fixes them in one pass.
 */
import path from 'node:path';
import { RULE_NAMES, resolveRules, type RuleName, type RuleOverrides } from './maintenance/rule-settings.js';

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** PostgreSQL connection string; unset = embedded PGlite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dbPoolMax: number;
  /** How long start-up (migrations first) waits for an unreachable PostgreSQL before giving up. */
  readonly dbStartupWaitMs: number;
  /** Redis connection string; unset = job processors run in-process. */
  readonly redisUrl: string | undefined;
  /** MQTT broker for live readings; unset = no MQTT subscriber. */
  readonly mqttUrl: string | undefined;
  /** How the MQTT subscriber batches, keeps its session and shares the load (MQTT_*). */
  readonly mqtt: MqttConfig;
  /** OPC UA server to subscribe to (OPCUA_ENDPOINT and OPCUA_CONFIG); unset = no OPC UA client. */
  readonly opcua: OpcuaConfig | undefined;
  /** Sparkplug B host application (SPARKPLUG_CONFIG, on SPARKPLUG_URL or MQTT_URL); unset = none. */
  readonly sparkplug: SparkplugConfig | undefined;
  /** Embedded database directory, or `memory://` for a throw-away in-memory database. */
  readonly dataDir: string;
  /** Model registry artifacts: `<modelsDir>/<name>/<version>/`. */
  readonly modelsDir: string;
  /** Largest request body, for every content type (JSON and binary captures alike). */
  readonly bodyLimitBytes: number;
  /** Time a client has to send a whole request, body included (408 past it); 0 = none. */
  readonly requestTimeoutMs: number;
  /** Batch limits of ingestion: readings per batch, samples per capture (413 past them). */
  readonly ingestLimits: IngestLimitsConfig;
  /** Token bucket per API key: `perMinute` refill, `burst` capacity; perMinute 0 = no limit. */
  readonly rateLimit: RateLimitConfig;
  /** Origins allowed to call the API from a browser (CORS); empty = CORS off. */
  readonly corsOrigins: readonly string[];
  readonly shutdownTimeoutMs: number;
  /** Prefix for BullMQ keys, so several deployments (or test runs) can share one Redis. */
  readonly queuePrefix: string;
  /** How long a worker's lock on a job lasts without renewal: a worker that died gives its job
   * back after at most this long (plus one stalled check). */
  readonly jobLockMs: number;
  /** File a `prognos worker` rewrites while PostgreSQL and Redis answer, for its container
   * healthcheck (`prognos healthcheck --worker`); unset = no heartbeat file. */
  readonly workerHeartbeatFile: string | undefined;
  /** How often workers look for jobs whose worker died (stalled jobs) and queue them again. */
  readonly jobStalledIntervalMs: number;
  /** Relative improvement a retrained model needs over the active one for automatic
   * promotion (when the run asks for it). */
  readonly autoPromoteMargin: number;
  /** API keys required on /v1 routes (PROGNOS_AUTH=off disables it: tests, closed lab networks). */
  readonly auth: boolean;
  /** Work-order suggestion webhook (PROGNOS_WEBHOOK_URL + PROGNOS_WEBHOOK_SECRET); unset = none. */
  readonly webhook: WebhookConfig | undefined;
  /** Service-wide defaults of the CMMS mappings; sites and assets override them. */
  readonly cmms: CmmsDefaults;
  /** Overrides of the work-order rules' defaults (src/maintenance/rule-settings.ts). */
  readonly suggestionRules: RuleOverrides;
  /** Horizon of "failure probability within …" in forecasts. */
  readonly failureHorizonHours: number;
  /** How often the scheduled scoring job runs; 0 disables it. */
  readonly scoringIntervalMinutes: number;
  /** An asset is offline when its data is older than this many of its usual reporting intervals. */
  readonly offlineAfterIntervals: number;
  /** Drift of recent feature rows against the active models' training data. */
  readonly drift: DriftConfig;
  /** Bearer token GET /metrics requires (API and worker); unset = open. */
  readonly metricsToken: string | undefined;
  /** Port of the worker's metrics endpoint (on HOST); unset = none, 0 = any free port. */
  readonly metricsPort: number | undefined;
  /** Days of data kept per partitioned table, dropped a month partition at a time; 0 = forever. */
  readonly retention: RetentionConfig;
  /** Stored captures and readings become features, forecasts and advice with no manual call. */
  readonly liveLoop: LiveLoopConfig;
}

interface LiveLoopConfig {
  readonly enabled: boolean;
  /** An asset's refresh runs this long after the first data of a burst; the rest of the burst
   * joins it. */
  readonly debounceMs: number;
}

interface RetentionConfig {
  readonly capturesDays: number;
  readonly readingsDays: number;
  readonly featuresDays: number;
  readonly forecastsDays: number;
}

export interface DriftConfig {
  /** How often the drift check runs; 0 disables the schedule (it still runs after extractions). */
  readonly intervalMinutes: number;
  /** Newest feature rows of each asset compared with the training data. */
  readonly windowRows: number;
  /** Fewer recent rows than this: no verdict. */
  readonly minRows: number;
  readonly psiWarn: number;
  readonly psiDrift: number;
  readonly ksAlpha: number;
  /** An asset whose newest row is this much older than the fleet's newest is left out of the
   * fleet comparison (it stopped reporting). */
  readonly maxAgeHours: number;
}

export interface OpcuaConfig {
  /** `opc.tcp://host:port[/path]`. */
  readonly endpoint: string;
  /** The node mapping (src/acquisition/opcua/opcua-mapping.ts): inline JSON or a file path. */
  readonly mapping: { readonly inline: string } | { readonly file: string };
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  /** User identity: anonymous, user name and password, or an X.509 certificate and its key (PEM). */
  readonly identity:
    | { readonly kind: 'anonymous' }
    | { readonly kind: 'password'; readonly userName: string; readonly password: string }
    | { readonly kind: 'certificate'; readonly certificateFile: string; readonly privateKeyFile: string };
}

export interface SparkplugConfig {
  /** The broker the edge nodes publish to: SPARKPLUG_URL, else MQTT_URL. */
  readonly url: string;
  /** The metric mapping (src/acquisition/sparkplug/sparkplug-mapping.ts): inline JSON or a file path. */
  readonly mapping: { readonly inline: string } | { readonly file: string };
}

interface MqttConfig {
  /** A window of messages is stored in one transaction this long after its first message. */
  readonly batchMs: number;
  /** ...or as soon as it holds this many messages. */
  readonly batchMax: number;
  /** How long the broker keeps the session (subscription and queued messages) while offline. */
  readonly sessionExpiryS: number;
  /** Shared subscription group (`$share/<group>/…`): processes of one group split the messages. */
  readonly shareGroup: string | undefined;
  /** Client id; unset = `prognos-<hostname>-<slot>`, a slot per process on the host. */
  readonly clientId: string | undefined;
}

export interface IngestLimitsConfig {
  readonly maxReadingsPerBatch: number;
  readonly maxCaptureSamples: number;
}

export interface RateLimitConfig {
  readonly perMinute: number;
  readonly burst: number;
}

export interface WebhookConfig {
  readonly url: string;
  /** HMAC-SHA256 secret of both signatures ("whsec_" + base64 = Standard Webhooks form). */
  readonly secret: string;
  readonly maxAttempts: number;
  /** First retry delay; doubles on each attempt. */
  readonly backoffMs: number;
  readonly timeoutMs: number;
}

export interface CmmsDefaults {
  /** Maximo WORKTYPE of predictive-corrective work (PROGNOS_MAXIMO_WORKTYPE, default CM). */
  readonly maximoWorktype: string;
  /** Maximo WOPRIORITY for Prognos priorities 1..4 (PROGNOS_MAXIMO_WOPRIORITY, default 1,2,3,4). */
  readonly maximoWopriority: readonly number[];
  /** MaintainX custom-field label keeping the suggestion id (PROGNOS_MAINTAINX_ID_FIELD). */
  readonly maintainxIdField: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** loadConfig's parsers, for a group of variables parsed in a function of its own (opcuaConfig):
 * each records a bad value in loadConfig's problems and returns the default. */
interface Parsers {
  str(name: string): string | undefined;
  url(name: string, protocols: string[]): string | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], def: T): T;
  int(name: string, def: number, min: number, max: number): number;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
        return undefined;
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
      return undefined;
    }
    return raw;
  };

  const fraction = (name: string, def: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n >= 1) {
      problems.push(`${name} must be a number from 0 to 1 (exclusive), got "${raw}"`);
      return def;
    }
    return n;
  };

  const onOff = (name: string, def: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return def;
    if (['on', 'true', '1', 'yes'].includes(raw)) return true;
    if (['off', 'false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be on or off, got "${raw}"`);
    return def;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const raw = str(name) ?? def;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return def;
  };

  const num = (name: string, min: number, max: number): number | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
      return undefined;
    }
    return n;
  };
  const optInt = (name: string, min: number, max: number): number | undefined =>
    str(name) === undefined ? undefined : int(name, min, min, max);

  const webhookUrl = url('PROGNOS_WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = str('PROGNOS_WEBHOOK_SECRET');
  if (str('PROGNOS_WEBHOOK_URL') !== undefined && webhookSecret === undefined)
    problems.push('PROGNOS_WEBHOOK_SECRET is required when PROGNOS_WEBHOOK_URL is set');
  if (webhookSecret !== undefined && webhookSecret.length < 16)
    problems.push('PROGNOS_WEBHOOK_SECRET must be at least 16 characters');
  // Standard Webhooks form: "whsec_" + base64 of the key bytes (src/maintenance/webhook.ts).
  if (
    webhookSecret?.startsWith('whsec_') &&
    !(
      /^[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret.slice(6)) &&
      Buffer.from(webhookSecret.slice(6), 'base64').length >= 16
    )
  )
    problems.push(
      'PROGNOS_WEBHOOK_SECRET starting with whsec_ must be followed by base64 of at least 16 bytes',
    );
  if (webhookSecret !== undefined && str('PROGNOS_WEBHOOK_URL') === undefined)
    problems.push('PROGNOS_WEBHOOK_URL is required when PROGNOS_WEBHOOK_SECRET is set');
  const webhookTuning = {
    maxAttempts: int('PROGNOS_WEBHOOK_MAX_ATTEMPTS', 10, 1, 50),
    backoffMs: int('PROGNOS_WEBHOOK_BACKOFF_MS', 5_000, 1, 3_600_000),
    timeoutMs: int('PROGNOS_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
  };
  const maximoWorktype = str('PROGNOS_MAXIMO_WORKTYPE') ?? 'CM';
  if (!/^[A-Z0-9][A-Z0-9_./#&-]{0,4}$/.test(maximoWorktype))
    problems.push(
      `PROGNOS_MAXIMO_WORKTYPE must be an upper-case Maximo work type of at most 5 characters, got "${maximoWorktype}"`,
    );
  const wopriorityRaw = str('PROGNOS_MAXIMO_WOPRIORITY') ?? '1,2,3,4';
  const maximoWopriority = wopriorityRaw.split(',').map((v) => Number(v.trim()));
  if (
    maximoWopriority.length !== 4 ||
    !maximoWopriority.every((n) => Number.isInteger(n) && n >= 0 && n <= 999)
  )
    problems.push(
      `PROGNOS_MAXIMO_WOPRIORITY must be 4 comma-separated integers 0-999 (WOPRIORITY for Prognos priorities 1,2,3,4), got "${wopriorityRaw}"`,
    );
  const maintainxIdField = str('PROGNOS_MAINTAINX_ID_FIELD');
  if (maintainxIdField !== undefined && maintainxIdField.length > 100)
    problems.push('PROGNOS_MAINTAINX_ID_FIELD must be at most 100 characters');
  const disabledRaw = str('PROGNOS_RULES_DISABLED');
  const disabled = disabledRaw
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const unknownRules = (disabled ?? []).filter((r) => !(RULE_NAMES as readonly string[]).includes(r));
  if (unknownRules.length > 0)
    problems.push(
      `PROGNOS_RULES_DISABLED has unknown rule(s) ${unknownRules.join(', ')} (known: ${RULE_NAMES.join(', ')})`,
    );
  const suggestionRules: RuleOverrides = {
    disabled: disabled as RuleName[] | undefined,
    leadTimeHours: num('PROGNOS_RULE_LEAD_TIME_HOURS', 1, 87_600),
    zoneCDueDays: num('PROGNOS_RULE_ZONE_C_DUE_DAYS', 0, 3650),
    zoneDDueDays: num('PROGNOS_RULE_ZONE_D_DUE_DAYS', 0, 3650),
    anomalyThreshold: num('PROGNOS_RULE_ANOMALY_THRESHOLD', 0, 1),
    anomalyConsecutive: optInt('PROGNOS_RULE_ANOMALY_CONSECUTIVE', 1, 100),
    anomalyDueDays: num('PROGNOS_RULE_ANOMALY_DUE_DAYS', 0, 3650),
    bearingFactor: num('PROGNOS_RULE_BEARING_FACTOR', 1.01, 1000),
    bearingLookback: optInt('PROGNOS_RULE_BEARING_LOOKBACK', 6, 500),
    bearingDueDays: num('PROGNOS_RULE_BEARING_DUE_DAYS', 0, 3650),
    raiseCount: optInt('PROGNOS_RULE_RAISE_COUNT', 1, 100),
    raiseWindow: optInt('PROGNOS_RULE_RAISE_WINDOW', 1, 100),
    clearCount: optInt('PROGNOS_RULE_CLEAR_COUNT', 1, 100),
  };
  const persistence = resolveRules(suggestionRules);
  if (persistence.raiseCount > persistence.raiseWindow)
    problems.push(
      `PROGNOS_RULE_RAISE_COUNT (${persistence.raiseCount}) must be at most PROGNOS_RULE_RAISE_WINDOW (${persistence.raiseWindow})`,
    );

  const drift: DriftConfig = {
    intervalMinutes: int('PROGNOS_DRIFT_INTERVAL_MINUTES', 60, 0, 7 * 24 * 60),
    windowRows: int('PROGNOS_DRIFT_WINDOW_ROWS', 100, 10, 10_000),
    minRows: int('PROGNOS_DRIFT_MIN_ROWS', 30, 2, 10_000),
    psiWarn: num('PROGNOS_DRIFT_PSI_WARN', 0.001, 10) ?? 0.1,
    psiDrift: num('PROGNOS_DRIFT_PSI_DRIFT', 0.001, 10) ?? 0.25,
    ksAlpha: num('PROGNOS_DRIFT_KS_ALPHA', 1e-12, 0.5) ?? 0.01,
    maxAgeHours: int('PROGNOS_DRIFT_MAX_AGE_HOURS', 168, 1, 24 * 3650),
  };
  if (drift.psiWarn >= drift.psiDrift)
    problems.push(
      `PROGNOS_DRIFT_PSI_WARN (${drift.psiWarn}) must be below PROGNOS_DRIFT_PSI_DRIFT (${drift.psiDrift})`,
    );
  if (drift.minRows > drift.windowRows)
    problems.push(
      `PROGNOS_DRIFT_MIN_ROWS (${drift.minRows}) must not exceed PROGNOS_DRIFT_WINDOW_ROWS (${drift.windowRows})`,
    );
  const corsOrigins = (str('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of corsOrigins) {
    // An origin is scheme://host[:port] exactly, as browsers send it in the Origin header.
    let ok: boolean;
    try {
      const u = new URL(o);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`CORS_ORIGINS entries must be origins like https://cmms.example.com, got "${o}"`);
  }

  const metricsToken = str('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16)
    problems.push('METRICS_TOKEN must be at least 16 characters');

  const nodeEnv = str('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const logLevel = (str('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const opcua = opcuaConfig(env, { str, url, oneOf, int }, problems);
  const mqttUrl = url('MQTT_URL', MQTT_PROTOCOLS);
  const sparkplug = sparkplugConfig({ str, url }, mqttUrl, problems);

  const dataDirRaw = str('PROGNOS_DATA_DIR') ?? './data';
  const heartbeatFile = str('WORKER_HEARTBEAT_FILE');
  const config: Config = {
    env: nodeEnv as Config['env'],
    host: str('HOST') ?? '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    logLevel,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dbPoolMax: int('DB_POOL_MAX', 10, 1, 1000),
    dbStartupWaitMs: int('DB_STARTUP_WAIT_MS', 30_000, 0, 600_000),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    mqttUrl,
    mqtt: mqttConfig({ str, int }, problems),
    opcua,
    sparkplug,
    dataDir: dataDirRaw.startsWith('memory://') ? dataDirRaw : path.resolve(dataDirRaw),
    modelsDir: path.resolve(str('PROGNOS_MODELS_DIR') ?? './models'),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 120_000, 0, 3_600_000),
    ingestLimits: Object.freeze({
      maxReadingsPerBatch: int('MAX_READINGS_PER_BATCH', 10_000, 1, 1_000_000),
      // 2^22 float32 samples are 16 MiB, the default body limit: 164 s at 25.6 kHz.
      maxCaptureSamples: int('MAX_CAPTURE_SAMPLES', 4_194_304, 1, 268_435_456),
    }),
    rateLimit: Object.freeze({
      perMinute: int('RATE_LIMIT_PER_MINUTE', 6_000, 0, 10_000_000),
      burst: int('RATE_LIMIT_BURST', 1_000, 1, 10_000_000),
    }),
    corsOrigins: Object.freeze(corsOrigins),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    queuePrefix: str('QUEUE_PREFIX') ?? 'prognos',
    jobLockMs: int('JOB_LOCK_MS', 30_000, 1_000, 3_600_000),
    workerHeartbeatFile: heartbeatFile === undefined ? undefined : path.resolve(heartbeatFile),
    jobStalledIntervalMs: int('JOB_STALL_CHECK_MS', 30_000, 500, 3_600_000),
    autoPromoteMargin: fraction('PROGNOS_AUTO_PROMOTE_MARGIN', 0.02),
    auth: onOff('PROGNOS_AUTH', true),
    webhook:
      webhookUrl && webhookSecret && webhookSecret.length >= 16
        ? Object.freeze({ url: webhookUrl, secret: webhookSecret, ...webhookTuning })
        : undefined,
    cmms: Object.freeze({
      maximoWorktype,
      maximoWopriority: Object.freeze(maximoWopriority),
      maintainxIdField,
    }),
    suggestionRules: Object.freeze(suggestionRules),
    failureHorizonHours: int('PROGNOS_FAILURE_HORIZON_HOURS', 7 * 24, 1, 24 * 3650),
    scoringIntervalMinutes: int('PROGNOS_SCORING_INTERVAL_MINUTES', 15, 0, 7 * 24 * 60),
    offlineAfterIntervals: num('PROGNOS_OFFLINE_AFTER_INTERVALS', 1, 1000) ?? 3,
    drift: Object.freeze(drift),
    metricsToken,
    metricsPort: optInt('METRICS_PORT', 0, 65535),
    retention: Object.freeze(retentionConfig(int, problems)),
    liveLoop: Object.freeze({
      enabled: onOff('PROGNOS_LIVE_LOOP', true),
      debounceMs: int('PROGNOS_LOOP_DEBOUNCE_MS', 2_000, 0, 3_600_000),
    }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'];

/** SPARKPLUG_CONFIG turns the Sparkplug B host on; its broker is SPARKPLUG_URL, or MQTT_URL's. */
function sparkplugConfig(
  { str, url }: Pick<Parsers, 'str' | 'url'>,
  mqttUrl: string | undefined,
  problems: string[],
): SparkplugConfig | undefined {
  const own = url('SPARKPLUG_URL', MQTT_PROTOCOLS);
  const mappingRaw = str('SPARKPLUG_CONFIG');
  if (mappingRaw === undefined) {
    if (str('SPARKPLUG_URL') !== undefined)
      problems.push(
        'SPARKPLUG_CONFIG is required when SPARKPLUG_URL is set (a JSON file path or inline JSON)',
      );
    return undefined;
  }
  const brokerUrl = own ?? (str('SPARKPLUG_URL') === undefined ? mqttUrl : undefined);
  if (brokerUrl === undefined) {
    if (str('SPARKPLUG_URL') === undefined && str('MQTT_URL') === undefined)
      problems.push('SPARKPLUG_CONFIG needs a broker: set SPARKPLUG_URL (or MQTT_URL)');
    return undefined;
  }
  return Object.freeze({
    url: brokerUrl,
    mapping: Object.freeze(
      mappingRaw.startsWith('{') ? { inline: mappingRaw } : { file: path.resolve(mappingRaw) },
    ),
  });
}

/** The RETENTION_* days; 0 = forever. Feature rows and forecasts may not go before the
 * waveforms they come from: models retrain on features, and forecasts are the audit trail of
 * what was concluded from the data, so both outlive the raw captures. */
function retentionConfig(
  int: (name: string, def: number, min: number, max: number) => number,
  problems: string[],
): RetentionConfig {
  const days = (name: string) => int(name, 0, 0, 365 * 100);
  const r = {
    capturesDays: days('RETENTION_CAPTURES_DAYS'),
    readingsDays: days('RETENTION_READINGS_DAYS'),
    featuresDays: days('RETENTION_FEATURES_DAYS'),
    forecastsDays: days('RETENTION_FORECASTS_DAYS'),
  };
  for (const [name, kept] of [
    ['RETENTION_FEATURES_DAYS', r.featuresDays],
    ['RETENTION_FORECASTS_DAYS', r.forecastsDays],
  ] as const) {
    // 0 keeps forever, which is never shorter; a capture retention of 0 keeps waveforms forever,
    // and features or forecasts with a finite one are then shorter-lived than their source.
    const shorter = kept > 0 && (r.capturesDays === 0 || kept < r.capturesDays);
    if (shorter)
      problems.push(
        `${name} (${kept}) must be 0 (forever) or at least RETENTION_CAPTURES_DAYS (${r.capturesDays === 0 ? '0, forever' : r.capturesDays}): features and forecasts are kept longer than raw waveforms`,
      );
  }
  return r;
}

// A share group or client id is one topic level / an MQTT string: no wildcards, no separators.
const MQTT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function mqttConfig({ str, int }: Pick<Parsers, 'str' | 'int'>, problems: string[]): MqttConfig {
  const shareGroup = str('MQTT_SHARE_GROUP');
  if (shareGroup !== undefined && !MQTT_NAME.test(shareGroup))
    problems.push(
      `MQTT_SHARE_GROUP must be 1 to 64 letters, digits, '.', '_' or '-' (no '/', '+' or '#'), got "${shareGroup}"`,
    );
  const clientId = str('MQTT_CLIENT_ID');
  if (clientId !== undefined && !MQTT_NAME.test(clientId))
    problems.push(`MQTT_CLIENT_ID must be 1 to 64 letters, digits, '.', '_' or '-', got "${clientId}"`);
  return Object.freeze({
    batchMs: int('MQTT_BATCH_MS', 50, 1, 10_000),
    // At most 65535 / 2: the subscriber asks the broker for twice this many messages in flight.
    batchMax: int('MQTT_BATCH_MAX', 500, 1, 32_767),
    sessionExpiryS: int('MQTT_SESSION_EXPIRY_S', 3_600, 0, 4_294_967_295),
    shareGroup,
    clientId,
  });
}

const OPCUA_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
const OPCUA_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

/** The OPCUA_* variables: connection and identity here, the node mapping in OPCUA_CONFIG. */
function opcuaConfig(env: Env, { str, url, oneOf }: Parsers, problems: string[]): OpcuaConfig | undefined {
  const endpoint = url('OPCUA_ENDPOINT', ['opc.tcp:']);
  const mappingRaw = str('OPCUA_CONFIG');
  const securityMode = oneOf('OPCUA_SECURITY_MODE', OPCUA_MODES, 'None');
  const securityPolicy = oneOf(
    'OPCUA_SECURITY_POLICY',
    OPCUA_POLICIES,
    securityMode === 'None' ? 'None' : 'Basic256Sha256',
  );
  if ((securityMode === 'None') !== (securityPolicy === 'None'))
    problems.push(
      `OPCUA_SECURITY_MODE ${securityMode} needs ${securityMode === 'None' ? 'OPCUA_SECURITY_POLICY None' : 'an OPCUA_SECURITY_POLICY other than None'}, got ${securityPolicy}`,
    );
  const userName = str('OPCUA_USERNAME');
  // A password may legitimately hold spaces at either end: read it untrimmed.
  const password = env.OPCUA_PASSWORD;
  const certificateFile = str('OPCUA_USER_CERT');
  const privateKeyFile = str('OPCUA_USER_KEY');
  if ((userName === undefined) !== (password === undefined || password === ''))
    problems.push('OPCUA_USERNAME and OPCUA_PASSWORD must be set together');
  if ((certificateFile === undefined) !== (privateKeyFile === undefined))
    problems.push('OPCUA_USER_CERT and OPCUA_USER_KEY must be set together');
  if (userName !== undefined && certificateFile !== undefined)
    problems.push('set either OPCUA_USERNAME/OPCUA_PASSWORD or OPCUA_USER_CERT/OPCUA_USER_KEY, not both');
  if (str('OPCUA_ENDPOINT') !== undefined && mappingRaw === undefined)
    problems.push('OPCUA_CONFIG is required when OPCUA_ENDPOINT is set (a JSON file path or inline JSON)');
  if (mappingRaw !== undefined && str('OPCUA_ENDPOINT') === undefined)
    problems.push('OPCUA_ENDPOINT is required when OPCUA_CONFIG is set');
  if (endpoint === undefined || mappingRaw === undefined) return undefined;
  const identity: OpcuaConfig['identity'] =
    userName !== undefined && password
      ? { kind: 'password', userName, password }
      : certificateFile !== undefined && privateKeyFile !== undefined
        ? {
            kind: 'certificate',
            certificateFile: path.resolve(certificateFile),
            privateKeyFile: path.resolve(privateKeyFile),
          }
        : { kind: 'anonymous' };
  return Object.freeze({
    endpoint,
    mapping: Object.freeze(
      mappingRaw.startsWith('{') ? { inline: mappingRaw } : { file: path.resolve(mappingRaw) },
    ),
    securityMode,
    securityPolicy,
    identity: Object.freeze(identity),
  });
}
