import { toE164 } from './phone';

describe('toE164', () => {
  it.each([
    ['+5531992953088', '+5531992953088'],
    ['5531992953088', '+5531992953088'],
    ['553192953088', '+5531992953088'],
    ['+55 31 9295-3088', '+5531992953088'],
    ['(31) 99295-3088', '+5531992953088'],
    ['31 99295-3088', '+5531992953088'],
    ['whatsapp:+5531992953088', '+5531992953088'],
    ['+55 11 3333-4444', '+551133334444'],
    ['+1 415 523 8886', '+14155238886'],
  ])('%s → %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['abc', '123', '+55 31 1234', '99999999999999999'])('refuses %s', (input) => {
    expect(toE164(input)).toBeUndefined();
  });
});

describe('toE164 memo', () => {
  const parse = jest.requireActual<typeof import('libphonenumber-js/max')>('libphonenumber-js/max');

  it('reads a number once, however often it is asked, refusals included', () => {
    const spy = jest.spyOn(parse, 'parsePhoneNumberFromString');
    try {
      for (let i = 0; i < 5; i++) {
        expect(toE164('+55 31 98765-4321')).toBe('+5531987654321');
        expect(toE164('+55 31 1234-999')).toBeUndefined();
      }
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('does not keep long texts', () => {
    const spy = jest.spyOn(parse, 'parsePhoneNumberFromString');
    try {
      const long = `+55 31 98765-4321${' '.repeat(100)}`;
      expect(toE164(long)).toBe('+5531987654321');
      expect(toE164(long)).toBe('+5531987654321');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
