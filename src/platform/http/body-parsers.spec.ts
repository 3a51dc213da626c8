import { jsonDepthExceeds, parseFormBody, parseJsonBody } from './body-parsers';
import { ProblemException } from './problem';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ProblemException).code;
  }
};

describe('body parsers', () => {
  it('counts JSON depth on bytes, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds(Buffer.from('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{"a":"[[[[[[\\"[[["}'), 1)).toBe(false);
  });

  it('parses JSON and refuses malformed, deep, non-UTF-8 and prototype-polluting bodies', () => {
    expect(parseJsonBody(Buffer.from('{"a":1}'), 8)).toEqual({ a: 1 });
    expect(parseJsonBody(Buffer.alloc(0), 8)).toBeUndefined();
    expect(code(() => parseJsonBody(Buffer.from('{"a":'), 8))).toBe('MALFORMED_BODY');
    expect(code(() => parseJsonBody(Buffer.from('[[[[[[[[[[]]]]]]]]]]'), 8))).toBe('MALFORMED_BODY');
    expect(code(() => parseJsonBody(Buffer.from([0x7b, 0xff, 0x7d]), 8))).toBe('MALFORMED_BODY');
    expect(code(() => parseJsonBody(Buffer.from('{"__proto__":{"x":1}}'), 8))).toBe('MALFORMED_BODY');
  });

  it('parses flat forms, repeated keys as arrays', () => {
    expect(parseFormBody(Buffer.from('From=whatsapp%3A%2B5531&Body=Ol%C3%A1+mundo&a=1&a=2'))).toEqual({
      From: 'whatsapp:+5531',
      Body: 'Olá mundo',
      a: ['1', '2'],
    });
  });
});
