import type { IBApi } from '@stoqey/ib';

interface SocketInternals {
  controller?: { socket?: { onData?: (data: Buffer) => void } };
}

/**
 * Catches what @stoqey/ib 1.6 throws from inside its socket 'data' listener. Its decoder turns truncated or
 * unknown messages into error 505 and carries on, but rethrows anything else, for example the SyntaxError of
 * an error message whose advanced-order-reject JSON is malformed; thrown from a socket listener, that would be
 * an uncaughtException and end the process. The guard wraps the client's `socket.onData` (an internal of
 * 1.6.x, checked here: returns false when it is not there) and reports the failure instead; the caller then
 * drops the connection, because the decoder's queue is in an unknown state after the throw.
 */
export function guardDecoder(api: IBApi, onFault: (e: Error) => void): boolean {
  const socket = (api as unknown as SocketInternals).controller?.socket;
  const inner = socket?.onData;
  if (!socket || typeof inner !== 'function') return false;
  socket.onData = (data: Buffer): void => {
    try {
      inner.call(socket, data);
    } catch (e) {
      onFault(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return true;
}
