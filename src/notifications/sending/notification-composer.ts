import { Injectable } from '@nestjs/common';
import type { Channel, RenderedContent } from '../channels';
import type { OutgoingMessage } from '../providers/provider-adapter';
import { TemplatesService } from '../templates/templates.service';
import type { Notification } from './notification.entity';
import { addressFor } from './notification-routes';

/** Inline content as stored on the notification. */
export interface StoredContent {
  subject?: string;
  body: string;
  media?: OutgoingMessage['media'];
  buttons?: OutgoingMessage['buttons'];
}

type Composable = Pick<Notification, 'workspaceId' | 'templateKey' | 'content' | 'data' | 'locale'>;

/** Renders a notification for a channel: its template, or its inline content, with its data. */
@Injectable()
export class NotificationComposer {
  constructor(private readonly templates: TemplatesService) {}

  /** Throws the 422 problems of templates (missing variables, unknown template). */
  render(n: Composable, channel: Channel): Promise<RenderedContent> {
    if (n.templateKey)
      return this.templates.render(n.workspaceId, n.templateKey, channel, n.data, n.locale ?? undefined);
    const content = n.content as unknown as StoredContent;
    return Promise.resolve(this.templates.renderInline(channel, content, n.data));
  }

  async message(n: Notification, channel: Channel): Promise<OutgoingMessage> {
    const content = n.content as unknown as StoredContent | null;
    return {
      notificationId: n.id,
      channel,
      to: addressFor(n, channel) ?? '',
      content: await this.render(n, channel),
      media: channel === 'email' ? undefined : content?.media,
      buttons: channel === 'whatsapp' ? content?.buttons : undefined,
    };
  }
}
