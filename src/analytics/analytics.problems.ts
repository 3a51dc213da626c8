import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of analytics and alerts. */
export const ANALYTICS_PROBLEMS = defineProblems('analytics', {
  ANALYTICS_PERIOD_INVALID: {
    status: 422,
    title: '`from` must be before `to`, and the period at most 400 days (a trend at most 5,000 points)',
  },
  ANALYTICS_METRIC_UNKNOWN: { status: 422, title: 'No such metric' },
  ANALYTICS_GROUP_UNKNOWN: { status: 422, title: 'No such dimension to group by' },
  ANALYTICS_TIME_ZONE_UNKNOWN: { status: 422, title: 'No such IANA time zone' },
  ALERT_METRIC_UNKNOWN: { status: 422, title: 'No such alert metric (see the README for the list)' },
  ALERT_WINDOW_INVALID: { status: 422, title: '`window` must be an ISO 8601 duration from PT0S to P7D' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof ANALYTICS_PROBLEMS, ProblemSpec> {}
}

export class AnalyticsProblem extends ProblemException<keyof typeof ANALYTICS_PROBLEMS> {}
