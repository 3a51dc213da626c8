import { Injectable, Logger } from '@nestjs/common';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import type { SendNotificationDto } from '../../notifications/sending/notifications.dto';
import { OutboundHttp } from '../../platform/outbound/outbound-http';
import type { AlertChannel, AlertRule } from './alert-rule.entity';

export interface AlertNews {
  kind: 'firing' | 'resolved';
  rule: AlertRule;
  value: number | null;
  at: Date;
}

const SYMBOL = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

export function headline(n: AlertNews): string {
  const { rule } = n;
  const value = n.value === null ? 'no value' : String(Math.round(n.value * 1000) / 1000);
  const state = n.kind === 'firing' ? '🔴 FIRING' : '✅ RESOLVED';
  return `${state}: ${rule.name} — ${rule.metric} ${SYMBOL[rule.condition]} ${rule.threshold} for ${rule.window} (now ${value})`;
}

/** Slack incoming webhooks take `{text, blocks}` (text is the notification's fallback). */
export function slackBody(n: AlertNews): object {
  const text = headline(n);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Ponte alert ${n.rule.id} at ${n.at.toISOString()}` }],
      },
    ],
  };
}

/** Discord webhooks take `{content, embeds}` (content ≤ 2,000 characters). */
export function discordBody(n: AlertNews): object {
  return {
    content: headline(n).slice(0, 2000),
    embeds: [
      {
        title: n.rule.name.slice(0, 256),
        description: `${n.rule.metric} ${SYMBOL[n.rule.condition]} ${n.rule.threshold} for ${n.rule.window}`,
        color: n.kind === 'firing' ? 0xd93025 : 0x1e8e3e,
        fields: [
          { name: 'State', value: n.kind, inline: true },
          { name: 'Value', value: String(n.value ?? '—'), inline: true },
        ],
        timestamp: n.at.toISOString(),
      },
    ],
  };
}

/**
 * One message per channel of the rule: Slack and Discord in their own formats, a JSON webhook, or
 * an e-mail sent through notifications. Outbound calls go through the SSRF-guarded client (no
 * redirects). What each channel answered is kept with the alert event.
 */
@Injectable()
export class AlertNotifier {
  private readonly logger = new Logger('AlertNotifier');

  constructor(
    private readonly http: OutboundHttp,
    private readonly notifications: NotificationsService,
  ) {}

  async notify(n: AlertNews): Promise<Array<{ type: string; ok: boolean; error?: string }>> {
    return Promise.all(
      n.rule.channels.map((c) =>
        this.send(c, n).then(
          () => ({ type: c.type, ok: true }),
          (err: Error) => {
            this.logger.warn(`alert ${n.rule.id} ${n.kind} on ${c.type}: ${err.message}`);
            return { type: c.type, ok: false, error: err.message.slice(0, 300) };
          },
        ),
      ),
    );
  }

  private async send(c: AlertChannel, n: AlertNews): Promise<void> {
    if (c.type === 'email') {
      for (const email of c.to ?? []) {
        const dto = {
          to: { email },
          channels: ['email'],
          content: { subject: headline(n), body: headline(n) },
        };
        await this.notifications.sendFor(n.rule.workspaceId, dto as unknown as SendNotificationDto);
      }
      return;
    }
    const body =
      c.type === 'slack'
        ? slackBody(n)
        : c.type === 'discord'
          ? discordBody(n)
          : {
              type: `alert.${n.kind}`,
              rule: {
                id: n.rule.id,
                name: n.rule.name,
                metric: n.rule.metric,
                condition: n.rule.condition,
                threshold: n.rule.threshold,
                window: n.rule.window,
              },
              value: n.value,
              at: n.at.toISOString(),
            };
    const res = await this.http.request({
      url: c.url!,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status < 200 || res.status >= 300)
      throw new Error(`answered ${res.status}: ${res.body.slice(0, 200)}`);
  }
}
