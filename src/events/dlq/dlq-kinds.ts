/**
 * The kinds of work that land in the dead-letter queue. A module with dead-lettered work of its
 * own declares its kind where it lives, never in this file:
 *
 * ```ts
 * defineDlqKind('invoice');
 * declare module '../events/dlq/dlq-kinds' { interface DlqKinds { invoice: true } }
 * // and, on the provider that can retry one: @RetriesDlq('invoice') retry(workspaceId, refId) {...}
 * ```
 *
 * Start-up fails when a declared kind has no `@RetriesDlq` handler. The list is live: the API's
 * `kind` filter and the OpenAPI enum read it once every module is loaded.
 */
export interface DlqKinds {
  event: true;
  delivery: true;
  notification: true;
}
export type DlqKind = keyof DlqKinds & string;

export const DLQ_KINDS: DlqKind[] = ['event', 'delivery', 'notification'];

/** Declares a module's DLQ kind (at import time, from the module's own folder); a second declaration throws. */
export function defineDlqKind<K extends DlqKind>(kind: K): K {
  if (DLQ_KINDS.includes(kind)) throw new Error(`DLQ kind "${kind}" is declared twice`);
  DLQ_KINDS.push(kind);
  return kind;
}
