import type { Command } from 'commander';
import { hostname } from 'node:os';
import { configError, ErrorCode } from '../common/errors.js';
import type { BusOptions } from '../bus/bus-connection.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from '../bus/bus-streams.js';
import { isNodeId } from '../bus/bus-subjects.js';
import { positiveNumber, wholeNumber } from './options.js';

/** The `--bus*` options of `mia serve` and `mia gateway` as commander gives them. */
export interface BusCliOptions {
  bus?: string;
  busCreds?: string;
  busNode?: string;
  busLeaseMs: number;
  busMaxAgeH: number;
  busMaxBytes: number;
}

/** `--bus`: one or more nats:// (or tls://) URLs, comma-separated. */
export function busUrl(text: string): string {
  for (const u of text.split(',')) {
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(u.trim())) throw configError(ErrorCode.BAD_ARGUMENT, `--bus must be nats://HOST:PORT (several comma-separated), got "${text}"`);
  }
  return text;
}

/** `--bus-node`: one subject token. */
export function nodeId(text: string): string {
  if (!isNodeId(text)) throw configError(ErrorCode.BAD_ARGUMENT, `--bus-node must be 1 to 64 letters, digits, - or _, got "${text}"`);
  return text;
}

/** The option table both commands add: flags, help text, parser, default. */
export const BUS_OPTIONS: readonly [string, string, ((t: string) => unknown)?, unknown?][] = [
  ['--bus <url>', 'NATS with JetStream (nats://HOST:PORT): serve: publish every frame on mia.<topic> subjects, closed bars, decisions and alerts on JetStream, and serve only the symbols whose lease this node holds (the others on standby: taken over when their owner dies, rebuilt from the trades stream); gateway: the cluster to serve (README "Scale out"; without it nothing changes)', busUrl],
  ['--bus-creds <file>', 'NATS credentials file (JWT and seed); a NATS token comes from env MIA_BUS_TOKEN only, never an option'],
  ['--bus-node <id>', 'this node\'s id in the leases and on mia.status.<id> (default: host name and process id)', nodeId],
  ['--bus-lease-ms <ms>', 'a symbol lease not renewed for this long passes to another node that may serve it (renewed every third of it); a takeover publishes again about this long plus its rebuild after the owner died', positiveNumber('--bus-lease-ms'), 5000],
  ['--bus-max-age-h <h>', 'JetStream retention: oldest message kept, hours (a takeover rebuilds from the trades kept: keep more than a session)', positiveNumber('--bus-max-age-h'), DEFAULT_STREAM_LIMITS.maxAgeHours],
  ['--bus-max-bytes <n>', 'JetStream retention: bytes each stream keeps (the trades stream refuses more, reported as MIA_ERR_BUS_STREAM_FULL)', wholeNumber('--bus-max-bytes'), DEFAULT_STREAM_LIMITS.maxBytes],
];

/** The connection settings of the options (the token from env MIA_BUS_TOKEN). */
export function busConnection(o: BusCliOptions, name: string, env: NodeJS.ProcessEnv): BusOptions {
  const token = env.MIA_BUS_TOKEN?.trim();
  return {
    url: o.bus!, name,
    ...(o.busCreds !== undefined ? { credsFile: o.busCreds } : {}),
    ...(token !== undefined && token !== '' ? { token } : {}),
  };
}

/** The node id: `--bus-node`, or the host name (as a subject token) and the process id. */
export function busNodeId(o: BusCliOptions): string {
  return o.busNode ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`;
}

/** The retention limits of the options. */
export function busLimits(o: BusCliOptions): StreamLimits {
  return { maxAgeHours: o.busMaxAgeH, maxBytes: o.busMaxBytes };
}

/** Adds the `--bus*` options to a command (after its own: they come last in its help). */
export function addBusOptions(cmd: Command): Command {
  for (const [flags, description, parse, fallback] of BUS_OPTIONS) {
    if (parse === undefined) cmd.option(flags, description);
    else if (fallback === undefined) cmd.option(flags, description, parse);
    else cmd.option(flags, description, parse, fallback);
  }
  return cmd;
}
