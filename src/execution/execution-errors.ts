import { MiaError, type ErrorCodeValue } from '../common/errors.js';

/**
 * Codes of the execution and backtest layers. They follow the catalogue's pattern (src/common/errors.ts)
 * and are proposed for it; until they are there, they live here so these modules own their codes.
 */
export const ExecutionErrorCode = {
  /** An order request is malformed: quantity not a positive integer, a price missing, off the tick grid, or an unknown instrument. */
  BAD_ORDER: 'MIA_ERR_BAD_ORDER',
  /** A backtest output file could not be written. */
  OUTPUT_UNWRITABLE: 'MIA_ERR_OUTPUT_UNWRITABLE',
} as const;

/** One of the execution codes. */
export type ExecutionErrorCodeValue = (typeof ExecutionErrorCode)[keyof typeof ExecutionErrorCode];

/**
 * A coded error of the execution or backtest layer. It is a `MiaError`, so the command line prints it as
 * one line with its code and exits 1.
 */
export class ExecutionError extends MiaError {
  constructor(code: ExecutionErrorCodeValue, message: string, details: Record<string, unknown> = {}) {
    // The catalogue's type lists its own codes; these are proposed additions (see the constant above).
    super(code as unknown as ErrorCodeValue, message, details);
    this.name = 'ExecutionError';
  }
}
