import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { PluginRegistry } from '../plugins/plugin-registry';
import { HEALTH_DETAIL, HealthDetail } from './health-detail';

async function start(...providers: Array<new (...args: never[]) => unknown>) {
  @Module({ imports: [DiscoveryModule], providers: [PluginRegistry, ...providers] })
  class Host {}
  const ref = await Test.createTestingModule({ imports: [Host] }).compile();
  await ref.init();
  return ref.get(PluginRegistry);
}

@Injectable()
class Circuits {
  @HealthDetail('circuits')
  report() {
    return { open: 0 };
  }
}

@Injectable()
class OtherCircuits {
  @HealthDetail('circuits')
  mine() {
    return { open: 1 };
  }
}

@Injectable()
class Overrider {
  @HealthDetail('status')
  status() {
    return 'ok';
  }
}

describe('@HealthDetail', () => {
  it('hands /health/detailed its sections, by name', async () => {
    const [found] = (await start(Circuits)).get(HEALTH_DETAIL);
    expect(found.name).toBe('circuits');
    expect(found.handler()).toEqual({ open: 0 });
  });

  it('refuses two sections of one name, and the names the report answers itself', async () => {
    await expect(start(Circuits, OtherCircuits)).rejects.toThrow(
      'health detail "circuits" is declared 2 times: Circuits.report, OtherCircuits.mine',
    );
    await expect(start(Overrider)).rejects.toThrow(
      'health detail "status" on Overrider.status: the name is reserved',
    );
  });
});
