import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of calendar connections, events, availability and appointments. */
export const CALENDAR_PROBLEMS = defineProblems('calendar', {
  CALENDAR_CONFLICT: { status: 409, title: 'The time is taken' },
  CALENDAR_NOT_CONNECTED: { status: 409, title: 'No active Google Calendar connection' },
  CALENDAR_NOT_CONFIGURED: { status: 409, title: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set' },
  CALENDAR_OAUTH_FAILED: { status: 400, title: 'The Google authorization did not complete' },
  CALENDAR_PROVIDER_ERROR: { status: 502, title: 'Google Calendar refused or failed the request' },
  APPOINTMENT_STATUS_INVALID: { status: 409, title: 'The appointment cannot make this change in its status' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof CALENDAR_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the calendar area; the exception filter maps it like every other problem. */
export class CalendarProblem extends ProblemException<keyof typeof CALENDAR_PROBLEMS> {}
