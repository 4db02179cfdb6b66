import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import { checkTickSize, ibSymbols, portNumber, simSymbols } from './options.js';

const refusal = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('portNumber', () => {
  test('0 to 65535 are ports, 0 meaning any free port', () => {
    const port = portNumber('--port');
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (n) => port(String(n)) === n));
  });

  test('99999 (which uWS binds as 34463), negative, fractional and non-decimal texts are BAD_ARGUMENT naming the flag and the range', () => {
    const port = portNumber('--port');
    for (const text of ['99999', '65536', '-1', '1.5', '1e3', '0x10', '', ' 80', 'http']) {
      expect(refusal(() => port(text)), text).toMatchObject({
        code: ErrorCode.BAD_ARGUMENT, message: `--port must be a port number from 0 to 65535 (0: any free port), got "${text}"`,
      });
    }
  });

  test('a port to connect to (--ib-port) starts at 1', () => {
    expect(portNumber('--ib-port', 1)('4002')).toBe(4002);
    expect(refusal(() => portNumber('--ib-port', 1)('0'))).toMatchObject({
      code: ErrorCode.BAD_ARGUMENT, message: '--ib-port must be a port number from 1 to 65535, got "0"',
    });
  });
});

describe('checkTickSize', () => {
  test('ES and NQ contracts (CME: tick 0.25) take 0.25 and its whole multiples, coarser rows of the same grid', () => {
    for (const symbol of ['ES', 'ESH4', 'NQZ25', 'esh4_20231225_trades']) {
      for (const tick of [0.25, 0.5, 0.75, 1, 2.5, 10]) expect(() => checkTickSize(tick, symbol), `${symbol} ${tick}`).not.toThrow();
    }
  });

  test('a tick size off the contract\'s grid is BAD_ARGUMENT naming the instrument, the contract and its tick', () => {
    for (const [symbol, tick] of [['ESH4', 0.1], ['NQ', 0.3], ['esh4_20231225_trades', 0.125], ['ESZ25', 0.2]] as const) {
      const e = refusal(() => checkTickSize(tick, symbol));
      expect(e, `${symbol} ${tick}`).toMatchObject({ code: ErrorCode.BAD_ARGUMENT, details: { tickSize: tick, instrument: symbol, contractTick: 0.25 } });
      expect((e as Error).message).toContain(`--tick-size ${tick} does not fit "${symbol}"`);
      expect((e as Error).message).toContain('moves in ticks of 0.25');
    }
  });

  test('instruments without a contract spec (crypto, equities, a file named otherwise) take any positive tick size', () => {
    for (const symbol of ['XBTUSDT', 'BTC-PERP', 'BAC', 'xbtusdt', 'futures_trades_2024-07-01']) {
      for (const tick of [0.1, 0.01, 0.3, 7]) expect(() => checkTickSize(tick, symbol), `${symbol} ${tick}`).not.toThrow();
    }
  });
});

describe('--symbols of the simulator and of IB', () => {
  test('the simulator knows the E-minis and the Micro E-minis, in any case, spaced or not', () => {
    expect(simSymbols('ES,NQ,MES,MNQ')).toEqual(['ES', 'NQ', 'MES', 'MNQ']);
    expect(simSymbols('mes, mnq,')).toEqual(['MES', 'MNQ']);
  });

  test('IB knows ES and NQ; a micro or anything else is BAD_ARGUMENT naming what IB knows', () => {
    expect(ibSymbols('ES,nq')).toEqual(['ES', 'NQ']);
    for (const s of ['MES', 'MNQ', 'CL']) {
      expect(refusal(() => ibSymbols(`ES,${s}`)), s).toMatchObject({
        code: ErrorCode.BAD_ARGUMENT, message: `--symbols: IB knows ES and NQ, not "${s}"`, details: { symbol: s, known: ['ES', 'NQ'] },
      });
    }
  });

  test('a symbol the simulator does not know (a contract, another root) is BAD_ARGUMENT listing its four', () => {
    for (const s of ['ESH4', 'CL', 'M2K']) {
      expect(refusal(() => simSymbols(s)), s).toMatchObject({
        code: ErrorCode.BAD_ARGUMENT, message: `--symbols: the simulator knows ES, NQ, MES and MNQ, not "${s}"`,
      });
    }
  });
});
