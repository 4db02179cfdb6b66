import type { RiskMessage } from '../../src/protocol/messages.js';
import { el, Gauge, setClass, setText } from './dom.js';
import { signed, usd } from './format.js';

/**
 * Risk (#view-risk): the risk engine's state as the `risk` topic publishes it (and /health's `risk` before the
 * first frame): alert level, halt, balance, the day's P&L against the daily loss limit, consecutive losses
 * against their limit, positions against the largest allowed, the last refusal, and whether orders are sent.
 * A server before 2026-12-03 sends no limits: the numbers are then shown alone.
 */
export class RiskView {
  private readonly alert = el('span', 'chip', '–');
  private readonly balance = el('div', 'big');
  private readonly pnl = el('div', 'big');
  private readonly losses = el('div', 'big');
  /** The share of the daily loss limit used by the day's realised loss. */
  private readonly lossUsed = new Gauge('loss / limit', 0, 1, [0.5, 1]);
  private readonly limits = el('div', 'muted risk-limits');
  private readonly orders = el('div', 'muted');
  private readonly refusal = el('div');
  private readonly positions = el('tbody');
  private last: RiskMessage | null = null;

  constructor(root: HTMLElement) {
    const stat = (label: string, value: HTMLElement): HTMLElement => el('div', 'stat', '', el('div', 'stat-label', label), value);
    root.append(
      el('div', 'panel-head', '', el('h2', '', 'Risk'), this.alert),
      el('div', 'stats', '', stat('balance', this.balance), stat("day's P&L", this.pnl), stat('losses in a row', this.losses)),
      this.lossUsed.root,
      this.limits,
      this.orders,
      el('h3', '', 'Positions'),
      el('table', 'positions', '', el('thead', '', '', el('tr', '', '', el('th', '', 'symbol'), el('th', '', 'qty'), el('th', '', 'side'))), this.positions),
      el('h3', '', 'Last refusal'),
      this.refusal,
    );
    this.render(null);
  }

  /** Shows the risk state (null: none yet, or decisions off). */
  render(r: RiskMessage | null): void {
    if (r === this.last && r !== null) return;
    this.last = r;
    if (!r) {
      setText(this.alert, '–');
      setText(this.balance, '–');
      setText(this.pnl, '–');
      setText(this.losses, '–');
      this.lossUsed.set(null);
      setText(this.limits, '');
      setText(this.orders, 'waiting for the risk topic (mia serve --signals on)');
      return;
    }
    setText(this.alert, r.halted ? `${r.alert} · HALTED` : r.alert);
    setClass(this.alert, `chip alert-${r.alert.toLowerCase()}`);
    setText(this.balance, usd(r.balance));
    setText(this.pnl, usd(r.dailyPnl));
    setClass(this.pnl, `big ${r.dailyPnl > 0 ? 'pos' : r.dailyPnl < 0 ? 'neg' : ''}`);
    const l = r.limits;
    setText(this.losses, l.maxConsecutiveLosses > 0 ? `${r.consecutiveLosses} / ${l.maxConsecutiveLosses}` : String(r.consecutiveLosses));
    // The gauge's ticks: WARNING at half the limit (the risk engine's default share), CRITICAL at the limit.
    const used = l.dailyLoss !== null && l.dailyLoss > 0 ? Math.max(0, -r.dailyPnl) / l.dailyLoss : null;
    this.lossUsed.set(used, used === null ? 'neutral' : used >= 1 ? 'neg' : used >= 0.5 ? 'warn' : 'pos', 'no limit sent');
    setText(this.limits, l.dailyLoss === null
      ? 'limits not sent by this server'
      : `limits: daily loss ${usd(l.dailyLoss)}, ${l.maxConsecutiveLosses} losses in a row, ${l.maxPosition} contracts per symbol, balance above ${l.minBalance === null ? '–' : usd(l.minBalance)}`);
    setText(this.orders, r.ordersEnabled ? 'paper trading: decisions are sent as bracket orders' : 'decisions recorded only: no order is sent');
    setText(this.refusal, r.lastRefusal ? `${r.lastRefusal} (${r.lastRefusalSymbol ?? '–'})` : 'none');
    while (this.positions.rows.length > r.positions.length) this.positions.deleteRow(-1);
    r.positions.forEach((p, i) => {
      const row = this.positions.rows[i] ?? this.positions.insertRow();
      while (row.cells.length < 3) row.insertCell();
      setText(row.cells[0]!, p.symbol);
      setText(row.cells[1]!, signed(p.qty));
      setText(row.cells[2]!, p.qty > 0 ? 'long' : p.qty < 0 ? 'short' : 'flat');
      setClass(row.cells[1]!, p.qty > 0 ? 'pos' : p.qty < 0 ? 'neg' : '');
    });
  }
}
