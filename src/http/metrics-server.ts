/**
 * The worker's metrics endpoint: a bare node:http server answering GET /metrics with the
 * process's registry (src/metrics.ts), so each worker is scraped on its own METRICS_PORT. No
 * Fastify: a worker serves nothing else, and this keeps its start-up and memory small.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsAuthorized, metricsText } from '../metrics.js';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: {
  host: string;
  port: number;
  token: string | undefined;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify({ error: { code, message } }));
    };
    if (path !== '/metrics') return error(404, 'not_found', 'only GET /metrics is served here');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return error(405, 'method_not_allowed', 'GET /metrics only', { allow: 'GET, HEAD' });
    if (!metricsAuthorized(req.headers.authorization, opts.token))
      return error(
        401,
        'unauthorized',
        'the metrics token is required (Authorization: Bearer <METRICS_TOKEN>)',
        {
          'www-authenticate': 'Bearer',
        },
      );
    metricsText().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => error(500, 'internal', `metrics not collected: ${(err as Error).message}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    // closeAllConnections: an idle keep-alive scrape connection must not hold the worker's shutdown.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
