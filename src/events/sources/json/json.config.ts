import type { FieldError } from '../../../platform/http/problem';
import { compileExpression, ExpressionError } from '../../../platform/expression/expression';
import type { ConfigFields } from '../../../platform/sealed-config/config-fields';
import { EventsProblem } from '../../events.problems';
import type { SourceConfig } from '../source-kind';
import { EVENT_TYPE, MAX_TYPE_LENGTH } from '../standard/standard.normaliser';

export const AUTH_MODES = ['header', 'basic', 'hmac'] as const;
export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64'] as const;

/** Config keys of a `json` source; which ones apply depends on `auth`. */
export const JSON_SOURCE_FIELDS: ConfigFields = {
  auth: {
    type: 'string',
    required: true,
    description: 'How the sender proves itself: header | basic | hmac',
  },
  headerName: {
    type: 'string',
    description: 'header and hmac: the request header carrying the token or the signature (e.g. X-Api-Token)',
  },
  token: { type: 'string', secret: true, description: 'header: the token the header must carry, exactly' },
  username: { type: 'string', description: 'basic: the HTTP Basic user' },
  password: { type: 'string', secret: true, description: 'basic: the HTTP Basic password' },
  secret: { type: 'string', secret: true, description: 'hmac: the shared key of the HMAC over the raw body' },
  algorithm: { type: 'string', description: 'hmac: sha1 | sha256 | sha512 (default sha256)' },
  encoding: { type: 'string', description: 'hmac: how the digest is written, hex | base64 (default hex)' },
  prefix: { type: 'string', description: 'hmac: text before the digest in the header, e.g. "sha256="' },
  eventType: { type: 'string', description: 'The type of every event of this source, e.g. lead.created' },
  eventTypeExpression: {
    type: 'string',
    description:
      'Instead of eventType: a JSONata expression over the body giving the type, e.g. "\\"lead.\\" & status"',
  },
  idExpression: {
    type: 'string',
    description:
      "JSONata over the body giving the sender's id of the event (dedupe); default: SHA-256 of the body",
  },
};

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/**
 * The rules beyond each key's type: the chosen auth mode has its keys, the event type is given
 * exactly one way, and the expressions compile. Throws 422 with the first rule's code and every error.
 */
export function checkJsonSourceConfig(config: SourceConfig): FieldError[] {
  const auth = authErrors(config);
  if (auth.length) throw new EventsProblem('JSON_SOURCE_AUTH_INVALID', auth[0].message, { errors: auth });
  const type = typeErrors(config);
  if (type.length)
    throw new EventsProblem('JSON_SOURCE_EVENT_TYPE_INVALID', type[0].message, { errors: type });
  const expressions = expressionErrors(config);
  if (expressions.length)
    throw new EventsProblem('JSON_SOURCE_EXPRESSION_INVALID', expressions[0].message, {
      errors: expressions,
    });
  return [];
}

function authErrors(c: SourceConfig): FieldError[] {
  const errors: FieldError[] = [];
  const need = (key: string, why: string) => {
    if (!c[key]) errors.push({ field: `config.${key}`, message: `config.${key} is required ${why}` });
  };
  if (!(AUTH_MODES as readonly string[]).includes(c.auth)) {
    return [{ field: 'config.auth', message: `config.auth must be one of ${AUTH_MODES.join(', ')}` }];
  }
  if (c.auth === 'basic') {
    need('username', 'for basic auth');
    need('password', 'for basic auth');
    if (c.username?.includes(':'))
      errors.push({ field: 'config.username', message: 'config.username cannot contain ":" (HTTP Basic)' });
    return errors;
  }
  need('headerName', `for ${c.auth} auth`);
  if (c.headerName && !HEADER_NAME.test(c.headerName))
    errors.push({ field: 'config.headerName', message: 'config.headerName is not a valid HTTP header name' });
  if (c.auth === 'header') {
    need('token', 'for header auth');
    return errors;
  }
  need('secret', 'for hmac auth');
  if (c.algorithm && !(HMAC_ALGORITHMS as readonly string[]).includes(c.algorithm))
    errors.push({
      field: 'config.algorithm',
      message: `config.algorithm must be one of ${HMAC_ALGORITHMS.join(', ')}`,
    });
  if (c.encoding && !(HMAC_ENCODINGS as readonly string[]).includes(c.encoding))
    errors.push({
      field: 'config.encoding',
      message: `config.encoding must be one of ${HMAC_ENCODINGS.join(', ')}`,
    });
  return errors;
}

function typeErrors(c: SourceConfig): FieldError[] {
  if (c.eventType && c.eventTypeExpression)
    return [{ field: 'config.eventType', message: 'Give eventType or eventTypeExpression, not both' }];
  if (!c.eventType && !c.eventTypeExpression)
    return [
      { field: 'config.eventType', message: 'config.eventType or config.eventTypeExpression is required' },
    ];
  if (c.eventType && !isEventType(c.eventType))
    return [
      {
        field: 'config.eventType',
        message: 'config.eventType must be lower-case dotted words, e.g. lead.created',
      },
    ];
  return [];
}

function expressionErrors(c: SourceConfig): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['eventTypeExpression', 'idExpression']) {
    if (!c[key]) continue;
    try {
      compileExpression(c[key]);
    } catch (err) {
      const what = err instanceof ExpressionError ? `${err.message} (${err.code})` : 'does not compile';
      errors.push({ field: `config.${key}`, message: `config.${key}: ${what}` });
    }
  }
  return errors;
}

/** What our workflows subscribe to: lower-case dotted words, as Standard Webhooks types are. */
export function isEventType(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TYPE_LENGTH && EVENT_TYPE.test(value);
}
