// Every threshold of the report is a documented constant: each export of report-rules.ts is named in
// docs/report.md, and the defaults that mirror another command's agree with it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DEFAULT_THRESHOLD } from '../../src/ml/model-trainer.js';
import * as rules from '../../src/report/report-rules.js';

const docs = readFileSync(fileURLToPath(new URL('../../docs/report.md', import.meta.url)), 'utf8');

describe('report rules', () => {
  test.each(Object.keys(rules))('%s is documented in docs/report.md', (name) => {
    expect(docs).toContain(`\`${name}\``);
  });

  test('the default ML threshold is mia train\'s', () => {
    expect(rules.DEFAULT_ML_THRESHOLD).toBe(DEFAULT_THRESHOLD);
  });

  test('the near-target bar length is the bar timeframe\'s', () => {
    expect(rules.NEAR_TARGET_BAR_TIMEFRAME).toBe('1m');
    expect(rules.NEAR_TARGET_BAR_NS).toBe(60n * 1_000_000_000n);
  });
});
