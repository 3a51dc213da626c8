import { Injectable, Module } from '@nestjs/common';
import { EventsModule } from '../../src/events/events.module';
import { OnEvent, StoredEvent } from '../../src/events/processing/event-handlers';

/** Subscribes to every event: counts deliveries per event id, and fails on demand. */
@Injectable()
export class EventProbe {
  static calls = new Map<string, number>();
  static failTypes = new Set<string>();

  @OnEvent('test.probe', '*')
  async handle(event: StoredEvent): Promise<void> {
    EventProbe.calls.set(event.id, (EventProbe.calls.get(event.id) ?? 0) + 1);
    if (EventProbe.failTypes.has(event.type)) throw new Error(`probe refuses ${event.type}`);
  }

  static reset(): void {
    EventProbe.calls.clear();
    EventProbe.failTypes.clear();
  }
}

@Module({ imports: [EventsModule], providers: [EventProbe] })
export class EventProbeModule {}
