import { Injectable, OnModuleInit } from '@nestjs/common';
import { IdempotencyService } from '../../platform/http/idempotency/idempotency.service';
import { contactNeedles, PersonalDataRegistry } from './personal-data';

/**
 * Answers kept for Idempotency-Key replays (24 h) copy what they answered: a created contact's
 * phone and e-mail, say. Erasure blanks those copies and keeps the rows, so a client retrying
 * with the same key still gets its replay (status and `{"erased": true}`) and never a second
 * create.
 */
@Injectable()
export class IdempotencyPersonalData implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly idempotency: IdempotencyService,
  ) {}

  onModuleInit(): void {
    this.registry.register('idempotentReplays', {
      export: (ws, c) => this.idempotency.answersContaining(ws, contactNeedles(c)),
      erase: (ws, c) => this.idempotency.eraseAnswersContaining(ws, contactNeedles(c)),
    });
  }
}
