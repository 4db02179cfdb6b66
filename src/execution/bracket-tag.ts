/**
 * The tag a SignalTrader puts on its brackets' orders: the trade id, then `/` and the strategy that opened the
 * trade when strategies are on (`12/trend`); the trade id alone when they are off (`12`). The venue carries it
 * on every event of the bracket's orders, so the journal's order and fill rows know their strategy.
 */
export function bracketTag(tradeId: number, strategyId: string | undefined): string {
  return strategyId === undefined ? String(tradeId) : `${tradeId}/${strategyId}`;
}

/** The strategy of a bracket's tag (`signal` for a bare trade id); null for another tag (`liquidate`) or none. */
export function strategyOfTag(tag: string | undefined): string | null {
  if (tag === undefined) return null;
  const m = /^\d+(?:\/([a-z-]+))?$/.exec(tag);
  if (!m) return null;
  return m[1] ?? 'signal';
}
