/**
 * A typed client of the Prognos HTTP API: openapi-fetch over the types generated from the API's
 * OpenAPI document (openapi.d.ts, `npm run client:generate`). Paths, parameters, bodies and
 * answers are checked by the compiler; every call resolves to `{ data, error, response }`.
 *
 *   const prognos = createPrognosClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 *   const { data, error } = await prognos.GET('/v1/work-order-suggestions', {
 *     params: { query: { format: 'maximo', limit: 50 } },
 *   });
 *
 * It imports nothing of the server: copy this folder into an integration as it is.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './openapi.js';

export type { components, operations, paths } from './openapi.js';
export type PrognosClient = Client<paths>;

export interface PrognosClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API's address, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API key (`prognos keys create`), sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export function createPrognosClient({ apiKey, headers, ...options }: PrognosClientOptions): PrognosClient {
  return createClient<paths>({
    ...options,
    headers: {
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(headers as Record<string, string>),
    },
  });
}
