import type { RiskMessage } from '../../src/protocol/messages.js';
import { el, setClass, setText } from './dom.js';
import { signed, usd } from './format.js';

/**
 * Risk (#view-risk): the risk engine's state as the `risk` topic publishes it (and /health's `risk` before the
 * first frame): alert level, halt, balance, the day's P&L, consecutive losses, positions, the last refusal, and
 * whether orders are sent. The daily loss limit and the other limits are settings of `mia serve`
 * (`--daily-loss-limit`) that neither the topic nor /health carries, so the day's P&L is shown alone.
 */
export class RiskView {
  private readonly alert = el('span', 'chip', '–');
  private readonly balance = el('div', 'big');
  private readonly pnl = el('div', 'big');
  private readonly losses = el('div', 'big');
  private readonly orders = el('div', 'muted');
  private readonly refusal = el('div');
  private readonly positions = el('tbody');
  private last: RiskMessage | null = null;

  constructor(root: HTMLElement) {
    const stat = (label: string, value: HTMLElement): HTMLElement => el('div', 'stat', '', el('div', 'stat-label', label), value);
    root.append(
      el('div', 'panel-head', '', el('h2', '', 'Risk'), this.alert),
      el('div', 'stats', '', stat('balance', this.balance), stat("day's P&L", this.pnl), stat('losses in a row', this.losses)),
      this.orders,
      el('h3', '', 'Positions'),
      el('table', 'positions', '', el('thead', '', '', el('tr', '', '', el('th', '', 'symbol'), el('th', '', 'qty'), el('th', '', 'side'))), this.positions),
      el('h3', '', 'Last refusal'),
      this.refusal,
      el('p', 'muted note', 'The daily loss limit (mia serve --daily-loss-limit, default $500) is not published on the risk topic or /health: the day\'s P&L is shown without it.'),
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
      setText(this.orders, 'waiting for the risk topic (mia serve --signals on)');
      return;
    }
    setText(this.alert, r.halted ? `${r.alert} · HALTED` : r.alert);
    setClass(this.alert, `chip alert-${r.alert.toLowerCase()}`);
    setText(this.balance, usd(r.balance));
    setText(this.pnl, usd(r.dailyPnl));
    setClass(this.pnl, `big ${r.dailyPnl > 0 ? 'pos' : r.dailyPnl < 0 ? 'neg' : ''}`);
    setText(this.losses, String(r.consecutiveLosses));
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
