/**
 * A plug-in point: a place where modules contribute handlers by declaring them on a provider
 * method (`@OnEvent(...)`, `@WorkflowAction(...)`), never by calling into the owning module. The
 * PluginRegistry finds the declarations at start-up, like `@OnJob`, and refuses to start on a
 * duplicate name or a missing handler.
 */
export interface PluginPointSpec {
  /** How start-up errors name a declaration of this point: `event subscription`. */
  title: string;
  /** Names that must each have a handler (every DLQ kind has its retrier). */
  required?: readonly string[];
  /** At most one declaration in the whole application (the window guard). */
  single?: boolean;
  /** Every name declared here must be declared on these points too (a personal-data export has its erase). */
  pairedWith?: () => PluginPoint<never>[];
  /** Names the owning module answers itself, that no declaration may take. */
  reserved?: readonly string[];
  /**
   * The only names a declaration may take, with where that list lives: kinds the public API
   * publishes as a static enum (the OpenAPI document) must be declared, and declared only, there.
   */
  allowed?: { names: readonly string[]; where: string };
  /** A name's allowed shape, with the rule to show when it does not match. */
  namePattern?: { pattern: RegExp; rule: string };
}

export interface DeclareOptions {
  /**
   * A stand-in until a real handler exists: a declaration of the same name without `fallback`
   * replaces it instead of being a duplicate (the placeholder `crm.upsertLead` yields to the CRM
   * module's). Two fallbacks of one name are still a duplicate.
   */
  fallback?: boolean;
}

export interface PluginPoint<H, O extends object = object> {
  readonly id: symbol;
  readonly spec: PluginPointSpec;
  /** Phantom: the handler type (a method's signature is checked against it). */
  readonly handler?: H;
  readonly options?: O;
}

/** One declaration, as found on a provider. */
export interface Declaration<H, O extends object = object> {
  name: string;
  options: O & DeclareOptions;
  handler: H;
  /** `Class.method`, for error messages. */
  owner: string;
}

export const PLUGIN_DECLARATIONS = 'ponte:plugins';

export interface StoredDeclaration {
  point: symbol;
  name: string | undefined;
  options: object;
}

/** Every point defined, so the registry checks even those nobody declared anything on. */
export const PLUGIN_POINTS: Array<PluginPoint<unknown>> = [];

export function definePluginPoint<H, O extends object = object>(spec: PluginPointSpec): PluginPoint<H, O> {
  const point: PluginPoint<H, O> = { id: Symbol(spec.title), spec };
  PLUGIN_POINTS.push(point);
  return point;
}

/**
 * A plug-in whose handler is the provider itself rather than one method: a source kind (its
 * verifier and normaliser), a provider kind (its adapter). The class must implement the point's
 * handler type; `options` is the static part of the declaration (a config field spec), readable
 * from the class alone (`classDeclarations`) where no provider is instantiated (the OpenAPI
 * document is built in preview mode).
 */
export function declareClass<H, O extends object>(
  point: PluginPoint<H, O>,
  name: string,
  options: O & DeclareOptions,
) {
  return <C extends abstract new (...args: never[]) => H>(target: C): void => {
    const list =
      (Reflect.getOwnMetadata(PLUGIN_DECLARATIONS, target) as StoredDeclaration[] | undefined) ?? [];
    Reflect.defineMetadata(PLUGIN_DECLARATIONS, [...list, { point: point.id, name, options }], target);
  };
}

/** The class-level declarations of `point` on `type` (none when it has none). */
export function classDeclarations<O extends object>(
  point: PluginPoint<unknown, O>,
  type: unknown,
): Array<{ name: string; options: O }> {
  if (typeof type !== 'function') return [];
  const list = (Reflect.getOwnMetadata(PLUGIN_DECLARATIONS, type) as StoredDeclaration[] | undefined) ?? [];
  return list
    .filter((d) => d.point === point.id && d.name !== undefined)
    .map((d) => ({ name: d.name as string, options: d.options as O }));
}

/**
 * The method decorator of a point. The method's signature must match the point's handler type;
 * a method may carry several declarations (one handler subscribed to two event types). `name`
 * undefined takes `Class.method` (sent observers need no name of their own).
 */
export function declare<H, O extends object>(
  point: PluginPoint<H, O>,
  name?: string,
  options?: O & DeclareOptions,
) {
  return <T extends H>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): void => {
    const method = descriptor.value as object;
    const list = (Reflect.getMetadata(PLUGIN_DECLARATIONS, method) as StoredDeclaration[] | undefined) ?? [];
    Reflect.defineMetadata(
      PLUGIN_DECLARATIONS,
      [...list, { point: point.id, name, options: options ?? {} }],
      method,
    );
  };
}
