import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of CRM connections, Open Channel lines and the Bitrix24 bridge. */
export const CRM_PROBLEMS = defineProblems('crm', {
  CRM_NOT_CONFIGURED: { status: 409, title: 'BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET are not set' },
  CRM_OAUTH_FAILED: { status: 400, title: 'The Bitrix24 authorization did not complete' },
  CRM_CONNECTION_INACTIVE: {
    status: 409,
    title: 'The CRM connection is not active (pending or needs_reauth)',
  },
  CRM_SOURCE_MISSING: {
    status: 409,
    title: 'The workspace has no bitrix24 source: create one so Bitrix24 has somewhere to post agent replies',
  },
  CRM_PROVIDER_INVALID: {
    status: 422,
    title: 'The provider is not one of the workspace’s WhatsApp providers',
  },
  CRM_INSTALL_INVALID: {
    status: 400,
    title: 'Not a Bitrix24 install call: ONAPPINSTALL, ONAPPUNINSTALL or the install placement form',
  },
  CRM_INSTALL_FORBIDDEN: {
    status: 401,
    title: 'The application_token or member_id is not the one this connection was installed with',
  },
  CRM_PORTAL_TAKEN: { status: 409, title: 'Another connection of the workspace has this portal' },
  CRM_PROVIDER_ERROR: { status: 502, title: 'Bitrix24 refused or failed the request' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof CRM_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the crm area; the exception filter maps it like every other problem. */
export class CrmProblem extends ProblemException<keyof typeof CRM_PROBLEMS> {}
