import type { AlertCondition } from './alert-rule.entity';

export interface AlertPreset {
  name: string;
  metric: string;
  condition: AlertCondition;
  threshold: number;
  window: string;
}

/**
 * The seeds' thresholds as presets a workspace enables (`POST /v1/alerts/rules {preset, channels}`),
 * each field overridable. `event:<type>` counts the events of that type (`*` for any part) in the window.
 */
export const ALERT_PRESETS: Record<string, AlertPreset> = {
  'retry-queue-over-100': {
    name: 'Retry queue above 100',
    metric: 'queue.retrying',
    condition: 'gt',
    threshold: 100,
    window: 'PT1M',
  },
  'dlq-growing': {
    name: 'Dead-letter queue growing',
    metric: 'dlq.growth',
    condition: 'gt',
    threshold: 0,
    window: 'PT5M',
  },
  'error-rate-over-5-percent': {
    name: 'Message error rate above 5 %',
    metric: 'messages.error_rate',
    condition: 'gt',
    threshold: 0.05,
    window: 'PT5M',
  },
  'slow-requests': {
    name: 'Requests slower than 5 s',
    metric: 'http.slow_requests',
    condition: 'gt',
    threshold: 0,
    window: 'PT5M',
  },
  'sync-failing': {
    name: 'A sync failing',
    metric: 'event:*.sync.failed',
    condition: 'gt',
    threshold: 0,
    window: 'PT15M',
  },
  'backup-failed': {
    name: 'A backup failed',
    metric: 'event:backup.failed',
    condition: 'gt',
    threshold: 0,
    window: 'PT1H',
  },
  'whatsapp-session-disconnected': {
    name: 'A WhatsApp session disconnected',
    metric: 'event:provider.session.disconnected',
    condition: 'gt',
    threshold: 0,
    window: 'PT15M',
  },
  'crm-needs-reauth': {
    name: 'A connection needs re-authorisation',
    metric: 'event:*.connection.needs_reauth',
    condition: 'gt',
    threshold: 0,
    window: 'PT1H',
  },
  'memory-over-90-percent': {
    name: 'Memory above 90 %',
    metric: 'system.memory_percent',
    condition: 'gt',
    threshold: 90,
    window: 'PT5M',
  },
  'disk-over-90-percent': {
    name: 'Disk above 90 %',
    metric: 'system.disk_percent',
    condition: 'gt',
    threshold: 90,
    window: 'PT5M',
  },
};
