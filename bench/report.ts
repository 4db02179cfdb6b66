import os from 'node:os';
import type { Bench } from 'tinybench';

/** One benchmark case as `npm run bench -- --json` prints it: ops are trades processed. */
export interface CaseResult {
  name: string;
  medianNs: number;
  p99Ns: number;
  opsPerSec: number;
}

/** Turns tinybench results into cases; `opsPerIteration` is the number of trades one iteration processes. */
export function collect(bench: Bench, opsPerIteration: Record<string, number>): CaseResult[] {
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') {
      const why = r.state === 'errored' ? `: ${String(r.error)}` : '';
      throw new Error(`benchmark "${t.name}" did not complete: ${r.state}${why}`);
    }
    const medianNs = r.latency.p50 * 1e6;
    const ops = opsPerIteration[t.name] ?? 1;
    return { name: t.name, medianNs: Math.round(medianNs), p99Ns: Math.round(r.latency.p99 * 1e6), opsPerSec: Math.round((ops / medianNs) * 1e9) };
  });
}

/** Prints cases as JSON lines (--json) or a readable table with the machine facts. */
export function print(cases: CaseResult[], json: boolean): void {
  if (json) {
    for (const c of cases) process.stdout.write(JSON.stringify(c) + '\n');
    return;
  }
  process.stdout.write(`${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}\n`);
  for (const c of cases) {
    const ms = (c.medianNs / 1e6).toFixed(3).padStart(10);
    const p99 = (c.p99Ns / 1e6).toFixed(3).padStart(10);
    const rate = (c.opsPerSec / 1e6).toFixed(2).padStart(8);
    process.stdout.write(`${c.name.padEnd(44)} median ${ms} ms  p99 ${p99} ms  ${rate} M trades/s\n`);
  }
}
