#!/usr/bin/env node
// Each module owns its tables (issue 15, item 5): no file under src/<module>/ imports another
// module's *.entity.ts or names another module's table in SQL. Cross-module reads and writes go
// through the owning module's exported service. The table-to-module map is derived from the
// @Entity('<table>') declarations, so a new module needs no edit here.
// Run by `npm run lint`; prints each breach as file:line and exits 1.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return walk(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `src/<module>/...` → `<module>`; files directly under src/ (the app root) belong to none. */
const moduleOf = (file) => {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0] : null;
};

const files = walk(SRC);
const owner = new Map(); // table → module
for (const file of files.filter((f) => f.endsWith('.entity.ts'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(/@Entity\(\s*['"](\w+)['"]/g))
    owner.set(m[1], moduleOf(file));
}
if (owner.size === 0) {
  console.error('table-ownership: no @Entity tables found under src/ (is the pattern out of date?)');
  process.exit(1);
}

// Where SQL names a table: raw SQL keywords, and the query builder's table-name arguments.
const SQL_TABLE = [
  /\b(?:FROM|JOIN|UPDATE|INTO|TABLE)\s+"?(\w+)"?/g,
  /\.(?:from|(?:inner|left)Join(?:AndSelect)?|update|insert\(\)\.into|delete\(\)\.from)\(\s*['"](\w+)['"]/g,
];
const IMPORT = /from\s+['"](\.{1,2}\/[^'"]+\.entity)['"]/g;

const lineOf = (text, index) => text.slice(0, index).split('\n').length;
const breaches = [];
for (const file of files) {
  const mod = moduleOf(file);
  if (!mod) continue;
  const text = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  for (const m of text.matchAll(IMPORT)) {
    const target = moduleOf(resolve(dirname(file), m[1]));
    if (target !== mod) breaches.push(`${rel}:${lineOf(text, m.index)}: imports ${target}'s entity ${m[1]}`);
  }
  for (const re of SQL_TABLE) {
    for (const m of text.matchAll(re)) {
      const table = m[1];
      const tableOwner = owner.get(table);
      if (tableOwner && tableOwner !== mod) {
        breaches.push(`${rel}:${lineOf(text, m.index)}: names ${tableOwner}'s table "${table}" in SQL`);
      }
    }
  }
}

if (breaches.length) {
  console.error(`table-ownership: ${breaches.length} file(s) reach into another module's tables`);
  console.error("(read or write them through the owning module's exported service instead)");
  for (const b of breaches) console.error(`  ${b}`);
  process.exit(1);
}
console.log(`table-ownership: ok (${owner.size} tables, ${files.length} files)`);
