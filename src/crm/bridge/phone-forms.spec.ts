import { bbCodeToWhatsApp, phoneForms } from './phone-forms';

describe('phoneForms: a Brazilian mobile with and without the 9th digit', () => {
  it('a 9-digit mobile also gives its 8-digit form', () => {
    expect(phoneForms('5531988887777')).toEqual(['+5531988887777', '+553188887777']);
  });

  it('an 8-digit mobile (an old WhatsApp account) also gives its 9-digit form', () => {
    expect(phoneForms('553188887777')).toEqual(['+553188887777', '+5531988887777']);
  });

  it('wrappers are ignored', () => {
    expect(phoneForms('+55 (11) 98888-7777')).toEqual(['+5511988887777', '+551188887777']);
  });

  it('a landline (subscriber starting 2–5) has one form', () => {
    expect(phoneForms('551133334444')).toEqual(['+551133334444']);
  });

  it('other countries have one form; nothing gives nothing', () => {
    expect(phoneForms('14155550123')).toEqual(['+14155550123']);
    expect(phoneForms('')).toEqual([]);
  });
});

describe('bbCodeToWhatsApp', () => {
  it('turns the operator signature and marks into WhatsApp text', () => {
    expect(bbCodeToWhatsApp('[b]Samantha Johnson:[/b] [br]Good afternoon! [i]já[/i]')).toBe(
      '*Samantha Johnson:*\nGood afternoon! _já_',
    );
  });

  it('keeps link targets and drops unknown tags', () => {
    expect(bbCodeToWhatsApp('[color=#f00]Veja[/color] [url=https://ex.com/p]o plano[/url]')).toBe(
      'Veja o plano (https://ex.com/p)',
    );
  });
});
