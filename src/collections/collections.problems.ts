import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of the collections module. */
export const COLLECTIONS_PROBLEMS = defineProblems('collections', {
  IMPORT_BODY_INVALID: { status: 400, title: 'The import body could not be read' },
  IMPORT_TOO_LARGE: { status: 413, title: 'The import is larger than allowed' },
  DEBT_EXTERNAL_ID_TAKEN: { status: 409, title: 'Another debt has this external id' },
  CAMPAIGN_STATE: { status: 409, title: 'The campaign cannot do that in its current state' },
  CAMPAIGN_INVALID: { status: 422, title: 'The campaign is invalid' },
  DEBT_NOT_HANDED_OVER: { status: 409, title: 'The debt is not handed over to a person' },
  LABEL_INVALID: { status: 422, title: 'Not an intent the classifier knows' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof COLLECTIONS_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the collections area; the exception filter maps it like every other problem. */
export class CollectionsProblem extends ProblemException<keyof typeof COLLECTIONS_PROBLEMS> {}
