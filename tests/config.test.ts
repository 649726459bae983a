import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has defaults for the embedded mode', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the drift settings and refuses inconsistent thresholds', () => {
    expect(loadConfig({}).drift).toMatchObject({ psiWarn: 0.1, psiDrift: 0.25, ksAlpha: 0.01, minRows: 30 });
    const c = loadConfig({ PROGNOS_DRIFT_PSI_WARN: '0.2', PROGNOS_DRIFT_WINDOW_ROWS: '500' });
    expect(c.drift).toMatchObject({ psiWarn: 0.2, windowRows: 500 });
    expect(() => loadConfig({ PROGNOS_DRIFT_PSI_WARN: '0.3' })).toThrow(/PSI_WARN .* must be below/);
    expect(() => loadConfig({ PROGNOS_DRIFT_MIN_ROWS: '500' })).toThrow(/MIN_ROWS .* must not exceed/);
    expect(() => loadConfig({ PROGNOS_DRIFT_KS_ALPHA: 'small' })).toThrow(/PROGNOS_DRIFT_KS_ALPHA/);
  });

  it('reads the server settings', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/prognos',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PROGNOS_DATA_DIR: 'memory://',
    });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe('postgres://u@127.0.0.1:5432/prognos');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.dataDir).toBe('memory://');
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT must be an integer/);
    expect(problems).toMatch(/DATABASE_URL must use postgres: or postgresql:/);
    expect(problems).toMatch(/REDIS_URL is not a valid URL/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
    expect((err as ConfigError).problems).toHaveLength(4);
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be an integer from 0 to 65535/);
    expect(() => loadConfig({ PORT: '-1' })).toThrow(/PORT/);
  });

  it('reads how long start-up waits for PostgreSQL, 0 meaning one attempt', () => {
    expect(loadConfig({}).dbStartupWaitMs).toBe(30_000);
    expect(loadConfig({ DB_STARTUP_WAIT_MS: '0' }).dbStartupWaitMs).toBe(0);
    expect(() => loadConfig({ DB_STARTUP_WAIT_MS: '-1' })).toThrow(/DB_STARTUP_WAIT_MS must be an integer/);
    expect(() => loadConfig({ DB_STARTUP_WAIT_MS: '3600000' })).toThrow(/DB_STARTUP_WAIT_MS/);
  });

  it('reads the job lock and stalled-check settings, with BullMQ-like defaults', () => {
    expect(loadConfig({})).toMatchObject({ jobLockMs: 30_000, jobStalledIntervalMs: 30_000 });
    expect(loadConfig({ JOB_LOCK_MS: '2000', JOB_STALL_CHECK_MS: '1000' })).toMatchObject({
      jobLockMs: 2000,
      jobStalledIntervalMs: 1000,
    });
    expect(() => loadConfig({ JOB_LOCK_MS: '10' })).toThrow(/JOB_LOCK_MS must be an integer from 1000/);
    expect(() => loadConfig({ JOB_STALL_CHECK_MS: 'soon' })).toThrow(/JOB_STALL_CHECK_MS/);
  });

  it('reads the MQTT subscriber and request timeout settings, refusing topic wildcards', () => {
    expect(loadConfig({})).toMatchObject({
      mqtt: { batchMs: 50, batchMax: 500, sessionExpiryS: 3600, shareGroup: undefined, clientId: undefined },
      requestTimeoutMs: 120_000,
    });
    const c = loadConfig({
      MQTT_BATCH_MS: '20',
      MQTT_BATCH_MAX: '1000',
      MQTT_SESSION_EXPIRY_S: '0',
      MQTT_SHARE_GROUP: 'plant-a',
      MQTT_CLIENT_ID: 'prognos-line-1',
      REQUEST_TIMEOUT_MS: '0',
    });
    expect(c.mqtt).toEqual({
      batchMs: 20,
      batchMax: 1000,
      sessionExpiryS: 0,
      shareGroup: 'plant-a',
      clientId: 'prognos-line-1',
    });
    expect(c.requestTimeoutMs).toBe(0);
    expect(() => loadConfig({ MQTT_SHARE_GROUP: 'a/#' })).toThrow(/MQTT_SHARE_GROUP must be .* got "a\/#"/);
    expect(() => loadConfig({ MQTT_CLIENT_ID: 'a+b' })).toThrow(/MQTT_CLIENT_ID/);
    expect(() => loadConfig({ MQTT_BATCH_MAX: '40000' })).toThrow(
      /MQTT_BATCH_MAX must be an integer from 1 to 32767/,
    );
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: 'slow' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '  ' }).databaseUrl).toBeUndefined();
  });
});
