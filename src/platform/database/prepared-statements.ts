import { createHash } from 'node:crypto';
import pg from 'pg';

/** Distinct statements prepared per process (and so at most per connection); later ones run unnamed. */
export const MAX_PREPARED = 1000;

const names = new Map<string, string>();

/** The statement's name: a hash of its text, so one text never meets another's plan. */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_PREPARED) return known;
  const name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/**
 * A pg client that runs every parameterised statement as a named, server-side prepared
 * statement: PostgreSQL parses and analyses it once per connection instead of on every call, and
 * later calls send only Bind/Execute. Statements without parameters (migrations, BEGIN, DDL) run
 * as before. TypeORM builds the same text for the same find, so its queries benefit too.
 */
class PreparingClient extends pg.Client {
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (name) return super.query({ name, text: config, values }, callback as never) as never;
    }
    return (super.query as (...args: unknown[]) => never)(config, values, callback);
  }
}

class PreparingPool extends pg.Pool {
  constructor(config: pg.PoolConfig = {}) {
    // A generic plan ignores the values: for `phone = $2 ORDER BY id LIMIT 1` it may walk a
    // workspace's contacts in id order. Custom plans keep PostgreSQL planning with the values,
    // which is cheap; what is saved is parsing and analysis, and the bytes of the text.
    const options = [config.options, '-c plan_cache_mode=force_custom_plan'].filter(Boolean).join(' ');
    super({ ...config, Client: PreparingClient, options });
  }
}

/** The pg module as TypeORM's `driver` option, with pools of preparing clients. */
export function preparingDriver(): typeof pg {
  return Object.assign(Object.create(pg) as typeof pg, { Pool: PreparingPool });
}
