import type { Logger } from 'pino';
import { NodeBus } from '../bus/bus-node.js';
import { busConnection, busLimits, busNodeId, type BusCliOptions } from './bus-options.js';

/** `mia serve --bus`: the node's bus (connection, streams, leases), or undefined without `--bus`. */
export async function openNodeBus(o: BusCliOptions, log: Logger): Promise<NodeBus | undefined> {
  if (o.bus === undefined) return undefined;
  const node = busNodeId(o);
  return NodeBus.open({ bus: busConnection(o, `mia-node-${node}`, process.env), node, leaseMs: o.busLeaseMs, limits: busLimits(o) }, log.child({ stage: 'bus', node }));
}
