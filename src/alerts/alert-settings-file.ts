import { readFile } from 'node:fs/promises';
import { configError, ErrorCode, unreadable } from '../common/errors.js';
import type { AlertSeverity } from '../protocol/messages.js';
import { DEFAULT_ALERT_SETTINGS, RULE_NAMES, type AlertRules, type AlertSettings, type DeliverySettings, type RuleName, type RuleTiming } from './alert-rules.js';

type Json = Record<string, unknown>;

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** Each rule's own threshold keys and their checks (beside the timing keys every rule has). */
const THRESHOLDS: Record<RuleName, Record<string, Check>> = {
  latency: { p99Ms: positive, windowMs: positive },
  feedStale: {}, feedGap: {}, feedDisconnected: {},
  riskInfo: {}, riskWarning: {}, riskCritical: {}, riskCatastrophe: {}, riskHalted: {},
  drawdown: { usd: nullable(positive), share: nullable(openShare) },
  journalLag: { lagMs: positive, queueDepth: wholeAtLeast(1) },
  dataQuality: { min: closedShare },
  featureDrift: { psi: positive },
};

/** A value check: the value, or a reason it is refused. */
type Check = (v: unknown) => { ok: unknown } | { reason: string };

function positive(v: unknown): { ok: unknown } | { reason: string } {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? { ok: v } : { reason: `must be a positive number, got ${JSON.stringify(v)}` };
}
function notNegative(v: unknown): { ok: unknown } | { reason: string } {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? { ok: v } : { reason: `must be a number >= 0, got ${JSON.stringify(v)}` };
}
function wholeAtLeast(min: number): Check {
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? { ok: v } : { reason: `must be a whole number >= ${min}, got ${JSON.stringify(v)}` });
}
function openShare(v: unknown): { ok: unknown } | { reason: string } {
  return typeof v === 'number' && v > 0 && v < 1 ? { ok: v } : { reason: `must be a share between 0 and 1 (0.05 is 5 %), got ${JSON.stringify(v)}` };
}
function closedShare(v: unknown): { ok: unknown } | { reason: string } {
  return typeof v === 'number' && v > 0 && v <= 1 ? { ok: v } : { reason: `must be a share in (0, 1] (0.9 is 90 %), got ${JSON.stringify(v)}` };
}
function nullable(check: Check): Check {
  return (v) => (v === null ? { ok: null } : check(v));
}
function severity(v: unknown): { ok: unknown } | { reason: string } {
  return SEVERITIES.includes(v as AlertSeverity) ? { ok: v } : { reason: `must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(v)}` };
}
function boolean(v: unknown): { ok: unknown } | { reason: string } {
  return typeof v === 'boolean' ? { ok: v } : { reason: `must be true or false, got ${JSON.stringify(v)}` };
}

const TIMING_CHECKS: Record<keyof RuleTiming, Check> = {
  enabled: boolean, severity, forMs: notNegative, repeatMs: positive, clearMs: notNegative,
};

const DELIVERY_CHECKS: Record<keyof DeliverySettings, Check> = {
  minSeverity: severity, timeoutMs: positive, retries: wholeAtLeast(0), initialDelayMs: positive, maxDelayMs: positive,
  outboxSize: wholeAtLeast(1),
};

/**
 * Reads an alerts file (JSON, docs/alerts.md) over the defaults. Every problem is MIA_ERR_BAD_CONFIG naming the
 * file and the key (`rules.latency.p99Ms`); an unreadable file is MIA_ERR_INPUT_UNREADABLE.
 */
export async function loadAlertSettings(path: string): Promise<AlertSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw unreadable(path, `cannot read the alerts file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseAlertSettings(text, path);
}

/** The settings an alerts file's text gives over the defaults; `file` names it in errors. */
export function parseAlertSettings(text: string, file: string): AlertSettings {
  const bad = (key: string, reason: string): never => {
    throw configError(ErrorCode.BAD_CONFIG, `${file}: ${key ? `${key}: ` : ''}${reason}`, { file, key });
  };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    return bad('', `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const top = object(root, '', bad);
  known(top, '', ['evaluateMs', 'repeatMs', 'clearMs', 'rules', 'delivery'], bad);
  const d = DEFAULT_ALERT_SETTINGS;
  const evaluateMs = top.evaluateMs === undefined ? d.evaluateMs : take(positive, top.evaluateMs, 'evaluateMs', bad) as number;
  // Top-level repeatMs and clearMs apply to every rule that does not set its own.
  const shared: Partial<RuleTiming> = {};
  if (top.repeatMs !== undefined) shared.repeatMs = take(positive, top.repeatMs, 'repeatMs', bad) as number;
  if (top.clearMs !== undefined) shared.clearMs = take(notNegative, top.clearMs, 'clearMs', bad) as number;
  const rulesIn = top.rules === undefined ? {} : object(top.rules, 'rules', bad);
  known(rulesIn, 'rules', RULE_NAMES, bad);
  const rules = {} as Record<RuleName, RuleTiming>;
  for (const name of RULE_NAMES) {
    const path = `rules.${name}`;
    const given = rulesIn[name] === undefined ? {} : object(rulesIn[name], path, bad);
    const checks: Record<string, Check> = { ...TIMING_CHECKS, ...THRESHOLDS[name] };
    known(given, path, Object.keys(checks), bad);
    const rule: Json = { ...d.rules[name], ...shared };
    for (const [key, check] of Object.entries(checks)) {
      if (given[key] !== undefined) rule[key] = take(check, given[key], `${path}.${key}`, bad);
    }
    if (name === 'drawdown' && rule.enabled && rule.usd === null && rule.share === null) {
      bad(path, 'an enabled drawdown rule needs usd or share (or both)');
    }
    rules[name] = rule as unknown as RuleTiming;
  }
  const deliveryIn = top.delivery === undefined ? {} : object(top.delivery, 'delivery', bad);
  known(deliveryIn, 'delivery', Object.keys(DELIVERY_CHECKS), bad);
  const delivery: Json = { ...d.delivery };
  for (const [key, check] of Object.entries(DELIVERY_CHECKS)) {
    if (deliveryIn[key] !== undefined) delivery[key] = take(check, deliveryIn[key], `delivery.${key}`, bad);
  }
  if ((delivery.maxDelayMs as number) < (delivery.initialDelayMs as number)) bad('delivery.maxDelayMs', 'must be at least delivery.initialDelayMs');
  return { evaluateMs, rules: rules as unknown as AlertRules, delivery: delivery as unknown as DeliverySettings };
}

function object(v: unknown, path: string, bad: (key: string, reason: string) => never): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, `must be a JSON object, got ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}`);
  return v as Json;
}

function known(o: Json, path: string, keys: readonly string[], bad: (key: string, reason: string) => never): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) bad(path ? `${path}.${k}` : k, `unknown key (known: ${keys.join(', ')})`);
  }
}

function take(check: Check, v: unknown, path: string, bad: (key: string, reason: string) => never): unknown {
  const r = check(v);
  return 'ok' in r ? r.ok : bad(path, r.reason);
}
