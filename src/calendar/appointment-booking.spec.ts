import { bookingIntentOf } from './appointment-booking';

describe('bookingIntentOf (pt-BR)', () => {
  it.each([
    ['Oi, quero marcar um corte', { intent: 'book', service: 'Corte' }],
    ['Quero agendar uma limpeza de pele amanhã', { intent: 'book', service: 'Limpeza de pele' }],
    ['dá pra marcar horário?', { intent: 'book', service: undefined }],
    ['Confirmo!', { intent: 'confirm' }],
    ['preciso remarcar', { intent: 'reschedule' }],
    ['Posso reagendar?', { intent: 'reschedule' }],
    [' 2 ', { intent: 'choose', number: 2 }],
    ['bom dia', { intent: 'none' }],
  ])('%s', (text, expected) => {
    expect(bookingIntentOf(text)).toEqual(expected);
  });
});
