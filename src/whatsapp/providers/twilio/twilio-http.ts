import { stringify } from 'qs';
import type { OutboundHttp, OutboundMethod } from '../../../platform/outbound/outbound-http';

/** The request the twilio SDK hands its `httpClient` (see twilio's RequestClient). */
interface TwilioRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: object;
  data?: object;
  timeout?: number;
}

/**
 * Routes the twilio SDK's calls through Ponte's one outbound client (deadline, SSRF guard, no
 * redirects) instead of its own axios, and never retries by itself: the retry policy is ours.
 */
export class TwilioHttpBridge {
  constructor(private readonly http: OutboundHttp) {}

  async request(
    opts: TwilioRequest,
  ): Promise<{ statusCode: number; body: string; headers: Record<string, string> }> {
    const url = new URL(opts.uri);
    const query = opts.params ? stringify(opts.params, { arrayFormat: 'repeat' }) : '';
    if (query) url.search = url.search ? `${url.search}&${query}` : query;
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.username !== undefined)
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    const res = await this.http.request({
      url: url.toString(),
      method: opts.method.toUpperCase() as OutboundMethod,
      headers,
      body: opts.data ? stringify(opts.data, { arrayFormat: 'repeat' }) : undefined,
      timeoutMs: opts.timeout,
    });
    return { statusCode: res.status, body: res.body, headers: res.headers };
  }
}
