import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';

/** Every named schema of the API, e.g. `Schemas['ProblemResponse']`. */
export type Schemas = components['schemas'];

/** The body of every error answer (`application/problem+json`): switch on `code`. */
export type Problem = components['schemas']['ProblemResponse'];

export type PonteClient = Client<paths>;

export interface PonteClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where Ponte answers, e.g. `https://ponte.example.com` (no `/v1`: paths carry it). */
  baseUrl: string;
  /** An API key (`pk_...`), sent as `Authorization: Bearer`. */
  apiKey?: string;
  /**
   * An operator access token (JWT), or a function returning the current one: access tokens live
   * 15 minutes, so a function lets the caller refresh without building a new client.
   */
  accessToken?: string | (() => string | undefined | Promise<string | undefined>);
}

/**
 * A typed client for the Ponte API: `GET`, `POST`... take the paths of `openapi.json` and return
 * `{ data, error, response }`, with `error` typed as the problem+json body.
 *
 * ```ts
 * const ponte = createPonteClient({ baseUrl: 'https://ponte.example.com', apiKey: 'pk_...' });
 * const { data, error } = await ponte.GET('/health/ready');
 * ```
 */
export function createPonteClient(options: PonteClientOptions): PonteClient {
  const { apiKey, accessToken, ...clientOptions } = options;
  if (apiKey && accessToken) throw new Error('createPonteClient: pass apiKey or accessToken, not both');
  const client = createClient<paths>(clientOptions);
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = typeof accessToken === 'function' ? await accessToken() : (accessToken ?? apiKey);
      // A header set on one call (another key, say) wins over the client's credentials.
      if (token && !request.headers.has('Authorization')) {
        request.headers.set('Authorization', `Bearer ${token}`);
      }
      return request;
    },
  };
  client.use(auth);
  return client;
}
