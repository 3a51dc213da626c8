// Fake of a Slack incoming webhook (https://hooks.slack.com/services/T…/B…/<secret>): JSON posts with
// `text` and/or `blocks`, answered as Slack does — `200 ok` as text, `400 invalid_payload` for a body
// that is not JSON, `400 no_text` with neither field, `404 no_service` for an unknown URL.
import { FakeServer, reply, type RecordedRequest } from './fake-server';

export interface SlackPost {
  text?: string;
  blocks?: unknown[];
  at: number;
}

export class FakeSlack extends FakeServer {
  private posts: SlackPost[] = [];

  constructor(private readonly secret = 'xoxb-fake-webhook-secret') {
    super();
    this.route('POST', '/services/:team/:bot/:secret', (req) => this.post(req));
  }

  /** The URL Slack gives for the incoming webhook. */
  get webhookUrl(): string {
    return `${this.url}/services/T0000/B0000/${this.secret}`;
  }

  received(): SlackPost[] {
    return [...this.posts];
  }

  override reset(): void {
    super.reset();
    this.posts = [];
  }

  private post(req: RecordedRequest) {
    if (req.params.secret !== this.secret) return reply.text('no_service', 404, 'text/html');
    const body = req.body as Record<string, unknown> | string | undefined;
    if (!/application\/json/.test(req.headers['content-type'] ?? '') || typeof body !== 'object' || !body)
      return reply.text('invalid_payload', 400, 'text/html');
    const text = typeof body.text === 'string' && body.text.trim() ? body.text : undefined;
    const blocks = Array.isArray(body.blocks) && body.blocks.length ? body.blocks : undefined;
    if (!text && !blocks) return reply.text('no_text', 400, 'text/html');
    if (blocks && blocks.length > 50) return reply.text('invalid_blocks', 400, 'text/html');
    this.posts.push({ text, blocks, at: Date.now() });
    return reply.text('ok', 200, 'text/html');
  }
}
