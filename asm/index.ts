// Kernel exports. Every function takes the address of a symbol's state block in the imported shared
// memory and works in place; nothing is allocated (runtime stub) and no arrays cross the boundary.
export { process, flush, sessionRoll, recenter } from './orderflow';
export { snapshot, copyBytes } from './snapshot';
export { dbnTrades } from './dbn-trades';
