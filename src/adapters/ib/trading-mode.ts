import { configError, ErrorCode } from '../../common/errors.js';

/** What `mia serve --trading` allows: no orders at all, or paper orders through IB. */
export type TradingMode = 'off' | 'paper';

/**
 * Parses `--trading`: `off` (the default) or `paper`. `live` is refused on purpose with a coded
 * MIA_ERR_BAD_ARGUMENT: live trading is not exposed by this engine, so no flag can reach a real account.
 */
export function parseTradingMode(text: string): TradingMode {
  if (text === 'off' || text === 'paper') return text;
  if (text === 'live') throw configError(ErrorCode.BAD_ARGUMENT, '--trading live: live trading is not exposed (use --trading paper with a paper account)');
  throw configError(ErrorCode.BAD_ARGUMENT, `--trading must be off or paper, got "${text}"`);
}
