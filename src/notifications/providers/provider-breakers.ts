import { Injectable } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { HealthDetail } from '../../platform/health/health-detail';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { notificationsConfig } from '../notifications.config';
import { SendFailure, type ProviderAccount } from './provider-adapter';

type Call = () => Promise<unknown>;
const STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * A circuit breaker per provider (opossum), per process: after repeated transient failures the
 * provider is skipped by the fallback until a half-open probe succeeds. Failures that are about
 * one message (an invalid number) do not count against the provider.
 */
@Injectable()
export class ProviderBreakers {
  private readonly breakers = new Map<string, { kind: string; breaker: CircuitBreaker<[Call], unknown> }>();
  private readonly state;

  constructor(
    @InjectConfig(notificationsConfig) private readonly config: ConfigOf<typeof notificationsConfig>,
    metrics: MetricsService,
  ) {
    this.state = metrics.gauge({
      name: 'ponte_provider_circuit_state',
      help: 'Circuit of each provider: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider', 'kind'],
    });
  }

  /** Each provider's circuit, in /health/detailed. */
  @HealthDetail('providerCircuits')
  circuits(): Record<string, { kind: string; state: string }> {
    return Object.fromEntries(
      [...this.breakers].map(([id, b]) => [id, { kind: b.kind, state: stateOf(b.breaker) }]),
    );
  }

  /** Runs a provider call through its breaker; an open circuit fails at once with code `circuit_open`. */
  async call<T>(account: ProviderAccount, fn: () => Promise<T>): Promise<T> {
    if (!account.id) return fn();
    try {
      return (await this.breaker(account).fire(fn)) as T;
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER')
        throw new SendFailure(
          'permanent',
          'circuit_open',
          `the circuit of this ${account.kind} provider is open`,
        );
      throw err;
    }
  }

  /** Open circuits are skipped by the fallback; half-open ones take the probe. */
  isOpen(providerId: string | null): boolean {
    return providerId !== null && this.breakers.get(providerId)?.breaker.opened === true;
  }

  private breaker(account: ProviderAccount): CircuitBreaker<[Call], unknown> {
    const id = account.id!;
    let entry = this.breakers.get(id);
    if (!entry) {
      const breaker = new CircuitBreaker<[Call], unknown>((fn: Call) => fn(), {
        timeout: false, // every adapter call already has its deadline
        resetTimeout: this.config.breaker.resetMs,
        errorThresholdPercentage: this.config.breaker.errorPercent,
        volumeThreshold: this.config.breaker.volume,
        rollingCountTimeout: 10_000,
        // true = not the provider's fault: do not count it
        errorFilter: (err: unknown) => !(err instanceof SendFailure) || err.kind !== 'transient',
      });
      const labels = { provider: id, kind: account.kind };
      const track = () => this.state.set(labels, STATE_VALUE[stateOf(breaker)]);
      breaker.on('open', track);
      breaker.on('halfOpen', track);
      breaker.on('close', track);
      this.state.set(labels, 0);
      entry = { kind: account.kind, breaker };
      this.breakers.set(id, entry);
    }
    return entry.breaker;
  }
}

function stateOf(b: CircuitBreaker<[Call], unknown>): keyof typeof STATE_VALUE {
  return b.opened ? 'open' : b.halfOpen ? 'halfOpen' : 'closed';
}
