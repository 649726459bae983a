/**
 * Security headers on every response, API and dashboard alike. The dashboard and the API docs
 * load only their own scripts and styles (src/web/public, /vendor, /docs/static), so the
 * policy is same-origin; inline styles stay allowed because uPlot and Swagger UI position
 * elements with style attributes. No inline script is ever allowed.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // frame-ancestors for current browsers, X-Frame-Options for older ones.
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'x-permitted-cross-domain-policies': 'none',
};

/** For responses sent outside the hook chain (framework errors raised before routing). */
export function applySecurityHeaders(reply: FastifyReply): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
}

/**
 * Headers for a reply written on the raw response after `reply.hijack()` (server-sent events),
 * which skips onSend: the security headers and whatever earlier hooks set (CORS, rate limit).
 */
export function hijackedHeaders(reply: FastifyReply): Record<string, string> {
  applySecurityHeaders(reply);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    applySecurityHeaders(reply);
    return payload;
  });
}
