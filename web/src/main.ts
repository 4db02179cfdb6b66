import './styles.css';
import { SYMBOLS, TIMEFRAMES } from './config.js';
import { Dashboard, type Selection } from './dashboard.js';
import { byId } from './dom.js';
import { TradingScreen } from './screen.js';
import { withToken } from './auth-token.js';
import { StreamConnection } from './stream-connection.js';
import { testApi } from './test-api.js';

// The composition root of the page: the stream connection, the state, the screen, the selectors and __mia.

/** The selection from the address (?symbol=NQ&tf=5m, so a screen can be bookmarked), else ES 1m. */
function initialSelection(): Selection {
  const q = new URLSearchParams(location.search);
  const symbol = (q.get('symbol') ?? '').toUpperCase();
  const tf = q.get('tf') ?? '';
  return {
    symbol: (SYMBOLS as readonly string[]).includes(symbol) ? symbol : 'ES',
    timeframe: (TIMEFRAMES as readonly string[]).includes(tf) ? tf : '1m',
  };
}

const url = withToken(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/stream`);
let dashboard: Dashboard | null = null;
const conn = new StreamConnection(url, {
  message: (m) => dashboard?.message(m),
  state: (open, retryMs) => dashboard?.connection(open, retryMs),
  problem: (text) => dashboard?.problem(text),
});
const d = new Dashboard(conn, initialSelection());
dashboard = d;
const screen = new TradingScreen(d);

const symbolSelect = byId<HTMLSelectElement>('symbol-select');
const timeframeSelect = byId<HTMLSelectElement>('timeframe-select');
symbolSelect.value = d.selection.symbol;
timeframeSelect.value = d.selection.timeframe;

/** Changes the selection from the selectors or from __mia.select, keeping the address and selectors in step. */
function select(symbol: string, timeframe: string): Promise<void> {
  symbolSelect.value = symbol;
  timeframeSelect.value = timeframe;
  const q = new URLSearchParams(location.search);
  q.set('symbol', symbol);
  q.set('tf', timeframe);
  history.replaceState(null, '', `?${q.toString()}`);
  document.title = `MIA · ${symbol} ${timeframe}`;
  return d.select(symbol, timeframe);
}

symbolSelect.addEventListener('change', () => void select(symbolSelect.value, timeframeSelect.value));
timeframeSelect.addEventListener('change', () => void select(symbolSelect.value, timeframeSelect.value));
window.__mia = testApi(d, screen, select);
document.title = `MIA · ${d.selection.symbol} ${d.selection.timeframe}`;
d.start(screen);
conn.connect();
