import { isAlreadyDone, isEmptyPage, omieFailure } from './omie-fault';

describe('Omie faults', () => {
  it('reads the fault from the body whatever the status', () => {
    const f = omieFailure(200, {
      faultstring: 'ERROR: O CNPJ ou CPF informado está inválido.',
      faultcode: 'SOAP-ENV:Client-206',
    });
    expect(f).toMatchObject({ kind: 'permanent', code: 'OMIE_INVALID_DOCUMENT' });
    expect(omieFailure(500, { faultstring: 'ERROR: x', faultcode: 'SOAP-ENV:Client-101' })).toMatchObject({
      kind: 'permanent',
      code: 'OMIE_AUTH',
    });
  });

  it('honours the waits Omie asks for', () => {
    expect(
      omieFailure(500, {
        faultstring: 'ERROR: Consumo redundante detectado. Aguarde 42 segundos para executar novamente.',
        faultcode: 'SOAP-ENV:Client-6',
      }),
    ).toMatchObject({ kind: 'transient', code: 'OMIE_REDUNDANT', retryAfterMs: 42_000 });
    expect(
      omieFailure(500, {
        faultstring: 'API bloqueada por consumo indevido. Tente novamente em 1800 segundos.',
        faultcode: 'MISUSE_API_PROCESS',
      }),
    ).toMatchObject({ kind: 'transient', code: 'OMIE_BLOCKED', retryAfterMs: 1_800_000 });
    expect(omieFailure(429, undefined, '7')).toMatchObject({ kind: 'transient', retryAfterMs: 7000 });
    expect(
      omieFailure(500, {
        faultstring: 'ERROR: chamada anterior ainda em execução',
        faultcode: 'SOAP-ENV:Client-1880',
      }),
    ).toMatchObject({ kind: 'transient', code: 'OMIE_BUSY' });
  });

  it('tells 5xx without a fault as transient, a plain object as success', () => {
    expect(omieFailure(502, 'Bad gateway')).toMatchObject({ kind: 'transient' });
    expect(omieFailure(200, { codigo_cliente_omie: 1 })).toBeUndefined();
  });

  it('recognises an empty page and a repeated write', () => {
    expect(
      isEmptyPage(
        omieFailure(500, {
          faultstring: 'ERROR: Não existem registros para a página [3]!',
          faultcode: 'SOAP-ENV:Client-5113',
        })!,
      ),
    ).toBe(true);
    expect(
      isAlreadyDone(
        omieFailure(500, {
          faultstring: 'ERROR: Já existe um recebimento com o Código de Integração [p1]!',
          faultcode: 'SOAP-ENV:Client-102',
        })!,
      ),
    ).toBe(true);
  });
});
