import { AdapterFailure } from '../accounting-adapter';

/**
 * Omie answers faults as `{faultstring: "ERROR: <text>", faultcode: "SOAP-ENV:Client-<n>"}` (or a
 * bare `MISUSE_API_PROCESS`), usually with HTTP 500 and sometimes with 200: the body decides, never
 * the status alone (business-br.md §4.5).
 */
export interface OmieFaultBody {
  faultstring?: unknown;
  faultcode?: unknown;
}

/** Seconds Omie asks us to wait ("Aguarde 60 segundos", "Tente novamente em 1800 segundos"). */
function waitSeconds(text: string): number | undefined {
  const m = /(?:aguarde|tente novamente em)\D{0,10}(\d+)\s*segundo/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The failure a response stands for, or undefined when it is a success. */
export function omieFailure(
  status: number,
  body: unknown,
  retryAfterHeader?: string,
): AdapterFailure | undefined {
  const fault = body && typeof body === 'object' ? (body as OmieFaultBody) : undefined;
  const faultstring = typeof fault?.faultstring === 'string' ? fault.faultstring : undefined;
  const faultcode = typeof fault?.faultcode === 'string' ? fault.faultcode : '';
  if (faultstring !== undefined) return classify(faultcode, faultstring);
  if (status === 429) {
    const s = Number(retryAfterHeader);
    return new AdapterFailure(
      'transient',
      'OMIE_RATE_LIMITED',
      'Omie: 429 Too many requests',
      (Number.isFinite(s) && s > 0 ? s : 60) * 1000,
    );
  }
  if (status >= 500)
    return new AdapterFailure('transient', 'OMIE_UNAVAILABLE', `Omie answered HTTP ${status}`);
  if (status >= 300) return new AdapterFailure('permanent', 'OMIE_HTTP', `Omie answered HTTP ${status}`);
  if (!fault) return new AdapterFailure('transient', 'OMIE_BAD_RESPONSE', 'Omie answered no JSON object');
  return undefined;
}

function classify(faultcode: string, faultstring: string): AdapterFailure {
  const message = `Omie ${faultcode || 'fault'}: ${faultstring}`.slice(0, 500);
  const wait = waitSeconds(faultstring);
  const code = /Client-(\d+)/.exec(faultcode)?.[1];
  if (/MISUSE_API_PROCESS/.test(faultcode) || /bloqueada/i.test(faultstring))
    return new AdapterFailure('transient', 'OMIE_BLOCKED', message, (wait ?? 300) * 1000);
  if (/REDUNDANT/.test(faultcode) || /redundante/i.test(faultstring) || code === '6')
    return new AdapterFailure('transient', 'OMIE_REDUNDANT', message, (wait ?? 60) * 1000);
  if (code === '1880') return new AdapterFailure('transient', 'OMIE_BUSY', message, (wait ?? 5) * 1000);
  if (code === '101') return new AdapterFailure('permanent', 'OMIE_AUTH', message);
  if (code === '105') return new AdapterFailure('permanent', 'OMIE_NOT_FOUND', message);
  if (code === '206') return new AdapterFailure('permanent', 'OMIE_INVALID_DOCUMENT', message);
  if (/Server/i.test(faultcode)) return new AdapterFailure('transient', 'OMIE_SERVER', message);
  return new AdapterFailure('permanent', `OMIE_CLIENT_${code ?? 'FAULT'}`, message);
}

/** "Não existem registros para a página [n]": an empty list, not a failure. */
export function isEmptyPage(failure: AdapterFailure): boolean {
  return /n[ãa]o existem registros/i.test(failure.message) || /Client-5113/.test(failure.message);
}

/** A write repeated after it succeeded (a retried call whose answer was lost). */
export function isAlreadyDone(failure: AdapterFailure): boolean {
  return /j[áa] (existe|cadastrad|foi)/i.test(failure.message);
}
