import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LabelledMessage {
  text: string;
  intent: string;
  split?: 'train' | 'test';
}

/** `data/collections` of the project (found above this file, in the source tree or the build). */
export function dataDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'data', 'collections');
    if (existsSync(join(candidate, 'intents.jsonl'))) return candidate;
    if (dirname(dir) === dir) throw new Error('data/collections/intents.jsonl not found above ' + __dirname);
  }
}

export function readDataset(file = join(dataDir(), 'intents.jsonl')): LabelledMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledMessage);
}

export const modelFile = (): string => join(dataDir(), 'model.json');
