import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { importAdapter } from '../../src/wrap/importAdapter.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { disposeConsciousness } from '../../src/wrap/disposeConsciousness.js';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';

/** The adapter type test/wrap/fixtures/googleAdapter.mjs exports. */
interface Google {
  sendMessage(text: string): Promise<string>;
}

const brain = (): InfrastructureConsciousness =>
  new InfrastructureConsciousness({ registry: new Registry(), store: new MemoryStore() });

describe('importAdapter', () => {
  it('resolves a relative specifier against options.base (the caller’s module), not this package', async () => {
    const load = importAdapter<Google>(['./fixtures/googleAdapter.mjs'], {
      exportName: 'GoogleAdapter',
      base: import.meta.url,
    });
    const google = await load();
    expect(await google.sendMessage('hi')).toBe('google: hi');
    expect(load.adapterName).toBe('GoogleAdapter');
  });

  it('takes a file path as base (CommonJS __filename)', async () => {
    const load = importAdapter<Google>(['../wrap/fixtures/googleAdapter.mjs'], {
      exportName: 'GoogleAdapter',
      base: fileURLToPath(import.meta.url),
    });
    expect(await (await load()).sendMessage('x')).toBe('google: x');
  });

  it('refuses a relative specifier without base, at once and naming the option', () => {
    expect(() => importAdapter(['./adapters/google.js'])).toThrow(
      /relative specifier "\.\/adapters\/google\.js" needs options\.base/,
    );
    expect(() => importAdapter(['./x.js'], { base: 'not a url' })).toThrow(/options\.base must be a URL/);
  });

  it('types the wrapped voice from its type argument', async () => {
    const infrastructure = brain();
    const google = withConsciousness(
      importAdapter<Google>(['./fixtures/googleAdapter.mjs'], {
        exportName: 'GoogleAdapter',
        base: import.meta.url,
      }),
      // Before the load, the proxy knows a method by the contract, an alias, a schema or a fallback.
      { name: 'google', infrastructure, contract: 'none', responseSchemas: { sendMessage: true } },
    );
    expectTypeOf(google.sendMessage).returns.resolves.toEqualTypeOf<string>();
    expect(await google.sendMessage('typed')).toBe('google: typed');
    disposeConsciousness(google);
    await infrastructure.close();
  });
});
