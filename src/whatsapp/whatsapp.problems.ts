import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of the whatsapp module. */
export const WHATSAPP_PROBLEMS = defineProblems('whatsapp', {
  PROVIDER_SESSIONS_UNSUPPORTED: {
    status: 422,
    title: "The provider's kind has no WhatsApp Web session (only waha and zapi have)",
  },
  PROVIDER_SESSION_NO_QR: { status: 409, title: 'The session has no QR code to scan now' },
  PROVIDER_SESSION_FAILED: { status: 502, title: 'The provider refused or failed the session call' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof WHATSAPP_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the whatsapp area; the exception filter maps it like every other problem. */
export class WhatsAppProblem extends ProblemException<keyof typeof WHATSAPP_PROBLEMS> {}
