import { classifyConsentMessage } from './opt-out';

describe('classifyConsentMessage', () => {
  it.each([
    'PARAR',
    'parar',
    'Sair',
    'sair',
    'STOP',
    'Stop.',
    'cancelar',
    'CANCELAR!!!',
    'Descadastrar',
    'DESCADASTRAR 😡',
    '  parar  ',
    '*PARAR*',
    'Párar',
    'SAÍR',
  ])('the whole message %p is an opt-out', (text) => {
    expect(classifyConsentMessage(text)).toBe('opt-out');
  });

  it.each([
    'Quero PARAR de receber promoções',
    'quero parar de receber',
    'Não quero mais receber essas mensagens',
    'nao quero mais receber',
    'NÃO QUERO MAIS RECEBER!',
    'Por favor me tire da lista',
    'me tira da lista',
    'Me tira da lista, obrigado 🙏',
    'Não, quero parar de receber',
  ])('the phrase in %p is an opt-out', (text) => {
    expect(classifyConsentMessage(text)).toBe('opt-out');
  });

  it.each(['VOLTAR', 'voltar', 'Start', 'START!', ' voltar 🙂 '])('%p opts back in', (text) => {
    expect(classifyConsentMessage(text)).toBe('opt-in');
  });

  it.each([
    'Vou sair mais cedo hoje',
    'vou sair mais cedo',
    'Posso cancelar a consulta?',
    'Quero voltar a receber',
  ])('%p is neither', (text) => {
    expect(classifyConsentMessage(text)).toBeNull();
  });

  it.each([
    'não quero parar de receber',
    'Não vou parar de receber, gosto das ofertas',
    'stop it',
    'start the engine',
    'desistir',
    'Eles pararam de receber o pedido?',
    '',
    '   ',
    '🙏',
  ])('%p is neither', (text) => {
    expect(classifyConsentMessage(text)).toBeNull();
  });

  it('null (a message without text) is neither', () => {
    expect(classifyConsentMessage(null)).toBeNull();
  });
});
