/**
 * `npm run collections:evaluate`: trains on the data set's training split, classifies the held-out
 * split, and prints accuracy, precision/recall/F1 per intent, macro-F1 and the latency per message
 * (p50/p99 over repeated runs). Exits 1 when macro-F1 is under 0.90 or p99 over 5 ms.
 */
import { performance } from 'node:perf_hooks';
import { readDataset } from '../src/collections/assistant/dataset';
import { INTENTS, IntentModel } from '../src/collections/assistant/intent-model';

const data = readDataset();
const train = data.filter((m) => m.split !== 'test');
const test = data.filter((m) => m.split === 'test');
const model = IntentModel.train(train);

const stats = Object.fromEntries(INTENTS.map((i) => [i, { tp: 0, fp: 0, fn: 0 }]));
let correct = 0;
const confusions: Record<string, number> = {};
for (const m of test) {
  const got = model.predict(m.text).intent;
  if (got === m.intent) {
    correct++;
    stats[got].tp++;
  } else {
    stats[got].fp++;
    stats[m.intent].fn++;
    confusions[`${m.intent} → ${got}`] = (confusions[`${m.intent} → ${got}`] ?? 0) + 1;
  }
}
const perIntent = INTENTS.map((i) => {
  const { tp, fp, fn } = stats[i];
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    intent: i,
    support: tp + fn,
    precision: +precision.toFixed(3),
    recall: +recall.toFixed(3),
    f1: +f1.toFixed(3),
  };
});
const macroF1 = perIntent.reduce((s, r) => s + r.f1, 0) / perIntent.length;

for (const m of test) model.predict(m.text); // warm-up (JIT)
const times: number[] = [];
for (let round = 0; round < 20; round++) {
  for (const m of test) {
    const t0 = performance.now();
    model.predict(m.text);
    times.push(performance.now() - t0);
  }
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];

console.table(perIntent);
const summary = {
  messages: data.length,
  train: train.length,
  test: test.length,
  accuracy: +(correct / test.length).toFixed(4),
  macroF1: +macroF1.toFixed(4),
  latencyMs: { p50: +pct(50).toFixed(4), p99: +pct(99).toFixed(4) },
  topConfusions: Object.entries(confusions)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8),
};
console.log(JSON.stringify(summary, null, 2));
if (macroF1 < 0.9 || pct(99) > 5) process.exitCode = 1;
