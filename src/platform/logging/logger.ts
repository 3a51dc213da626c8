import type { LoggerService, LogLevel } from '@nestjs/common';
import pino from 'pino';
import { maskPii, maskString } from './redact';

export interface CreateLoggerOptions {
  level: string;
  /** Human-readable output through pino-pretty (development only). */
  pretty: boolean;
  name?: string;
  /** Where JSON lines go instead of stdout; tests pass a capturing stream. Disables `pretty`. */
  destination?: pino.DestinationStream;
}

/**
 * Every log call is masked before pino sees it (hooks.logMethod), so personal data never reaches a
 * transport: merge object, message, printf arguments, Errors, child bindings and req/res.
 */
export function createLogger(opts: CreateLoggerOptions): pino.Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    name: opts.name,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { bindings: maskBindings },
    serializers: {
      // Errors are already masked plain objects here; pino's default would rename their type to "Object".
      err: (value: unknown) => (value instanceof Error ? maskPii(value) : value),
      req: (req: unknown) => maskHttp(req, pino.stdSerializers.req),
      res: (res: unknown) => maskHttp(res, pino.stdSerializers.res),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, maskLogArguments(args as unknown[]) as Parameters<pino.LogFn>);
      },
    },
  };

  if (opts.destination) return maskChildBindings(pino(options, opts.destination));

  const pretty = opts.pretty && isInstalled('pino-pretty');
  if (pretty) {
    options.transport = {
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:standard', ignore: 'pid,hostname' },
    };
  }
  const logger = maskChildBindings(pino(options));
  if (opts.pretty && !pretty) logger.warn('pino-pretty is not installed: logging JSON');
  return logger;
}

/**
 * pino applies `formatters.bindings` to the root logger only, so child bindings (and serializers a
 * child brings) are masked here.
 * Children are created with Object.create(parent), so they inherit these overrides.
 */
function maskChildBindings(logger: pino.Logger): pino.Logger {
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function <L extends string = never>(
    this: pino.Logger,
    bindings: pino.Bindings,
    options?: pino.ChildLoggerOptions<L>,
  ): pino.Logger<L> {
    const serializers = options?.serializers;
    const masked = serializers ? { ...options, serializers: maskSerializers(serializers) } : options;
    return child.apply(this, [maskBindings(bindings), masked]) as pino.Logger<L>;
  };
  logger.setBindings = function (this: pino.Logger, bindings: pino.Bindings): void {
    setBindings.apply(this, [maskBindings(bindings)]);
  };
  return logger;
}

/** A child's own serializers (e.g. a framework's `req`) replace ours, so their output is masked too. */
function maskSerializers(serializers: Record<string, pino.SerializerFn>): Record<string, pino.SerializerFn> {
  const masked: Record<string, pino.SerializerFn> = {};
  for (const [key, serialize] of Object.entries(serializers))
    masked[key] = (value) => maskPii(serialize(value));
  return masked;
}

function maskHttp(value: unknown, serialize: (value: never) => object): unknown {
  // the std serializers throw on null and mangle non-objects
  return typeof value === 'object' && value !== null
    ? maskPii({ ...serialize(value as never) })
    : maskPii(value);
}

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

function maskBindings(bindings: pino.Bindings): pino.Bindings {
  // `name` here is the logger's own name (a component), not a person's.
  const { name, ...rest } = bindings;
  const masked = maskPii(rest) as Record<string, unknown>;
  return name === undefined ? masked : { name, ...masked };
}

const maskArgument = (value: unknown): unknown =>
  typeof value === 'string' ? maskString(value) : maskPii(value);

function maskLogArguments(args: unknown[]): unknown[] {
  if (args.length === 0) return args;
  const [first, ...rest] = args;
  const tail = rest.map(maskArgument);
  if (first instanceof Error) {
    // Without an explicit message pino would copy the raw err.message into `msg`.
    const msg = tail.length > 0 ? tail[0] : maskString(first.message);
    return [{ err: maskPii(first) }, msg, ...tail.slice(1)];
  }
  if (typeof first === 'object' && first !== null) return [maskMergeObject(first), ...tail];
  return [maskArgument(first), ...tail];
}

function maskMergeObject(obj: object): unknown {
  const http = obj as { method?: unknown; headers?: unknown; socket?: unknown; setHeader?: unknown };
  // pino maps a raw request/response to `req`/`res`, whose serializers mask them.
  if ((http.method && http.headers && http.socket) || typeof http.setHeader === 'function') return obj;
  if (Array.isArray(obj)) return maskPii(obj);
  const { req, res, ...rest } = obj as Record<string, unknown>;
  const masked = maskPii(rest) as Record<string, unknown>;
  if (req !== undefined) masked.req = req;
  if (res !== undefined) masked.res = res;
  return masked;
}

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const NEST_TO_PINO: Record<LogLevel, PinoLevel> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};
const PINO_LEVELS_BY_VERBOSITY: PinoLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * Nest's bootstrap contexts: one line per module, controller and route (~140 at start). At info
 * they buried the lines an operator needs, such as the bootstrap admin key; LOG_LEVEL=debug shows them.
 */
const BOOT_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

const STACK_FORMAT = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Routes Nest's own logs (bootstrap, exception handler, `new Logger(Context)`) through the masked pino
 * logger. Follows ConsoleLogger's argument conventions: a trailing string is the context, and
 * `error(message, stack, context)`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const call = takeContext(optionalParams);
    this.write(call.context && BOOT_CHATTER.has(call.context) ? 'debug' : 'info', message, call);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    const [only] = optionalParams;
    if (optionalParams.length === 1 && typeof only === 'string' && STACK_FORMAT.test(only)) {
      this.write('error', message, { params: [], stack: only });
      return;
    }
    const { context, params } = takeContext(optionalParams);
    const last = params[params.length - 1];
    if (params.length > 0 && (typeof last === 'string' || last === undefined)) {
      this.write('error', message, { context, params: params.slice(0, -1), stack: last });
    } else {
      this.write('error', message, { context, params });
    }
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, takeContext(optionalParams));
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, takeContext(optionalParams));
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, takeContext(optionalParams));
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, takeContext(optionalParams));
  }

  /** pino has a threshold, not a set: enable from the most verbose level Nest asked for. */
  setLogLevels(levels: LogLevel[]): void {
    const wanted = new Set(levels.map((l) => NEST_TO_PINO[l]));
    this.logger.level = PINO_LEVELS_BY_VERBOSITY.find((l) => wanted.has(l)) ?? 'silent';
  }

  private write(level: PinoLevel, message: unknown, call: NestCall): void {
    if (!this.logger.isLevelEnabled(level)) return;
    let fields: Record<string, unknown> = {};
    let msg: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      fields = { ...(message as Record<string, unknown>) };
    } else {
      msg = String(message);
    }
    if (call.stack !== undefined) fields.stack = call.stack;
    if (call.params.length > 0) fields.extra = call.params;
    if (call.context !== undefined) fields.context = call.context;

    // The hook installed by createLogger masks the fields and the message.
    if (msg === undefined) this.logger[level](fields);
    else this.logger[level](fields, msg);
  }
}

interface NestCall {
  context?: string;
  params: unknown[];
  stack?: string;
}

function takeContext(params: unknown[]): NestCall {
  const last = params[params.length - 1];
  return typeof last === 'string' ? { context: last, params: params.slice(0, -1) } : { params };
}
