import type { AlertEvent } from '../engine/engine-events.js';

/** The body a generic webhook receives: the alert as the `alert` topic's JSON carries it, with ISO times added. */
export interface WebhookBody extends AlertEvent {
  type: 'alert';
  source: 'mia';
  /** `sinceMs` and `atMs` as ISO-8601 UTC. */
  since: string;
  at: string;
}

/** A generic JSON webhook's body (docs/alerts.md). */
export function webhookBody(a: AlertEvent): WebhookBody {
  return { type: 'alert', source: 'mia', ...a, since: new Date(a.sinceMs).toISOString(), at: new Date(a.atMs).toISOString() };
}

/** Discord's execute-webhook body (https://discord.com/developers/docs/resources/webhook#execute-webhook). */
export interface DiscordBody {
  username: string;
  content: string;
  embeds: {
    title: string;
    description: string;
    color: number;
    timestamp: string;
    fields: { name: string; value: string; inline: boolean }[];
    footer: { text: string };
  }[];
  /** No mention is parsed: an alert's text can never ping @everyone or a role. */
  allowed_mentions: { parse: never[] };
}

/** Embed colours: red, amber and blue by severity, green once resolved. */
const COLORS = { critical: 0xe74c3c, warning: 0xf1c40f, info: 0x3498db, resolved: 0x2ecc71 } as const;

/** Discord's limits: content 2,000 characters, embed title 256, description 4,096, field value 1,024. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const num = (x: number | null): string => (x === null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, ''));

/** A Discord webhook's body for an alert: one line of content, and an embed with the reading and its times. */
export function discordBody(a: AlertEvent): DiscordBody {
  const head = `${a.state === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase()} ${a.rule}${a.symbol ? ` ${a.symbol}` : ''}`;
  const fields = [
    { name: 'severity', value: a.severity, inline: true },
    { name: 'state', value: a.state, inline: true },
    { name: 'notification', value: String(a.count), inline: true },
    { name: 'value', value: num(a.value), inline: true },
    { name: 'threshold', value: num(a.threshold), inline: true },
    { name: 'since', value: new Date(a.sinceMs).toISOString(), inline: true },
  ];
  return {
    username: 'MIA',
    content: cut(`${head}: ${a.message}`, 2000),
    embeds: [{
      title: cut(head, 256),
      description: cut(a.message, 4096),
      color: a.state === 'resolved' ? COLORS.resolved : COLORS[a.severity],
      timestamp: new Date(a.atMs).toISOString(),
      fields: fields.map((f) => ({ ...f, value: cut(f.value, 1024) })),
      footer: { text: cut(`mia alert ${a.key}`, 2048) },
    }],
    allowed_mentions: { parse: [] },
  };
}
