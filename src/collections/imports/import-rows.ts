import { toE164 } from '../../notifications/phone';
import { fold } from '../br/amounts';
import { parseBoletoLine } from '../br/boleto';
import { parseTaxId, type TaxId } from '../br/tax-id';

/** One valid row: a debtor (by CPF/CNPJ) and a debt (by external id). */
export interface ImportRow {
  externalId: string;
  name: string;
  taxId: TaxId;
  phone: string;
  amountCents: number;
  dueDate: string;
  description: string | null;
  boletoLine: string | null;
}

export interface RowRejection {
  field: string;
  reason: string;
}

/** Column names accepted for each field (compared lower-case, accents and `_ -` removed). */
const ALIASES: Record<string, string[]> = {
  externalId: ['externalid', 'id', 'iddivida', 'codigo', 'contrato', 'debtid'],
  name: ['name', 'nome', 'devedor', 'cliente', 'razaosocial'],
  document: ['document', 'documento', 'cpf', 'cnpj', 'cpfcnpj', 'taxid'],
  phone: ['phone', 'telefone', 'celular', 'whatsapp', 'fone'],
  amountCents: ['amountcents', 'valorcentavos', 'centavos'],
  amount: ['amount', 'valor', 'valorbrl'],
  dueDate: ['duedate', 'vencimento', 'datavencimento'],
  description: ['description', 'descricao', 'obs', 'observacao'],
  boletoLine: ['boletoline', 'linhadigitavel', 'boleto'],
};
const FIELD_OF = new Map<string, string>(
  Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field])),
);
const key = (column: string) => fold(column).replace(/[\s_\-.]/g, '');

/** The row's values under our field names (unknown columns ignored). */
export function canonical(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(record)) {
    const field = FIELD_OF.get(key(column));
    if (!field || value === null || value === undefined) continue;
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : `${value as number}`;
    out[field] = text.trim();
  }
  return out;
}

/** `1.234,56`, `1234.56`, `R$ 10` → cents; undefined when not an amount. */
function reaisToCents(text: string): number | undefined {
  const t = text.replace(/^r\$\s*/i, '').trim();
  let m = /^(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d{1,2}))?$/.exec(t);
  if (m) return Number(m[1].replace(/\./g, '')) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  m = /^(\d+)\.(\d{1,2})$/.exec(t);
  if (m) return Number(m[1]) * 100 + Number(m[2].padEnd(2, '0'));
  return undefined;
}

function dueDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const br = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  const [y, mo, d] = iso ? [iso[1], iso[2], iso[3]] : br ? [br[3], br[2], br[1]] : [];
  if (!y) return undefined;
  const date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`
    ? undefined
    : `${y}-${mo}-${d}`;
}

const MAX_CENTS = 100_000_000_000; // R$ 1 bilhão: anything above is a typo

/** A valid row, or the first field that is wrong and why. */
export function validateRow(record: unknown): { row: ImportRow } | { rejection: RowRejection } {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { rejection: { field: '(row)', reason: 'not an object' } };
  const v = canonical(record as Record<string, unknown>);
  const reject = (field: string, reason: string) => ({ rejection: { field, reason } });
  if (!v.externalId) return reject('externalId', 'required');
  if (v.externalId.length > 100) return reject('externalId', 'at most 100 characters');
  if (!v.name) return reject('name', 'required');
  if (v.name.length > 200) return reject('name', 'at most 200 characters');
  if (!v.document) return reject('document', 'required');
  const taxId = parseTaxId(v.document);
  if (!taxId) return reject('document', 'not a valid CPF or CNPJ (check digits)');
  if (!v.phone) return reject('phone', 'required');
  const phone = toE164(v.phone);
  if (!phone) return reject('phone', 'not a valid phone number');
  let amountCents: number | undefined;
  if (v.amountCents !== undefined && v.amountCents !== '') {
    if (!/^\d+$/.test(v.amountCents)) return reject('amountCents', 'a whole number of cents');
    amountCents = Number(v.amountCents);
  } else if (v.amount !== undefined && v.amount !== '') {
    amountCents = reaisToCents(v.amount);
    if (amountCents === undefined) return reject('amount', 'not an amount in reais (1.234,56)');
  } else return reject('amountCents', 'required');
  if (amountCents <= 0 || amountCents > MAX_CENTS)
    return reject(v.amountCents ? 'amountCents' : 'amount', 'must be positive and at most R$ 1 bilhão');
  if (!v.dueDate) return reject('dueDate', 'required');
  const due = dueDate(v.dueDate);
  if (!due) return reject('dueDate', 'not a date (YYYY-MM-DD or DD/MM/YYYY)');
  let boletoLine: string | null = null;
  if (v.boletoLine) {
    const parsed = parseBoletoLine(v.boletoLine);
    if (!parsed) return reject('boletoLine', 'not a valid boleto line (check digits)');
    boletoLine = parsed.line;
  }
  if (v.description && v.description.length > 500) return reject('description', 'at most 500 characters');
  return {
    row: {
      externalId: v.externalId,
      name: v.name,
      taxId,
      phone,
      amountCents,
      dueDate: due,
      description: v.description || null,
      boletoLine,
    },
  };
}
