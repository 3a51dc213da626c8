import { nextWeeklyRun, weekBefore } from './report-schedules.service';
import { reportPeriod } from './report-period';
import { buildReportModel, variation } from './report-model';
import { fixedKpis } from '../../../test/fixtures/fixed-analytics.module';

describe('weekly report dates', () => {
  it('runs next on the weekday and hour in the zone, strictly after now', () => {
    // Thursday 3 Dec 2026 10:00 in São Paulo → Monday 7 Dec 08:00 (11:00Z).
    expect(nextWeeklyRun(new Date('2026-12-03T13:00:00Z'), 'mon', 8, 'America/Sao_Paulo').toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
    // On the day, before the hour: today; at the hour itself: a week later.
    expect(nextWeeklyRun(new Date('2026-12-07T10:59:00Z'), 'mon', 8, 'America/Sao_Paulo').toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
    expect(nextWeeklyRun(new Date('2026-12-07T11:00:00Z'), 'mon', 8, 'America/Sao_Paulo').toISOString()).toBe(
      '2026-12-14T11:00:00.000Z',
    );
  });

  it('keeps the local hour across a DST change (New York, 8 March 2026)', () => {
    expect(nextWeeklyRun(new Date('2026-03-03T12:00:00Z'), 'mon', 9, 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z', // EDT, UTC−4
    );
    expect(nextWeeklyRun(new Date('2026-02-24T12:00:00Z'), 'mon', 9, 'America/New_York').toISOString()).toBe(
      '2026-03-02T14:00:00.000Z', // EST, UTC−5
    );
  });

  it('reports on the 7 whole local days before the run', () => {
    const { from, to } = weekBefore(new Date('2026-12-07T11:00:00Z'), 'America/Sao_Paulo');
    expect([from.toISOString(), to.toISOString()]).toEqual([
      '2026-11-30T03:00:00.000Z',
      '2026-12-07T03:00:00.000Z',
    ]);
  });
});

describe('report period', () => {
  const now = new Date('2026-12-03T13:00:00Z');
  const tz = 'America/Sao_Paulo';

  it('takes dates as whole local days, `to` included', () => {
    const p = reportPeriod({ from: '2026-11-01', to: '2026-11-30' }, tz, now);
    expect([p.from.toISOString(), p.to.toISOString()]).toEqual([
      '2026-11-01T03:00:00.000Z',
      '2026-12-01T03:00:00.000Z',
    ]);
  });

  it('takes instants as they are and defaults to the last 7 full days', () => {
    const p = reportPeriod({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, tz, now);
    expect(p.to.getTime() - p.from.getTime()).toBe(86_400_000);
    const d = reportPeriod({}, tz, now);
    expect([d.from.toISOString(), d.to.toISOString()]).toEqual([
      '2026-11-26T03:00:00.000Z',
      '2026-12-03T03:00:00.000Z',
    ]);
  });

  it('refuses an empty or reversed period and one over 366 days', () => {
    expect(() => reportPeriod({ from: '2026-11-02', to: '2026-11-01' }, tz, now)).toThrow(
      'to must come after from',
    );
    expect(() => reportPeriod({ from: '2024-01-01', to: '2025-12-31' }, tz, now)).toThrow('at most 366 days');
  });
});

describe('report model', () => {
  it('compares with the previous period, and not with nothing', () => {
    expect(variation(110, 100)).toBeCloseTo(0.1);
    expect(variation(5, 0)).toBeNull();
    expect(variation(null, 3)).toBeNull();
  });

  it('counts a message at every funnel stage it reached and fills quiet days with zero', () => {
    const from = new Date('2026-11-01T03:00:00Z');
    const to = new Date('2026-11-04T03:00:00Z');
    const m = buildReportModel({
      workspaceName: 'W',
      kpis: fixedKpis('w', from, to),
      sentByDay: {
        metric: 'messages.sent',
        interval: 'day',
        timeZone: 'America/Sao_Paulo',
        from: from.toISOString(),
        to: to.toISOString(),
        groupBy: null,
        points: [{ at: '2026-11-02T03:00:00.000Z', group: null, value: 5 }],
      },
      generatedAt: to,
    });
    // read 7,020; delivered 4,310 + read; sent: the total (12,480) ≥ sent 700 + delivered.
    expect(m.funnel).toEqual([
      { stage: 'Enviadas', value: 12_480 },
      { stage: 'Entregues', value: 11_330 },
      { stage: 'Lidas', value: 7_020 },
    ]);
    expect(m.volumeByDay).toEqual([
      { day: '2026-11-01', value: 0 },
      { day: '2026-11-02', value: 5 },
      { day: '2026-11-03', value: 0 },
    ]);
  });
});
