import { Injectable } from '@nestjs/common';
import { IdempotencyService } from '../http/idempotency/idempotency.service';
import { contactNeedles, DataSubject, ErasesPersonalData, ExportsPersonalData } from './personal-data';

/**
 * Answers kept for Idempotency-Key replays (24 h) copy what they answered: a created contact's
 * phone and e-mail, say. Erasure blanks those copies and keeps the rows, so a client retrying
 * with the same key still gets its replay (status and `{"erased": true}`) and never a second
 * create.
 */
@Injectable()
export class IdempotencyPersonalData {
  constructor(private readonly idempotency: IdempotencyService) {}

  @ExportsPersonalData('idempotentReplays')
  export(ws: string, c: DataSubject): Promise<unknown> {
    return this.idempotency.answersContaining(ws, contactNeedles(c));
  }

  @ErasesPersonalData('idempotentReplays')
  erase(ws: string, c: DataSubject): Promise<number> {
    return this.idempotency.eraseAnswersContaining(ws, contactNeedles(c));
  }
}
