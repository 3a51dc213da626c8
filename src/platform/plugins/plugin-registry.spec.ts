import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { classDeclarations, declare, declareClass, definePluginPoint } from './plugin-point';
import { PluginRegistry } from './plugin-registry';

type Greeter = (who: string) => Promise<string>;
const GREETER = definePluginPoint<Greeter>({ title: 'greeter' });
const Greets = (name: string, fallback = false) => declare(GREETER, name, { fallback });
const REQUIRED = definePluginPoint<() => Promise<void>>({ title: 'test kind', required: ['a'] });
const ONLY = definePluginPoint<() => Promise<void>>({ title: 'test guard', single: true });

interface Shape {
  area(): number;
}
const SHAPE = definePluginPoint<Shape, { sides: number }>({
  title: 'shape',
  allowed: { names: ['square', 'triangle'], where: 'SHAPES' },
});

@Injectable()
@declareClass(SHAPE, 'square', { sides: 4 })
class Square implements Shape {
  area() {
    return 4;
  }
}

@Injectable()
@declareClass(SHAPE, 'circle', { sides: 0 })
class Circle implements Shape {
  area() {
    return 3;
  }
}

async function start(...providers: Array<new (...args: never[]) => unknown>) {
  @Module({ imports: [DiscoveryModule], providers: [PluginRegistry, ...providers] })
  class Host {}
  const ref = await Test.createTestingModule({ imports: [Host] }).compile();
  await ref.init();
  return ref.get(PluginRegistry);
}

@Injectable()
class Placeholder {
  @Greets('hello', true)
  hello(who: string) {
    return Promise.resolve(`placeholder ${who}`);
  }
}

@Injectable()
class Real {
  @Greets('hello')
  hello(who: string) {
    return Promise.resolve(`real ${who}`);
  }
}

@Injectable()
class AlsoReal {
  @Greets('hello')
  hi(who: string) {
    return Promise.resolve(`also ${who}`);
  }
}

@Injectable()
class KindA {
  @declare(REQUIRED, 'a')
  a() {
    return Promise.resolve();
  }
}

@Injectable()
class Guards {
  @declare(ONLY)
  one() {
    return Promise.resolve();
  }

  @declare(ONLY)
  two() {
    return Promise.resolve();
  }
}

describe('PluginRegistry', () => {
  it('hands a point its declared handlers, bound to their provider', async () => {
    const plugins = await start(KindA, Real);
    const [hello] = plugins.get(GREETER);
    expect(hello.name).toBe('hello');
    expect(hello.owner).toBe('Real.hello');
    await expect(hello.handler('ana')).resolves.toBe('real ana');
  });

  it('a real declaration replaces a fallback of the same name, whatever the order', async () => {
    for (const order of [
      [Placeholder, Real],
      [Real, Placeholder],
    ]) {
      const plugins = await start(KindA, ...order);
      const found = plugins.get(GREETER);
      expect(found).toHaveLength(1);
      await expect(found[0].handler('ana')).resolves.toBe('real ana');
    }
  });

  it('a fallback alone is used', async () => {
    const [hello] = (await start(KindA, Placeholder)).get(GREETER);
    await expect(hello.handler('ana')).resolves.toBe('placeholder ana');
  });

  it('refuses to start on a duplicate, naming both handlers', async () => {
    await expect(start(KindA, Real, AlsoReal)).rejects.toThrow(
      'greeter "hello" is declared 2 times: Real.hello, AlsoReal.hi',
    );
  });

  it('refuses to start when a required name has no handler', async () => {
    await expect(start(Real)).rejects.toThrow('test kind "a" has no handler');
  });

  it('refuses a second declaration where only one is allowed', async () => {
    await expect(start(KindA, Guards)).rejects.toThrow(
      'test guard: only one is allowed, found Guards.one, Guards.two',
    );
  });

  it('hands a class-level declaration the provider itself, with its options', async () => {
    const [square] = (await start(KindA, Square)).get(SHAPE);
    expect(square).toMatchObject({ name: 'square', owner: 'Square', options: { sides: 4 } });
    expect(square.handler).toBeInstanceOf(Square);
    expect(square.handler.area()).toBe(4);
  });

  it('reads class-level declarations from the class alone (no instance: preview mode)', () => {
    expect(classDeclarations(SHAPE, Square)).toEqual([{ name: 'square', options: { sides: 4 } }]);
    expect(classDeclarations(SHAPE, Real)).toEqual([]);
  });

  it('refuses a name outside the allowed list, saying where the list is', async () => {
    await expect(start(KindA, Square, Circle)).rejects.toThrow(
      'shape "circle" on Circle is not in SHAPES (square, triangle): add it there',
    );
  });
});
