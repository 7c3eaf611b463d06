import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { SelfHealingAction } from '../../src/healing/SelfHealingAction.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import type { PatternType } from '../../src/vocabulary/PatternType.js';
import type { StoreLogger } from '../../src/memory/Store.js';

/** 2025-01-01T12:00:00Z. */
export const START = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A fresh directory under os.tmpdir() per call, removed after the test that made it. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-memory-'));
    made.push(dir);
    return dir;
  };
}

/** A logger that keeps its warnings for assertions. */
export function recordingLogger(): StoreLogger & {
  warnings: Array<{ obj: object; msg: string | undefined }>;
} {
  const warnings: Array<{ obj: object; msg: string | undefined }> = [];
  return { warnings, warn: (obj, msg) => warnings.push({ obj, msg }) };
}

/** A clock the test moves by hand. */
export function manualClock(start = START): {
  clock: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let now = start;
  return {
    clock: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

/** A valid pattern. */
export function pattern(
  id: string,
  type: PatternType = 'degradation',
  adapters = ['anthropic'],
): InfrastructurePattern {
  return {
    patternId: id,
    patternType: type,
    affectedAdapters: adapters,
    detectionTime: new Date(START).toISOString(),
    confidence: 0.8,
    predictedImpact: 'moderate',
    suggestedAction: 'retry_strategy',
    category: 'timeout',
    evidence: { drift: 1.5 },
    similarPastPatterns: [],
    successfulResolutions: [],
  };
}

/** A valid, completed healing action. */
export function healing(id: string, success = true): SelfHealingAction {
  return {
    actionId: id,
    actionType: 'retry_strategy',
    targetAdapter: 'anthropic',
    initiatedAt: new Date(START).toISOString(),
    reason: 'timeouts rising',
    parameters: { maxAttempts: 4 },
    completed: true,
    success,
    impactOnHealth: success ? 0.2 : -0.1,
    lessonsLearned: ['longer backoff helps'],
  };
}
