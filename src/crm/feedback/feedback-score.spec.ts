import { parseFeedbackScore } from './feedback-score';

describe('parseFeedbackScore', () => {
  it.each([
    ['nota 9, adorei', 9, 10],
    ['Nota 9', 9, 10],
    ['NOTA: 10', 10, 10],
    ['minha nota é 8', 8, 10],
    ['dou 10 pra vocês', 10, 10],
    ['avalio com 7', 7, 10],
    ['10!', 10, 10],
    ['10', 10, 10],
    ['0', 0, 10],
    ['9, adorei', 9, 10],
    ['8 - bom', 8, 10],
    ['  7.', 7, 10],
    ['9,5', 9.5, 10],
    ['9/10', 9, 10],
    ['9 / 10 muito bom', 9, 10],
    ['nota 8 de 10', 8, 10],
    ['8 em 10', 8, 10],
    ['4/5', 4, 5],
    ['5 de 5!', 5, 5],
    ['4 estrelas', 4, 5],
    ['⭐⭐⭐⭐⭐', 5, 5],
    ['⭐⭐⭐', 3, 5],
    ['3', 3, 10],
  ])('%s → %s on 0–%s', (text, score, scale) => {
    expect(parseFeedbackScore(text)).toEqual({ score, scale });
  });

  it.each([
    ['Ótimo!', 5],
    ['otimo', 5],
    ['ÓTIMA experiência', 5],
    ['Excelente atendimento', 5],
    ['excelênte', 5],
    ['Adorei tudo', 5],
    ['amei ❤️', 5],
    ['😍😍', 5],
    ['muito bom', 5],
    ['Foi bom', 4],
    ['gostei', 4],
    ['👍', 4],
    ['razoável', 3],
    ['razoavel', 3],
    ['mais ou menos', 3],
    ['😐', 3],
    ['ruim', 2],
    ['não gostei', 2],
    ['nao gostei do atendimento', 2],
    ['nada bom', 2],
    ['👎', 2],
    ['péssimo', 1],
    ['PESSIMO', 1],
    ['muito ruim', 1],
    ['horrível, nunca mais', 1],
    ['😡', 1],
    ['ótimo, mas demorou um pouco e foi ruim a espera', 5],
  ])('%s → %s on 1–5', (text, score) => {
    expect(parseFeedbackScore(text)).toEqual({ score, scale: 5 });
  });

  it.each([
    'quero remarcar para o dia 10',
    'Qual o endereço de vocês?',
    '10h30 amanhã dá?',
    '2 horas de espera',
    '15 de dezembro',
    'nota 11',
    'pode me ligar no 31 99999-0000',
    '',
    '   ',
    'boaventura',
    'bomba',
    '⭐⭐⭐⭐⭐⭐⭐',
  ])('%j holds no score', (text) => {
    expect(parseFeedbackScore(text)).toBeNull();
  });

  it('a cue beats a word, a fraction beats a cue', () => {
    expect(parseFeedbackScore('péssimo, nota 2')).toEqual({ score: 2, scale: 10 });
    expect(parseFeedbackScore('nota 4/5, excelente')).toEqual({ score: 4, scale: 5 });
  });
});
