// Fake of a Discord webhook (https://discord.com/api/webhooks/<id>/<token>): JSON executes with
// `content` (≤ 2,000 characters) and/or `embeds` (≤ 10), answered as Discord does — `204` (no
// `?wait=true`), `401 Invalid Webhook Token` (code 50027), `400 Cannot send an empty message`
// (code 50006), `400` with the field's error for a content too long or too many embeds.
import { FakeServer, reply, type RecordedRequest } from './fake-server';

export interface DiscordPost {
  content?: string;
  embeds?: Array<Record<string, unknown>>;
  at: number;
}

export class FakeDiscord extends FakeServer {
  private posts: DiscordPost[] = [];

  constructor(
    private readonly id = '112233445566778899',
    private readonly token = 'fake-discord-webhook-token',
  ) {
    super();
    this.route('POST', '/api/webhooks/:id/:token', (req) => this.execute(req));
  }

  get webhookUrl(): string {
    return `${this.url}/api/webhooks/${this.id}/${this.token}`;
  }

  received(): DiscordPost[] {
    return [...this.posts];
  }

  override reset(): void {
    super.reset();
    this.posts = [];
  }

  private execute(req: RecordedRequest) {
    if (req.params.id !== this.id || req.params.token !== this.token)
      return reply.json({ message: 'Invalid Webhook Token', code: 50027 }, 401);
    const body = req.body as Record<string, unknown> | undefined;
    if (!/application\/json/.test(req.headers['content-type'] ?? '') || typeof body !== 'object' || !body)
      return reply.json({ message: 'Cannot send an empty message', code: 50006 }, 400);
    const content = typeof body.content === 'string' && body.content ? body.content : undefined;
    const embeds =
      Array.isArray(body.embeds) && body.embeds.length ? (body.embeds as DiscordPost['embeds']) : undefined;
    if (!content && !embeds) return reply.json({ message: 'Cannot send an empty message', code: 50006 }, 400);
    if (content && content.length > 2000)
      return reply.json(
        {
          code: 50035,
          message: 'Invalid Form Body',
          errors: {
            content: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
            },
          },
        },
        400,
      );
    if (embeds && embeds.length > 10)
      return reply.json(
        {
          code: 50035,
          message: 'Invalid Form Body',
          errors: {
            embeds: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }],
            },
          },
        },
        400,
      );
    this.posts.push({ content, embeds, at: Date.now() });
    return reply.empty(204);
  }
}
