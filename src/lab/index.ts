/** The lab: a loopback provider emulator (OpenAI + Anthropic wire formats) with scriptable faults. */
export {
  startProviderEmulator,
  ProviderEmulatorOptionsSchema,
  DEFAULT_EMULATOR_HOST,
  HEALTHY_SCENARIO,
  type ProviderEmulator,
  type ProviderEmulatorOptions,
} from './ProviderEmulator.js';
export {
  ScenarioSchema,
  PhaseSchema,
  FaultSchema,
  LatencyFaultSchema,
  StatusFaultSchema,
  ResetFaultSchema,
  HangFaultSchema,
  MalformedJsonFaultSchema,
  SchemaChangeFaultSchema,
  StreamCutFaultSchema,
  ROUTES,
  SCHEMA_CHANGES,
  parseScenario,
  type Scenario,
  type ScenarioInput,
  type Phase,
  type Fault,
  type FaultKind,
  type OutcomeFault,
  type LatencyFault,
  type SchemaChange,
  type Route,
} from './ScenarioSchema.js';
export { ScenarioError } from './ScenarioError.js';
export { loadScenario, builtinScenarioNames, builtinScenarioUrl } from './loadScenario.js';
export {
  FaultTimeline,
  latencyMs,
  type RequestTarget,
  type RequestKind,
  type ActivePhase,
  type FaultDecision,
} from './FaultTimeline.js';
export { createSeededRandom, hashSeed, type RandomSource } from './seededRandom.js';
export { assistantText, chunkText } from './assistantText.js';
export { openaiWire } from './openaiWire.js';
export { openaiResponsesWire } from './openaiResponsesWire.js';
export { EMBEDDING_DIMENSIONS, embeddingOf } from './openaiEmbeddings.js';
export { LAB_FILES, LAB_FILE_COUNT, type LabFile } from './labFiles.js';
export { cursorPage, type CursorPage, type PageQuery } from './cursorPages.js';
export { anthropicWire } from './anthropicWire.js';
export { RENAMED_TEXT_FIELD, type ProviderWire } from './ProviderWire.js';
export type { EmulatorStats, RequestRecord, TrafficCounts, RouteTraffic } from './EmulatorLedger.js';
export type { ExchangeRecord } from './ExchangeLog.js';
export { runCli, LAB_USAGE, EXIT_USAGE, EXIT_FAILURE, type CliIo } from './cli.js';
