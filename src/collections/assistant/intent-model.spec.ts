import { readDataset } from './dataset';
import { extractEntities } from './entities';
import { IntentModel, normalise } from './intent-model';

describe('intent classifier (pt-BR)', () => {
  const data = readDataset();
  const model = IntentModel.train(data.filter((m) => m.split !== 'test'));

  it('the data set: ≥ 1,500 messages over the 8 intents, no text in both splits', () => {
    expect(data.length).toBeGreaterThanOrEqual(1500);
    expect(new Set(data.map((m) => m.intent)).size).toBe(8);
    const key = (t: string) => normalise(t).join(' ');
    const train = new Set(data.filter((m) => m.split === 'train').map((m) => key(m.text)));
    const overlap = data.filter((m) => m.split === 'test' && train.has(key(m.text)));
    expect(overlap).toEqual([]);
  });

  it('held-out macro-F1 ≥ 0.90', () => {
    const test = data.filter((m) => m.split === 'test');
    const intents = [...new Set(data.map((m) => m.intent))];
    const f1s = intents.map((intent) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const m of test) {
        const got = model.predict(m.text).intent;
        if (got === intent && m.intent === intent) tp++;
        else if (got === intent) fp++;
        else if (m.intent === intent) fn++;
      }
      const p = tp / (tp + fp || 1);
      const r = tp / (tp + fn || 1);
      return p + r ? (2 * p * r) / (p + r) : 0;
    });
    expect(f1s.reduce((a, b) => a + b, 0) / f1s.length).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['já paguei', 'paid'],
    ['ja paguei ontem viu 🙏', 'paid'],
    ['consigo pagar em 3x', 'negotiate'],
    ['manda o boleto de novo', 'second_copy'],
    ['não devo isso', 'dispute'],
    ['para de me mandar mensagem', 'opt_out'],
    ['pago dia 15', 'promise_to_pay'],
    ['bom dia', 'greeting'],
  ])('"%s" → %s', (text, intent) => {
    expect(model.predict(text).intent).toBe(intent);
  });

  it('normalises slang, accents, repeats and placeholders', () => {
    expect(normalise('Vc pode mandar o boletooo pq n recebi R$ 1.234,56 dia 15')).toEqual([
      'voce',
      'pode',
      'mandar',
      'o',
      'boleto',
      'porque',
      'nao',
      'recebi',
      'valorx',
      'datax',
    ]);
  });

  it('entities: amounts, a date on the clock, instalments and an option pick', () => {
    const now = new Date('2026-03-10T15:00:00Z');
    expect(extractEntities('consigo pagar mil e quinhentos dia 15', now)).toEqual({
      amounts: [150000],
      date: '2026-03-15',
    });
    expect(extractEntities('consigo pagar em 3x', now)).toEqual({ installments: 3 });
    // "a segunda" is also Monday: the dialogue reads the pick when it offered options
    expect(extractEntities('a segunda', now)).toMatchObject({ choice: 2 });
  });
});
