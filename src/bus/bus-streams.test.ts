import { describe, expect, test } from 'vitest';
import { isStreamFull } from './bus-streams.js';

describe('isStreamFull', () => {
  test('JetStream limit answers (as nats.js 2.29 reports them from NATS 2.9) are a full stream; others are not', () => {
    // The shape nats.js gives for a publish to a full discard-new stream: message "503", the answer under api_error.
    const full = Object.assign(new Error('503'), { api_error: { code: 503, err_code: 10077, description: 'maximum bytes exceeded' } });
    expect(isStreamFull(full)).toBe(true);
    expect(isStreamFull(Object.assign(new Error('503'), { api_error: { description: 'maximum messages exceeded' } }))).toBe(true);
    expect(isStreamFull(new Error('TIMEOUT'))).toBe(false);
    expect(isStreamFull(Object.assign(new Error('503'), { api_error: { description: 'no responders' } }))).toBe(false);
    expect(isStreamFull(null)).toBe(false);
  });
});
