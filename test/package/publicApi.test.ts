import { describe, expect, it } from 'vitest';
import * as firecircle from '../../src/firecircle/index.js';
import * as root from '../../src/index.js';
import * as lab from '../../src/lab/index.js';

/** The root entry's runtime names: a change here is a change of the public API (docs/options.md). */
const ROOT_VALUES = [
  'AdapterHealthSignatureSchema',
  'CircuitOpenError',
  'ConsciousMessageSchema',
  'ConsciousnessError',
  'ConsciousnessReportSchema',
  'ErrorCategory',
  'ImportFailureError',
  'InMemoryConsciousnessMetricsCollector',
  'InfrastructureConsciousness',
  'InfrastructureMetricsBridge',
  'InfrastructurePatternSchema',
  'InvalidResponseError',
  'MethodMissingError',
  'MetricConflictError',
  'NoneReturnError',
  'RateLimitedLocallyError',
  'SelfHealingActionSchema',
  'StreamInterruptedError',
  'TimeoutError',
  'VoiceSilencedError',
  'WithConsciousnessOptionsSchema',
  'WrapDisposedError',
  'classifyError',
  'disposeConsciousness',
  'failureOf',
  'getDefaultInfrastructure',
  'importAdapter',
  'metricsHandler',
  'registerSecret',
  'registerSecretsOf',
  'renderReport',
  'shareMetricsWithPrimary',
  'startClusterMetricsServer',
  'startMetricsServer',
  'withConsciousness',
];

describe('the public API', () => {
  it('keeps the root entry small: the documented names, no internals', () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_VALUES].sort());
    expect(ROOT_VALUES.length).toBeLessThanOrEqual(40);
  });

  it('gives every error a call can end in its category', () => {
    const calls = [
      new root.CircuitOpenError('openai', 'sendMessage'),
      new root.TimeoutError('openai', 'sendMessage', 1000),
      new root.RateLimitedLocallyError('openai', 'sendMessage', 'cooling down'),
      new root.MethodMissingError('openai', 'sendMessage', ['send']),
      new root.NoneReturnError('openai', 'sendMessage', null),
      new root.InvalidResponseError('openai', 'sendMessage', ['content: required']),
      new root.ImportFailureError('no module'),
      new root.StreamInterruptedError('openai', 'streamMessage', 2, new Error('reset')),
      new root.VoiceSilencedError({
        category: 'server_error',
        adapter: 'openai',
        method: 'sendMessage',
        attempts: 3,
        cause: new Error('500'),
      }),
    ];
    for (const err of calls) {
      expect(err).toBeInstanceOf(root.ConsciousnessError);
      expect(Object.values(root.ErrorCategory)).toContain(err.category);
      expect(root.classifyError(err).category).toBe(err.category);
    }
  });

  it('serves the protocol and reference adapters from /firecircle and the emulator from /lab', () => {
    expect(firecircle).toHaveProperty('OpenAICompatibleAdapter');
    expect(firecircle).toHaveProperty('AnthropicAdapter');
    expect(firecircle).toHaveProperty('createMessage');
    expect(firecircle.ConsciousMessageSchema).toBe(root.ConsciousMessageSchema);
    expect(lab).toHaveProperty('startProviderEmulator');
  });
});
