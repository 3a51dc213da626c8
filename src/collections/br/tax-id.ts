/**
 * CPF and CNPJ check digits (business-br.md §2). One mod-11 routine serves both: each character
 * is valued `charCode − 48`, so the numeric CNPJ and the alphanumeric one issued from July 2026
 * (`12.ABC.345/01DE-35`) share the code. Repeated digits pass the arithmetic and are refused.
 */
export type TaxIdKind = 'cpf' | 'cnpj';

export interface TaxId {
  kind: TaxIdKind;
  /** 11 digits (CPF) or 14 upper-case characters (CNPJ), without the mask. */
  value: string;
}

const value = (c: string): number => c.charCodeAt(0) - 48;

function checkDigit(body: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += value(body[i]) * weights[i];
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

const CPF_W1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
const CPF_W2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidCpf(input: string): boolean {
  const d = input.replace(/[.\-\s]/g, '');
  if (!/^\d{11}$/.test(d) || /^(\d)\1{10}$/.test(d)) return false;
  return (
    checkDigit(d.slice(0, 9), CPF_W1) === value(d[9]) && checkDigit(d.slice(0, 10), CPF_W2) === value(d[10])
  );
}

export function isValidCnpj(input: string): boolean {
  const c = input.replace(/[.\-/\s]/g, '').toUpperCase();
  // 12 alphanumeric characters, then two numeric check digits
  if (!/^[0-9A-Z]{12}\d{2}$/.test(c) || /^(\d)\1{13}$/.test(c)) return false;
  return (
    checkDigit(c.slice(0, 12), CNPJ_W1) === value(c[12]) &&
    checkDigit(c.slice(0, 13), CNPJ_W2) === value(c[13])
  );
}

/** The CPF or CNPJ in `input` (masked or not), or undefined when neither checks. */
export function parseTaxId(input: string): TaxId | undefined {
  const stripped = input
    .trim()
    .replace(/[.\-/\s]/g, '')
    .toUpperCase();
  if (stripped.length === 11 && isValidCpf(stripped)) return { kind: 'cpf', value: stripped };
  if (stripped.length === 14 && isValidCnpj(stripped)) return { kind: 'cnpj', value: stripped };
  return undefined;
}

/** `529.982.247-25`, `12.ABC.345/01DE-35`. */
export function formatTaxId(id: TaxId): string {
  const v = id.value;
  return id.kind === 'cpf'
    ? `${v.slice(0, 3)}.${v.slice(3, 6)}.${v.slice(6, 9)}-${v.slice(9)}`
    : `${v.slice(0, 2)}.${v.slice(2, 5)}.${v.slice(5, 8)}/${v.slice(8, 12)}-${v.slice(12)}`;
}
