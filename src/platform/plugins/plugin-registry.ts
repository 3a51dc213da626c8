import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import {
  Declaration,
  PLUGIN_DECLARATIONS,
  PLUGIN_POINTS,
  PluginPoint,
  StoredDeclaration,
} from './plugin-point';

export class PluginError extends Error {}

type Found = Declaration<unknown> & { fallback: boolean };

/**
 * Finds every plug-in declaration on the providers once, checks them all (duplicates, missing
 * handlers, at most one where one is allowed) and hands each point its handlers. Any problem
 * stops the start with one line per problem.
 */
@Injectable()
export class PluginRegistry implements OnModuleInit {
  private found?: Map<symbol, Found[]>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.scan();
  }

  /** The handlers declared for a point, in discovery (module) order, fallbacks resolved. */
  get<H, O extends object>(point: PluginPoint<H, O>): Array<Declaration<H, O>> {
    return (this.scan().get(point.id) ?? []) as unknown as Array<Declaration<H, O>>;
  }

  private scan(): Map<symbol, Found[]> {
    if (this.found) return this.found;
    const raw = new Map<symbol, Found[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      // Class-level declarations: the provider itself is the handler.
      const own = Reflect.getOwnMetadata(PLUGIN_DECLARATIONS, instance.constructor) as
        StoredDeclaration[] | undefined;
      for (const d of own ?? []) {
        const entry: Found = {
          name: d.name ?? instance.constructor.name,
          options: d.options,
          handler: instance,
          owner: instance.constructor.name,
          fallback: (d.options as { fallback?: boolean }).fallback === true,
        };
        raw.set(d.point, [...(raw.get(d.point) ?? []), entry]);
      }
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method] as Function;
        const list = Reflect.getMetadata(PLUGIN_DECLARATIONS, fn) as StoredDeclaration[] | undefined;
        const owner = `${instance.constructor.name}.${method}`;
        for (const d of list ?? []) {
          const entry: Found = {
            name: d.name ?? owner,
            options: d.options,
            handler: fn.bind(instance),
            owner,
            fallback: (d.options as { fallback?: boolean }).fallback === true,
          };
          raw.set(d.point, [...(raw.get(d.point) ?? []), entry]);
        }
      }
    }
    const problems: string[] = [];
    const resolved = new Map<symbol, Found[]>();
    for (const point of PLUGIN_POINTS) {
      resolved.set(point.id, this.check(point, raw.get(point.id) ?? [], raw, problems));
    }
    if (problems.length) throw new PluginError(`Plug-in check failed:\n  ${problems.join('\n  ')}`);
    this.found = resolved;
    return resolved;
  }

  private check(
    point: PluginPoint<unknown>,
    declared: Found[],
    all: Map<symbol, Found[]>,
    problems: string[],
  ): Found[] {
    const { title, required, single, pairedWith, reserved, namePattern, allowed } = point.spec;
    const byName = new Map<string, Found[]>();
    for (const d of declared) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    const kept: Found[] = [];
    for (const [name, list] of byName) {
      // A real handler replaces the placeholders of its name; two real ones (or two placeholders) clash.
      const real = list.filter((d) => !d.fallback);
      const chosen = real.length ? real : list;
      if (chosen.length > 1)
        problems.push(
          `${title} "${name}" is declared ${chosen.length} times: ${chosen.map((d) => d.owner).join(', ')}`,
        );
      if (reserved?.includes(name))
        problems.push(`${title} "${name}" on ${chosen[0].owner}: the name is reserved`);
      if (namePattern && !namePattern.pattern.test(name))
        problems.push(`${title} "${name}" on ${chosen[0].owner}: ${namePattern.rule}`);
      if (allowed && !allowed.names.includes(name))
        problems.push(
          `${title} "${name}" on ${chosen[0].owner} is not in ${allowed.where} (${allowed.names.join(', ')}): add it there`,
        );
      kept.push(chosen[0]);
    }
    if (single && kept.length > 1)
      problems.push(`${title}: only one is allowed, found ${kept.map((d) => d.owner).join(', ')}`);
    for (const name of required ?? []) {
      if (!byName.has(name))
        problems.push(`${title} "${name}" has no handler: declare one on a provider (its class or a method)`);
    }
    for (const other of pairedWith?.() ?? []) {
      const names = new Set((all.get(other.id) ?? []).map((d) => d.name));
      for (const d of kept) {
        if (!names.has(d.name))
          problems.push(`${title} "${d.name}" on ${d.owner} has no ${other.spec.title} of the same name`);
      }
    }
    // Keep discovery order (stable: module order), not the grouping order.
    return declared.filter((d) => kept.includes(d));
  }
}
