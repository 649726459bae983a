/**
 * The OPC UA client: security, user identity, reconnection, and its state changes in the log.
 *
 * Reconnection is node-opcua's own: the connection strategy retries for ever with a backoff
 * (the first connection too), and after a reconnection node-opcua re-activates the session, or
 * creates a new one and re-creates its subscriptions and monitored items when the server lost
 * it (a server restart). The log says so once per change of state, not once per attempt.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import {
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  setDebugLogger,
  setErrorLogger,
  setWarningLogger,
  type ConnectionStrategyOptions,
  type UserIdentityInfo,
} from 'node-opcua-client';
import type { Logger } from 'pino';
import { ConfigError, type OpcuaConfig } from '../../config.js';
import { connectionState } from '../../metrics.js';

/** Production default: first retry after 1 s, then doubling up to 10 s, for ever. */
const DEFAULT_STRATEGY: ConnectionStrategyOptions = { initialDelay: 1_000, maxDelay: 10_000, maxRetry: -1 };

/** Reads the identity's files now, so a wrong path is a start-up error naming its variable. */
export function userIdentity(identity: OpcuaConfig['identity']): UserIdentityInfo {
  if (identity.kind === 'anonymous') return { type: UserTokenType.Anonymous };
  if (identity.kind === 'password') {
    return { type: UserTokenType.UserName, userName: identity.userName, password: identity.password };
  }
  const read = (file: string, variable: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([`${variable} (${file}): cannot read the file: ${(err as Error).message}`]);
    }
  };
  const pem = read(identity.certificateFile, 'OPCUA_USER_CERT');
  let der: Buffer;
  try {
    der = new X509Certificate(pem).raw;
  } catch {
    throw new ConfigError([`OPCUA_USER_CERT (${identity.certificateFile}) is not a PEM or DER certificate`]);
  }
  const privateKey = read(identity.privateKeyFile, 'OPCUA_USER_KEY');
  if (!privateKey.includes('PRIVATE KEY-----'))
    throw new ConfigError([`OPCUA_USER_KEY (${identity.privateKeyFile}) is not a PEM private key`]);
  return { type: UserTokenType.Certificate, certificateData: der, privateKey };
}

export function createOpcuaClient(
  config: OpcuaConfig,
  log: Logger,
  strategy: ConnectionStrategyOptions = DEFAULT_STRATEGY,
): OPCUAClient {
  routeLibraryLogs(log);
  const client = OPCUAClient.create({
    applicationName: 'Prognos',
    applicationUri: 'urn:prognos:opcua-client',
    securityMode: MessageSecurityMode[config.securityMode],
    securityPolicy: SecurityPolicy[config.securityPolicy],
    // The configured endpoint URL is used as given (behind NAT the server may advertise another).
    endpointMustExist: false,
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    connectionStrategy: strategy,
  });

  const at = { endpoint: config.endpoint };
  let down = false;
  // Down until connected, as MQTT's gauge: a client that never reaches its server shows 0 from
  // the start, not only after its first backoff.
  connectionState('opcua', false);
  client.on('backoff', (retry: number, delay: number) => {
    connectionState('opcua', false);
    if (down) return;
    down = true;
    log.warn({ ...at, retry, delay }, 'OPC UA endpoint unreachable; retrying');
  });
  client.on('connection_lost', () => {
    connectionState('opcua', false);
    if (down) return;
    down = true;
    log.warn(at, 'OPC UA connection lost; reconnecting');
  });
  const up = () => {
    connectionState('opcua', true);
    if (!down) return;
    down = false;
    log.info(at, 'OPC UA connection re-established');
  };
  client.on('connected', up);
  client.on('connection_reestablished', up);
  client.on('after_reconnection', (err?: Error | null) => {
    if (err) log.warn({ ...at, err }, 'OPC UA reconnection: session not restored yet');
  });
  return client;
}

/**
 * node-opcua writes its diagnostics to the console; here they become log lines (its warnings
 * at debug: on every reconnection it dumps what it reads from the server, which is not news).
 */
function routeLibraryLogs(log: Logger): void {
  const lib = log.child({ lib: 'node-opcua' });
  setWarningLogger((...args: unknown[]) => lib.debug(args.map(String).join(' ')));
  setDebugLogger((...args: unknown[]) => lib.trace(args.map(String).join(' ')));
  setErrorLogger((...args: unknown[]) => lib.warn(args.map(String).join(' ')));
}
