import { existsSync, readFileSync } from 'node:fs';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import { fold } from '../br/amounts';
import { readDataset, modelFile } from './dataset';
import { extractEntities, type MessageEntities } from './entities';
import { IntentModel, type Intent, type SerialisedModel } from './intent-model';

const PAST =
  /\b(ja|paguei|pagou|pagamos|fiz|feito|foi|transferi|mandei|quitei|quitado|efetuei|acabei|pago!|ontem|passad[oa])\b/;

export interface Classification {
  intent: Intent;
  confidence: number;
  entities: MessageEntities;
}

/**
 * The classifier the app uses: the model `npm run collections:train` wrote (data set plus operator
 * corrections), or, when there is none, one trained at start-up from the data set's training split.
 */
@Injectable()
export class IntentClassifier implements OnModuleInit {
  private readonly logger = new Logger('IntentClassifier');
  private model?: IntentModel;

  constructor(private readonly clock: Clock) {}

  onModuleInit(): void {
    const file = modelFile();
    if (existsSync(file)) {
      this.model = new IntentModel(JSON.parse(readFileSync(file, 'utf8')) as SerialisedModel);
    } else {
      this.model = IntentModel.train(readDataset().filter((m) => m.split !== 'test'));
      this.logger.log('no trained model: trained from the data set at start-up');
    }
  }

  classify(text: string, timeZone = 'America/Sao_Paulo'): Classification {
    const prediction = this.model!.predict(text);
    const entities = extractEntities(text, this.clock.now(), timeZone);
    let { intent, confidence } = prediction;
    // A payment with a date ahead and nothing in the past tense is a promise: NB ties amounts and
    // dates to "paid" ("fiz o pagamento de R$ 150 dia 10"), the tense is what tells them apart.
    if (intent === 'paid' && entities.date && !PAST.test(fold(text))) {
      intent = 'promise_to_pay';
      confidence = Math.max(prediction.scores.promise_to_pay ?? 0, 0.75);
    }
    return { intent, confidence: Math.round(confidence * 1000) / 1000, entities };
  }
}
