import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../../src/firecircle/adapters/AnthropicAdapter.js';
import { createAdapter, FIRE_CIRCLE_PROVIDERS } from '../../../src/firecircle/adapters/createAdapter.js';
import { OpenAICompatibleAdapter } from '../../../src/firecircle/adapters/OpenAICompatibleAdapter.js';
import { OPENAI_COMPATIBLE_PROFILES } from '../../../src/firecircle/adapters/OpenAICompatibleProviders.js';

const SRC = join(import.meta.dirname, '../../../src/firecircle');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('createAdapter', () => {
  it('builds the reference adapter of each of the six providers', () => {
    expect(FIRE_CIRCLE_PROVIDERS).toEqual(['anthropic', 'openai', 'deepseek', 'grok', 'mistral', 'local']);
    const claude = createAdapter('anthropic', { apiKey: 'k' });
    expect(claude).toBeInstanceOf(AnthropicAdapter);
    expect(claude.providerName).toBe('anthropic');
    for (const provider of ['openai', 'deepseek', 'grok', 'mistral', 'local'] as const) {
      const voice = createAdapter(provider, { env: {} });
      expect(voice).toBeInstanceOf(OpenAICompatibleAdapter);
      expect(voice.providerName).toBe(provider);
      expect(voice.model).toBe(OPENAI_COMPATIBLE_PROFILES[provider].defaultModel);
      expect(voice.adapterId).toBe(`${provider}/${voice.model}`);
    }
  });

  it('passes the options through', () => {
    const voice = createAdapter('mistral', { model: 'open-mistral-nemo', adapterId: 'voice-3', env: {} });
    expect(voice.model).toBe('open-mistral-nemo');
    expect(voice.adapterId).toBe('voice-3');
    expect(voice.capabilities.maxContextLength).toBe(128_000);
  });

  it('overrides only the capabilities it is given', () => {
    const voice = createAdapter('openai', { env: {}, capabilities: { supportsVision: true } });
    expect(voice.capabilities).toEqual({
      supportsStreaming: true,
      supportsTools: false,
      supportsVision: true,
      maxContextLength: 128_000,
      capabilities: ['chat', 'streaming'],
    });
  });

  it('refuses an unknown provider and bad options with a TypeError', () => {
    expect(() => createAdapter('google' as never)).toThrow(/unknown provider "google"/);
    expect(() => createAdapter('grok', { maxTokens: 0 })).toThrow(TypeError);
    expect(() => createAdapter('anthropic', { sdkMaxRetries: -1 })).toThrow(/options\.sdkMaxRetries/);
  });

  it('never imports an SDK statically, so the package loads without them', () => {
    const staticSdkImport =
      /^\s*import\s+(?!type\b)[^;]*from\s+['"](?:openai|@anthropic-ai\/sdk)(?:\/[^'"]*)?['"]/m;
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      expect(staticSdkImport.test(readFileSync(file, 'utf8')), file).toBe(false);
    }
    const adapters = readFileSync(join(SRC, 'adapters/OpenAICompatibleAdapter.ts'), 'utf8');
    expect(adapters).toContain("import('openai')");
  });
});
