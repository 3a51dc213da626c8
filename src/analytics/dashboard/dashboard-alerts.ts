/** One alert as the dashboard lists it. */
export interface DashboardAlert {
  /** ISO instant it fired (or resolved). */
  at: string;
  rule: string;
  state: 'firing' | 'resolved';
  message: string;
}

/**
 * Where the dashboard reads a workspace's recent alerts: analytics' alert history
 * (`GET /v1/alerts/events`) provides it. Abstract class as DI token; optional: without a provider
 * the section says alerts are not available.
 */
export abstract class DashboardAlerts {
  abstract recent(workspaceId: string, limit: number): Promise<DashboardAlert[]>;
}
