// The README's bot: the live 1m POC, session VWAP and delta of ES, and each closed 1m bar.
// Run `npx mia serve` in one terminal, then `node --import tsx src/client/example-bot.ts`.
import { MiaClient } from './mia-client.js';

const client = new MiaClient({ url: 'ws://127.0.0.1:8080/stream', topics: ['snapshot.ES', 'bar.ES.1m'] });
client.on('message', (m) => {
  const f = m.type === 'snapshot' ? m.frames.find((x) => x.timeframe === '1m') : undefined;
  if (f?.bar) process.stdout.write(`\rES 1m poc ${f.bar.poc} vwap ${f.session.vwap.toFixed(2)} delta ${f.bar.delta}   `);
  if (m.type === 'bar') console.log(`\nclosed ${m.bar.ts} poc ${m.bar.poc} vwap ${m.bar.vwap} delta ${m.bar.delta}`);
});
client.on('error', (e) => console.error(e.message));
process.once('SIGINT', () => void client.close());
await client.connect();
