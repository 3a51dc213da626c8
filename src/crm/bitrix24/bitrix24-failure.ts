/** What a Bitrix24 call answered instead of a result: its error code, or ours for transport trouble. */
export class Bitrix24Failure extends Error {
  constructor(
    /** Bitrix24's `error` (QUERY_LIMIT_EXCEEDED, expired_token, invalid_grant...) or NETWORK / BAD_RESPONSE. */
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`${code}: ${message}`);
    this.name = 'Bitrix24Failure';
  }

  /** The grant itself is gone: only a person can fix it by authorising the app again. */
  get reauth(): boolean {
    return ['invalid_grant', 'invalid_client', 'NO_AUTH_FOUND', 'PAYMENT_REQUIRED', 'invalid_token'].includes(
      this.code,
    );
  }
}

/**
 * Waits before trying again a call Bitrix24 refused with QUERY_LIMIT_EXCEEDED: its bucket drains 2
 * requests a second, so half a second, then doubling, up to 8 s; a random part keeps processes that
 * were refused together from coming back together.
 */
export function limitBackoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(8_000, 500 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}
