import { describe, expect, it } from 'vitest';
import { DriftMonitor } from './drift-monitor.js';
import { quantileBins } from './feature-drift.js';

/** Rows of two features spread evenly over [lo, lo + 1). */
function rows(n: number, lo: number): number[][] {
  return Array.from({ length: n }, (_, i) => [lo + i / n, lo + ((i * 7) % n) / n]);
}

describe('DriftMonitor', () => {
  const names = ['a', 'b'];
  const config = { window: 50, minRows: 50 };

  it('measures against the new models once rebased: rows drawn from the new training distribution read as no drift', () => {
    const m = new DriftMonitor({ reference: quantileBins(rows(500, 0), names), config });
    for (const r of rows(50, 5)) m.observe('ES', r);
    // Every row lies above the old training range: all in its last bin, a large PSI.
    expect(m.reading('ES')!.psiMax).toBeGreaterThan(0.25);
    m.rebase(quantileBins(rows(500, 5), names));
    expect(m.reading('ES')).toBeUndefined();
    for (const r of rows(50, 5)) m.observe('ES', r);
    // The window's rows are the new training rows' quantiles exactly: every bin holds its share.
    expect(m.reading('ES')!.psiMax).toBeLessThan(0.01);
  });

  it('stops measuring when the new models carry no training bins', () => {
    const m = new DriftMonitor({ reference: quantileBins(rows(500, 0), names), config });
    m.observe('ES', [0.5, 0.5]);
    m.rebase(null);
    expect(m.active).toBe(false);
    expect(m.observe('ES', [0.5, 0.5])).toBeUndefined();
    expect(m.psiMaxBySymbol()).toEqual({});
    expect(m.health().symbols).toEqual({});
  });
});
