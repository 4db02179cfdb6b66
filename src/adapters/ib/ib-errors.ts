import { ErrorCode, MiaError, WarningCode } from '../../common/errors.js';

/** The adapter's error codes (src/common/errors.ts holds them with the rest of the catalogue). */
export const IbErrorCode = {
  IB_CONNECT: ErrorCode.IB_CONNECT,
  IB_CONTRACT: ErrorCode.IB_CONTRACT,
  IB_ORDER_REFUSED: ErrorCode.IB_ORDER_REFUSED,
} as const;

/** The adapter's coded warnings: logged (`code` field), never thrown (src/common/errors.ts holds them, docs/ib.md explains). */
export const IbWarningCode = {
  /** Shutdown: IB had not confirmed every paper liquidation (cancels and closing orders) within the wait. */
  IB_LIQUIDATION_TIMEOUT: WarningCode.IB_LIQUIDATION_TIMEOUT,
} as const;

/** One of the adapter's codes. */
export type IbErrorCodeValue = (typeof IbErrorCode)[keyof typeof IbErrorCode];

/** A coded adapter error; a MiaError, so callers and the CLI report it like any other. */
export function ibError(code: IbErrorCodeValue, message: string, details: Record<string, unknown> = {}): MiaError {
  return new MiaError(code, message, details);
}

/** IB message codes the adapter acts on (TWS API "Message Codes"). */
export const IbCode = {
  CLIENT_ID_IN_USE: 326,
  NO_SECURITY_DEFINITION: 200,
  HISTORICAL_ERROR: 162,
  CONNECT_FAIL: 502,
  CONNECTIVITY_LOST: 1100,
  RESTORED_DATA_LOST: 1101,
  RESTORED_DATA_MAINTAINED: 1102,
  MARKET_FARM_BROKEN: 2103,
  MARKET_FARM_OK: 2104,
  HMDS_FARM_BROKEN: 2105,
  HMDS_FARM_OK: 2106,
  HMDS_FARM_INACTIVE: 2107,
  MARKET_FARM_INACTIVE: 2108,
  SECDEF_FARM_BROKEN: 2157,
  SECDEF_FARM_OK: 2158,
  /** @stoqey/ib's own decoding failures (unknown message id, underrun, unprocessed fields). */
  DECODE_FAILED: 505,
} as const;
