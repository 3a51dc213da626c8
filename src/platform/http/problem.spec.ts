import { defineProblems, ProblemException, problemCodes, problemDocument } from './problem';

describe('problem codes declared per area', () => {
  it('maps an area code like a platform one', () => {
    defineProblems('sample', { SAMPLE_BROKEN: { status: 409, title: 'Sample is broken' } });
    const err = new ProblemException('SAMPLE_BROKEN' as never, 'it broke');
    expect(err.status).toBe(409);
    expect(problemDocument('SAMPLE_BROKEN' as never).title).toBe('Sample is broken');
    expect(problemCodes()).toContain('SAMPLE_BROKEN');
  });

  it('stops at load when two areas declare one code', () => {
    expect(() => defineProblems('other', { NOT_FOUND: { status: 404, title: 'x' } })).toThrow(
      'Problem code NOT_FOUND is declared by both platform and other',
    );
  });

  it('refuses to throw a code nobody declared', () => {
    expect(() => new ProblemException('NO_SUCH_CODE' as never)).toThrow(/not declared/);
  });
});
