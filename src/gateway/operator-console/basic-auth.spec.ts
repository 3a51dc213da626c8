import { basicChallenge, parseBasicAuth } from './basic-auth';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('parseBasicAuth', () => {
  it('reads user and password, splitting at the first colon', () => {
    expect(parseBasicAuth(`Basic ${b64('ops@ponte.test:a:b:c')}`)).toEqual({
      username: 'ops@ponte.test',
      password: 'a:b:c',
    });
  });

  it('takes the scheme in any case and UTF-8 credentials', () => {
    expect(parseBasicAuth(`bAsIc ${b64('joão:senha€')}`)).toEqual({ username: 'joão', password: 'senha€' });
  });

  it('accepts an empty username (any username goes with an admin API key)', () => {
    expect(parseBasicAuth(`Basic ${b64(':pk_secret')}`)).toEqual({ username: '', password: 'pk_secret' });
  });

  it.each([
    ['missing', undefined],
    ['repeated header', ['Basic YTpi', 'Basic YTpi']],
    ['empty', ''],
    ['other scheme', `Bearer ${b64('a:b')}`],
    ['scheme only', 'Basic'],
    ['scheme and blank', 'Basic   '],
    ['two tokens', `Basic ${b64('a:b')} ${b64('c:d')}`],
    ['invalid characters', 'Basic YT!6Yg=='],
    ['url-safe alphabet', `Basic ${Buffer.from('a:b>?>').toString('base64url')}`],
    ['bad padding length', 'Basic YTpiYw='],
    ['padding in the middle', 'Basic YT==pi'],
    ['no colon', `Basic ${b64('abc')}`],
    ['not UTF-8', `Basic ${b64(Buffer.from([0x61, 0x3a, 0xc3, 0x28]))}`],
    ['control characters', `Basic ${b64('a\nb:c')}`],
    ['too long', `Basic ${b64(`a:${'x'.repeat(2000)}`)}`],
  ])('refuses %s', (_what, header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

describe('basicChallenge', () => {
  it('names the realm and UTF-8', () => {
    expect(basicChallenge('Ponte operators')).toBe('Basic realm="Ponte operators", charset="UTF-8"');
  });

  it('escapes the quoted-string', () => {
    expect(basicChallenge('a "b" \\c')).toBe('Basic realm="a \\"b\\" \\\\c", charset="UTF-8"');
  });
});
