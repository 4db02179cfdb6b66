import { configError, ErrorCode } from '../common/errors.js';
import type { AlertEvent } from '../engine/engine-events.js';
import { discordBody, webhookBody } from './webhook-formats.js';

/** The environment variables that name the webhooks. URLs carry secrets (Discord's token), so never an option. */
export const ALERT_URL_ENV = { webhook: 'MIA_ALERT_WEBHOOK_URL', discord: 'MIA_ALERT_DISCORD_URL' } as const;

/** Where alerts are posted, and in which body format. */
export interface DeliveryTarget {
  name: keyof typeof ALERT_URL_ENV;
  url: URL;
  /** The URL as logs and /health show it: scheme and host only. */
  redacted: string;
  body: (a: AlertEvent) => unknown;
}

/**
 * A URL with its path, query and credentials cut: a Discord webhook's path is its token, and a generic webhook's
 * may hold one too, so nothing past the host is ever logged.
 */
export function redactUrl(u: URL): string {
  return `${u.protocol}//${u.host}/…`;
}

/**
 * The delivery targets the environment names (none when neither variable is set). A value that is not an http or
 * https URL is MIA_ERR_BAD_CONFIG naming the variable, not the value.
 */
export function deliveryTargets(env: Readonly<Record<string, string | undefined>>): DeliveryTarget[] {
  const out: DeliveryTarget[] = [];
  for (const name of ['webhook', 'discord'] as const) {
    const variable = ALERT_URL_ENV[name];
    const text = env[variable]?.trim();
    if (!text) continue;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw configError(ErrorCode.BAD_CONFIG, `${variable} is not a URL (its value is not shown: it may hold a token)`, { variable });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw configError(ErrorCode.BAD_CONFIG, `${variable} must be an http or https URL, got ${url.protocol}`, { variable });
    }
    out.push({ name, url, redacted: redactUrl(url), body: name === 'discord' ? discordBody : webhookBody });
  }
  return out;
}
