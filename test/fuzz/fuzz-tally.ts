// Counts of a fuzz surface, so that an at-length run says how many cases each property ran and how each ended:
// the closing figures of issue 14 ("every rejection coded and counted") are quoted from this line.

/**
 * Cases of one property, by outcome (`read`, `loaded` or the coded error), how many of them were read from disk,
 * and the rows that reads with --skip-bad skipped, by code.
 */
export class PropertyTally {
  cases = 0;
  fromDisk = 0;
  readonly outcomes = new Map<string, number>();
  readonly skipped = new Map<string, number>();

  /** Counts one case that ended in `outcome`, having skipped `skipped` rows (by code). */
  count(outcome: string, fromDisk: boolean, skipped?: Partial<Record<string, number>>): void {
    this.cases++;
    if (fromDisk) this.fromDisk++;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    for (const [code, n] of Object.entries(skipped ?? {})) this.skipped.set(code, (this.skipped.get(code) ?? 0) + (n ?? 0));
  }
}

/** `name n, name n, …`, most first. */
const listed = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');

/** The properties of one surface (a test file), reported together when it ends. */
export class SurfaceTally {
  private readonly properties = new Map<string, PropertyTally>();
  private readonly started = performance.now();
  private readonly surface: string;

  constructor(surface: string) {
    this.surface = surface;
  }

  /** The tally of the property named `name`, created on first use. */
  property(name: string): PropertyTally {
    let p = this.properties.get(name);
    if (!p) this.properties.set(name, (p = new PropertyTally()));
    return p;
  }

  /** Cases counted over every property. */
  get cases(): number {
    let n = 0;
    for (const p of this.properties.values()) n += p.cases;
    return n;
  }

  /** One line per property and a total, with the outcomes by code. */
  report(): string {
    const all = new Map<string, number>();
    const skipped = new Map<string, number>();
    let disk = 0;
    const lines = [...this.properties].map(([name, p]) => {
      disk += p.fromDisk;
      for (const [k, v] of p.outcomes) all.set(k, (all.get(k) ?? 0) + v);
      for (const [k, v] of p.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);
      return `  ${name}: ${p.cases} cases (${p.fromDisk} from disk)`;
    });
    const seconds = ((performance.now() - this.started) / 1000).toFixed(0);
    return [
      `fuzz ${this.surface}: ${this.cases} cases in ${seconds} s, ${disk} of them from disk`, ...lines,
      `  outcomes: ${listed(all)}`,
      // Surfaces without --skip-bad (model directories) have none to list.
      ...(skipped.size > 0 ? [`  rows skipped by reads with --skip-bad: ${listed(skipped)}`] : []),
    ].join('\n');
  }
}
