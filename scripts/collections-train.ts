/**
 * `npm run collections:train`: trains the assistant's intent model on the data set's training split
 * plus every operator correction stored in PostgreSQL (`POST /v1/collections/messages/:id/label`),
 * and writes data/collections/model.json (loaded by the app at start). Without a reachable
 * database it trains on the data set alone and says so.
 */
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { modelFile, readDataset } from '../src/collections/assistant/dataset';
import { IntentModel } from '../src/collections/assistant/intent-model';

async function corrections(): Promise<Array<{ text: string; intent: string }>> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ponte';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ text: string; intent: string }>(
      `SELECT text, label AS intent FROM collection_messages WHERE label IS NOT NULL AND text IS NOT NULL`,
    );
    return rows;
  } catch (err) {
    console.warn(`No corrections read (${(err as Error).message}): training on the data set alone`);
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const train = readDataset().filter((m) => m.split !== 'test');
  const fixes = await corrections();
  const model = IntentModel.train([...train, ...fixes]);
  writeFileSync(modelFile(), JSON.stringify(model.toJSON()));
  console.log(
    `Trained on ${train.length} data set messages and ${fixes.length} corrections → ${modelFile()}`,
  );
}

void main();
