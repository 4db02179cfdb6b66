/**
 * The timeframes whose directions the signals weigh into the confluence, shortest first. Shared by the signals
 * (which compute a direction per timeframe) and the wire (a Decision's tf_directions are in this order).
 */
export const CONFLUENCE_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h'] as const;

/** One of the confluence timeframes. */
export type ConfluenceTimeframe = (typeof CONFLUENCE_TIMEFRAMES)[number];
