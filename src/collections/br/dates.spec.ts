import { parseDate } from './dates';

// Tuesday 2026-03-10 12:00 in São Paulo (15:00 UTC), the reference of business-br.md §5.3
const NOW = new Date('2026-03-10T15:00:00Z');

describe('pt-BR dates on the injected clock', () => {
  it.each([
    ['pago dia 15', '2026-03-15'],
    ['dia 5', '2026-04-05'],
    ['sexta', '2026-03-13'],
    ['sexta-feira eu pago', '2026-03-13'],
    ['na próxima segunda', '2026-03-16'],
    ['semana que vem', '2026-03-16'],
    ['15/12', '2026-12-15'],
    ['15/12/2026', '2026-12-15'],
    ['01/02', '2027-02-01'],
    ['15 de dezembro', '2026-12-15'],
    ['pago dia 5 de abril', '2026-04-05'],
    ['amanhã', '2026-03-11'],
    ['amanha', '2026-03-11'],
    ['depois de amanhã', '2026-03-12'],
    ['daqui a 3 dias', '2026-03-13'],
    ['em duas semanas', '2026-03-24'],
    ['mês que vem', '2026-04-01'],
    ['fim do mês', '2026-03-31'],
    ['hoje', '2026-03-10'],
    ['terça', '2026-03-17'],
  ])('%s → %s', (text, date) => {
    expect(parseDate(text, NOW)).toBe(date);
  });

  it('the local date, not UTC: 22:30 in São Paulo is already the next day in UTC', () => {
    expect(parseDate('amanhã', new Date('2026-03-11T01:30:00Z'))).toBe('2026-03-11');
  });

  it('no date in text without one, nor in impossible dates', () => {
    expect(parseDate('já paguei', NOW)).toBeUndefined();
    expect(parseDate('31/02', NOW)).toBeUndefined();
    expect(parseDate('R$ 1.234,56', NOW)).toBeUndefined();
  });
});
