import { nextState } from './alert-evaluator';
import type { AlertState } from './alert-rule.entity';

describe('alert hysteresis', () => {
  const t0 = new Date('2026-12-01T12:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  it('fires after the condition held for the window and resolves after it was clear for the window, once each', () => {
    let rule: { state: AlertState; stateSince: Date | null } = { state: 'ok', stateSince: null };
    const news: string[] = [];
    const step = (s: number, holds: boolean) => {
      const next = nextState(rule, holds, 60_000, at(s));
      if (next.news) news.push(`${s}:${next.news}`);
      rule = { state: next.state, stateSince: next.since };
    };
    step(0, true); // pending
    step(30, false); // back to ok: a blip
    step(40, true);
    step(90, true); // 50 s: not yet
    step(100, true); // 60 s: fires
    step(160, true);
    step(200, false); // resolving
    step(230, true); // back to firing, no news
    step(240, false);
    step(299, false);
    step(300, false); // 60 s clear: resolved
    step(400, false);
    expect(news).toEqual(['100:firing', '300:resolved']);
  });

  it('moves at once when the window is already in the value', () => {
    expect(nextState({ state: 'ok', stateSince: null }, true, 0, t0)).toMatchObject({
      state: 'firing',
      news: 'firing',
    });
    expect(nextState({ state: 'firing', stateSince: t0 }, false, 0, t0)).toMatchObject({
      state: 'ok',
      news: 'resolved',
    });
  });
});
