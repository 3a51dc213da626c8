import { compileExpression, ExpressionError } from '../../platform/expression/expression';
import type { FieldError } from '../../platform/http/problem';
import { SecretBox } from '../../platform/crypto/secret-box';
import { REST_OPERATIONS } from '../adapters/rest/rest.adapter';
import { ENTITY_TYPES } from '../canonical';
import type { ConnectionKind } from '../adapters/accounting-adapters';

export const TRIGGERS = [
  'client.registered',
  'client.updated',
  'invoice.issued',
  'payment.received',
] as const;

const str = (v: unknown) => typeof v === 'string' && v.trim() !== '';

function expression(errors: FieldError[], field: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string') return void errors.push({ field, message: 'must be a JSONata expression' });
  try {
    compileExpression(v);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    errors.push({ field, message: `invalid JSONata at ${err.position ?? 0}: ${err.message}` });
  }
}

/**
 * The kind's config, complete (after merging a PATCH into the current one). omie: `{appKey,
 * appSecret, baseUrl?, categoryCode?, accountId?}`; rest: `{baseUrl, headers?, operations:
 * {setupCustomer|getCustomer|syncInvoice|syncPayment|fetchChanges: {request, response?}}}`. Both
 * take `mappings?: {customer?, invoice?, payment?}`: JSONata over the trigger event's data.
 */
export function validateConnectionConfig(kind: ConnectionKind, c: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const need = (f: string) => {
    if (!str(c[f])) errors.push({ field: `config.${f}`, message: 'is required' });
  };
  if (c.baseUrl !== undefined && !(typeof c.baseUrl === 'string' && /^https?:\/\/\S+$/.test(c.baseUrl)))
    errors.push({ field: 'config.baseUrl', message: 'must be an http(s) URL' });
  if (kind === 'omie') {
    need('appKey');
    need('appSecret');
    if (c.accountId !== undefined && !Number.isInteger(c.accountId))
      errors.push({ field: 'config.accountId', message: 'must be an integer (id_conta_corrente)' });
  } else {
    need('baseUrl');
    const h = c.headers;
    if (
      h !== undefined &&
      (typeof h !== 'object' || h === null || Object.values(h).some((v) => typeof v !== 'string'))
    )
      errors.push({ field: 'config.headers', message: 'must be an object of strings' });
    const ops = c.operations as Record<string, unknown> | undefined;
    if (!ops || typeof ops !== 'object') errors.push({ field: 'config.operations', message: 'is required' });
    else
      for (const [name, op] of Object.entries(ops)) {
        if (!(REST_OPERATIONS as readonly string[]).includes(name)) {
          errors.push({
            field: `config.operations.${name}`,
            message: `unknown (${REST_OPERATIONS.join(', ')})`,
          });
          continue;
        }
        const spec = op as { request?: unknown; response?: unknown } | null;
        if (!spec || !str(spec.request))
          errors.push({ field: `config.operations.${name}.request`, message: 'is required' });
        else expression(errors, `config.operations.${name}.request`, spec.request);
        expression(errors, `config.operations.${name}.response`, spec?.response);
      }
  }
  const mappings = c.mappings as Record<string, unknown> | undefined;
  if (mappings !== undefined) {
    if (typeof mappings !== 'object' || mappings === null)
      errors.push({ field: 'config.mappings', message: 'must be an object' });
    else
      for (const [type, source] of Object.entries(mappings)) {
        if (!(ENTITY_TYPES as string[]).includes(type))
          errors.push({ field: `config.mappings.${type}`, message: `unknown (${ENTITY_TYPES.join(', ')})` });
        else expression(errors, `config.mappings.${type}`, source);
      }
  }
  return errors;
}

/** The URL Ponte will call, for the SSRF check at save time. */
export function connectionTargetUrl(c: Record<string, unknown>): string | undefined {
  return typeof c.baseUrl === 'string' ? c.baseUrl : undefined;
}

/** For views: secrets and header values masked. */
export function maskConnectionConfig(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const f of ['appKey', 'appSecret']) if (typeof out[f] === 'string') out[f] = SecretBox.mask(out[f]);
  if (out.headers && typeof out.headers === 'object')
    out.headers = Object.fromEntries(
      Object.entries(out.headers as Record<string, string>).map(([k, v]) => [k, SecretBox.mask(String(v))]),
    );
  return out;
}
