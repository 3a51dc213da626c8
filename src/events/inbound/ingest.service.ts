import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { Clock } from '../../platform/clock';
import { Outcomes } from '../../platform/outcomes/outcomes';
import { ProblemException } from '../../platform/http/problem';
import { toStorableValue } from '../../platform/http/storable-text';
import { MetricsService } from '../../platform/metrics/metrics.service';
import type { NormaliseInput } from '../normalisers/canonical-event';
import { normalise } from '../normalisers/normalise';
import { SourceKinds } from '../sources/source-kind';
import { SourcesService } from '../sources/sources.service';
import { eventQueueFor } from '../bus/event-bus';
import { EventWriter } from '../store/event-writer';
import { InboundRequest } from '../verification/inbound-request';
import { answerHandshake, REJECTION_STATUS, verifyWebhook } from '../verification/verify';
import { EventsProblem } from '../events.problems';

export interface IngestResult {
  received: true;
  duplicate?: true;
  kind: string;
  /** The body the provider expects in answer, when its kind declares one (Twilio's TwiML). */
  acknowledgement?: { contentType: string; body: string };
}

/** The front door: verify → normalise → deduplicate and persist (group commit) → enqueue. */
@Injectable()
export class IngestService {
  private readonly webhooks;

  constructor(
    private readonly sources: SourcesService,
    private readonly kinds: SourceKinds,
    private readonly writer: EventWriter,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly outcomes: Outcomes,
    metrics: MetricsService,
  ) {
    this.webhooks = metrics.counter({
      name: 'ponte_webhooks_total',
      help: 'Inbound webhooks by source kind and outcome (accepted, duplicate, rejected) and rejection reason',
      labelNames: ['kind', 'outcome', 'reason'],
    });
  }

  async receive(slug: string, req: InboundRequest, body: unknown): Promise<IngestResult> {
    const source = await this.sources.resolve(slug);
    if (!source || !source.enabled) {
      this.webhooks.inc({ kind: 'unknown', outcome: 'rejected', reason: 'source_not_found' });
      throw new EventsProblem('SOURCE_NOT_FOUND', 'No webhook source has this slug');
    }
    const receivedAt = this.clock.now();
    const kind = this.kinds.find(source.kind)?.handler;
    const verification = verifyWebhook(kind, source.config, req, {
      publicUrl: this.config.app.publicUrl,
      now: receivedAt,
    });
    if (!verification.ok) {
      this.webhooks.inc({ kind: source.kind, outcome: 'rejected', reason: verification.reason });
      this.sources.recordRejection(source, verification.reason);
      await this.outcomes.report({
        kind: 'webhook.rejected',
        id: randomUUID(),
        workspaceId: source.workspaceId,
        at: receivedAt,
        status: verification.reason,
        source: source.id,
      });
      const { code } = REJECTION_STATUS[verification.reason];
      throw new ProblemException(code, rejectionDetail(verification.reason));
    }
    if (verification.learned) await this.sources.learnConfig(source, verification.learned);

    const input: NormaliseInput = {
      kind: source.kind,
      body,
      rawBody: req.rawBody,
      headers: req.headers,
      receivedAt,
    };
    if (kind?.prepare) input.prepared = await kind.prepare(source.config, input).catch(() => undefined);
    const events = normalise(input, kind);
    const written = await this.writer.write(
      events.map((e) => {
        // PostgreSQL refuses NUL and unpaired surrogates, which providers do send: the stored
        // copy is cleaned, and the exact bytes kept beside it when it had to be.
        const stored = { type: e.type, dedupeKey: e.dedupeKey, data: e.data };
        const clean = toStorableValue(stored);
        return {
          workspaceId: source.workspaceId,
          sourceId: source.id,
          ...clean,
          queue: eventQueueFor('webhook'),
          occurredAt: e.occurredAt,
          receivedAt,
          rawBody: clean === stored ? null : req.rawBody,
        };
      }),
    );
    const duplicate = written.length > 0 && written.every((w) => !w.inserted);
    this.webhooks.inc({ kind: source.kind, outcome: duplicate ? 'duplicate' : 'accepted', reason: '' });
    const answer: IngestResult = { received: true, kind: source.kind };
    if (duplicate) answer.duplicate = true;
    if (kind?.acknowledgement) answer.acknowledgement = kind.acknowledgement;
    return answer;
  }

  async handshake(slug: string, query: InboundRequest['query']): Promise<string> {
    const source = await this.sources.resolve(slug);
    if (!source || !source.enabled)
      throw new EventsProblem('SOURCE_NOT_FOUND', 'No webhook source has this slug');
    const challenge = answerHandshake(this.kinds.find(source.kind)?.handler, source.config, query);
    if (challenge === undefined) {
      this.sources.recordRejection(source, 'verify_token_invalid');
      throw new EventsProblem('VERIFY_TOKEN_INVALID', 'hub.mode or hub.verify_token is wrong');
    }
    return challenge;
  }
}

function rejectionDetail(reason: string): string {
  switch (reason) {
    case 'timestamp_out_of_tolerance':
      return 'The webhook timestamp is more than 5 minutes from now';
    case 'content_type':
      return 'This source accepts another content type';
    case 'signature_missing':
      return 'The signature header is missing';
    default:
      return 'The signature or token does not match';
  }
}
