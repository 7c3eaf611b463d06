import { defineConfig } from 'vitest/config';

/**
 * Test files of the `e2e` project: they start real servers (Prometheus, Redis, the provider
 * emulator, the metrics server) or child processes, or drive the official SDKs over loopback HTTP.
 * Every other test file is in the `unit` project, whose setup file refuses sockets and child
 * processes (test/support/unitProjectGuard.ts): a test that needs them fails there until it is
 * listed here. `npm test` runs both; `npm run test:unit` the unit project alone.
 */
export const E2E_TESTS = [
  // Real Prometheus / promtool, Redis, packed package, the demo and the CLIs.
  'test/observability/realPrometheus.test.ts',
  'test/scaleout/*.test.ts',
  'test/package/consumer.test.ts',
  'test/demo/FireCircleDemo.test.ts',
  'test/demo/demoCli.test.ts',
  'test/lab/cli.test.ts',
  // Child processes: exit behaviour, signals, stderr, heap measurements, optimised code across collections.
  'test/logging/redaction.test.ts',
  'test/memory/MemoryAutosave.test.ts',
  'test/memory/safeMemory.test.ts',
  'test/resilience/promptExit.test.ts',
  'test/resilience/shapesAcrossGc.test.ts',
  'test/wrap/methodCap.test.ts',
  'test/wrap/perRequestWraps.test.ts',
  // The provider emulator, scripted servers and the metrics server over loopback HTTP.
  'test/lab/ExchangeLog.test.ts',
  'test/lab/ProviderEmulator.test.ts',
  'test/lab/anthropicEmulator.test.ts',
  'test/lab/anthropicEndpoints.test.ts',
  'test/lab/openaiEmulator.test.ts',
  'test/lab/openaiEndpoints.test.ts',
  'test/lab/wireFormats.test.ts',
  'test/endpoints/metricsServer.test.ts',
  'test/consciousness/caps.test.ts',
  'test/consciousness/listenerIsolation.test.ts',
  'test/consciousness/metricsEndpoint.test.ts',
  'test/observability/metricsScrape.test.ts',
  'test/otel/recordGenAiMetrics.test.ts',
  // The official SDKs (and the reference adapters on them) over loopback HTTP.
  'test/firecircle/adapters/AnthropicAdapter.test.ts',
  'test/firecircle/adapters/OpenAICompatibleAdapter.test.ts',
  'test/firecircle/adapters/withConsciousness.adapters.test.ts',
  'test/sdk/breakerScope.test.ts',
  'test/sdk/errors.test.ts',
  'test/sdk/heldRichPromises.test.ts',
  'test/sdk/logger.test.ts',
  'test/sdk/objectTransparency.test.ts',
  'test/sdk/pages.test.ts',
  'test/sdk/retriesAndTimeouts.test.ts',
  'test/sdk/richPromises.test.ts',
  'test/sdk/streamHelpers.test.ts',
  'test/sdk/streams.test.ts',
  'test/sdk/withOptions.test.ts',
  'test/usage/*.integration.test.ts',
  'test/wrap/typedOptions.test.ts',
  'test/wrap/withConsciousness.integration.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: E2E_TESTS,
          setupFiles: ['test/support/unitProjectGuard.ts'],
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E_TESTS } },
    ],
  },
});
