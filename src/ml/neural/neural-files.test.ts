import { describe, expect, test } from 'vitest';
import { checkNeuralBlock } from './neural-files.js';
import { NEURAL_MODELS } from './neural-manifest.js';

const good = (): Record<string, unknown> => ({
  enabled: false, steps: 10,
  models: NEURAL_MODELS.map((m) => ({ name: m.name, file: m.file, sha256: 'a'.repeat(64) })),
});

describe('checkNeuralBlock', () => {
  test('a block as mia train --neural writes it passes', () => {
    expect(checkNeuralBlock('models', good()).steps).toBe(10);
  });

  test.each([
    ['not an object', [], /neural must be an object/],
    ['enabled not a boolean', { ...good(), enabled: 'yes' }, /neural\.enabled must be true or false/],
    ['steps not whole', { ...good(), steps: 2.5 }, /neural\.steps must be an integer/],
    ['steps absurd', { ...good(), steps: 1e9 }, /neural\.steps must be an integer in \[1, 1000\]/],
    ['a model missing', { ...good(), models: (good().models as unknown[]).slice(1) }, /neural\.models must be a list of 3 models/],
    ['models out of order', { ...good(), models: [...(good().models as unknown[])].reverse() }, /neural\.models\[0\] must be the model nn_volatility/],
    ['a file outside the directory', { ...good(), models: (good().models as Array<Record<string, unknown>>).map((m, i) => (i === 1 ? { ...m, file: '../x.onnx' } : m)) }, /neural\.models\[1\]\.file must be nn-regime\.onnx/],
    ['a bad hash', { ...good(), models: (good().models as Array<Record<string, unknown>>).map((m, i) => (i === 2 ? { ...m, sha256: 'xyz' } : m)) }, /neural\.models\[2\]\.sha256 must be a sha256/],
  ])('%s is one BAD_CONFIG naming the field', (_what, block, message) => {
    expect(() => checkNeuralBlock('models', block)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG', message: expect.stringMatching(message) }));
  });
});
