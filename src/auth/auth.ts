/**
 * Scope checks for every route. A route declares what it needs in its options:
 * `config: { scope: 'read' | 'ingest' | 'cmms' | 'admin' }`, or `config: { public: true }`
 * (health, docs). Start-up fails when an /v1 route declares neither, so no route is ever open
 * by omission. Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>`; a route that
 * a browser's EventSource reads (which cannot set headers) may also declare `keyInQuery: true`
 * and then takes `?access_token=<key>` (RFC 6750 §2.3), redacted from logs (src/logger.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, Scope } from '../db/schema.js';
import { AppError } from '../errors.js';
import { hasScope, SCOPES, verifyApiKey, type Principal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: Scope;
    public?: boolean;
    /** Also accept the key as `?access_token=` (server-sent events only). */
    keyInQuery?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AuthOptions {
  db: Kysely<DB>;
  /** false only in tests of other concerns and in explicitly open deployments. */
  enabled: boolean;
}

function presentedKey(req: FastifyRequest, keyInQuery: boolean): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  const query = keyInQuery ? (req.query as { access_token?: unknown } | undefined)?.access_token : undefined;
  return typeof query === 'string' && query.trim() !== '' ? query.trim() : undefined;
}

export interface DeclaredRoute {
  method: string;
  url: string;
  scope: Scope | undefined;
  public: boolean;
}

/** Installs the hooks; returns the routes as they get declared (for the scope-matrix test). */
export function installAuth(app: FastifyInstance, opts: AuthOptions): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path ?? '';
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      const c = (route.config ?? {}) as { scope?: Scope; public?: boolean };
      declared.push({ method: String(method), url, scope: c.scope, public: c.public === true });
    }
    if (!url.startsWith('/v1')) return;
    const cfg = (route.config ?? {}) as { scope?: Scope; public?: boolean };
    if (!cfg.public && !(cfg.scope && SCOPES.includes(cfg.scope))) {
      throw new Error(
        `route ${String(route.method)} ${url} declares no scope (config.scope or config.public)`,
      );
    }
  });

  app.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config as { scope?: Scope; public?: boolean; keyInQuery?: boolean };
    if (!opts.enabled || cfg.public || !cfg.scope) return;
    const key = presentedKey(req, cfg.keyInQuery === true);
    if (!key) {
      throw new AppError(
        'unauthorized',
        401,
        `an API key is required (Authorization: Bearer <key> or X-API-Key${cfg.keyInQuery ? ', or ?access_token=<key>' : ''})`,
        {
          headers: { 'www-authenticate': 'Bearer' },
        },
      );
    }
    const principal = await verifyApiKey(opts.db, key);
    if (!principal)
      throw new AppError('unauthorized', 401, 'the API key is invalid or revoked', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    if (!hasScope(principal, cfg.scope)) {
      throw new AppError(
        'forbidden',
        403,
        `this key lacks the "${cfg.scope}" scope (it has: ${principal.scopes.join(', ')})`,
      );
    }
    req.principal = principal;
  });
  return declared;
}
