/**
 * `npm run bench:verdicts`: are healing verdicts right? Runs the scenario set of
 * test/healing/verdictWorlds.ts — faults whose cure is known (a stale connection that reconnect
 * cures, a latency drift that only routing helps, a 429 storm that only the concurrency limit helps,
 * an outage that nothing helps and that ends by itself 0–40 s after it was noticed) — with the
 * healer made to take each applicable action, 200 seeds each, and prints the share of runs in which
 * each action was judged a success. Targets: the right action ≥ 0.8, every wrong one ≤ 0.2.
 * Writes bench-results/verdicts.json. A report, not a test: it exits 0 whatever the verdicts (the
 * test suite checks the same targets on 40 seeds).
 */
import { fileURLToPath } from 'node:url';
import { judgedSuccessRate, VERDICT_WORLDS } from '../healing/verdictWorlds.js';
import { fixed, machineInfo, renderTable, verdict, writeJsonReport } from './benchTable.js';

const SEEDS = 200;
const REPORT_PATH = fileURLToPath(new URL('../../bench-results/verdicts.json', import.meta.url));

const rows: string[][] = [];
const results: { world: string; action: string; right: boolean; successRate: number; pass: boolean }[] = [];
for (const world of VERDICT_WORLDS) {
  for (const action of world.candidates) {
    const rate = await judgedSuccessRate(world, action, SEEDS);
    const right = action === world.right;
    const pass = right ? rate >= 0.8 : rate <= 0.2;
    results.push({ world: world.name, action, right, successRate: rate, pass });
    rows.push([
      world.name,
      action,
      right ? 'right' : 'wrong',
      fixed(rate, 3),
      right ? '≥ 0.8' : '≤ 0.2',
      verdict(pass),
    ]);
  }
}
const machine = machineInfo();
console.log(
  `verdict accuracy — node ${machine.node}, ${machine.cpu} × ${machine.cores}; ${SEEDS} seeds per row\n`,
);
console.log(renderTable(['world', 'action', 'is', 'judged success', 'target', 'verdict'], rows));
writeJsonReport(REPORT_PATH, { benchmark: 'verdicts', machine, seeds: SEEDS, results });
console.log(`\nwrote ${REPORT_PATH}`);
