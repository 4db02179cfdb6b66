import { ErrorCode, MiaError } from '../common/errors.js';

/** Codes of the execution and backtest layers (src/common/errors.ts holds them with the catalogue). */
export const ExecutionErrorCode = {
  BAD_ORDER: ErrorCode.BAD_ORDER,
  OUTPUT_UNWRITABLE: ErrorCode.OUTPUT_UNWRITABLE,
} as const;

/** One of the execution codes. */
export type ExecutionErrorCodeValue = (typeof ExecutionErrorCode)[keyof typeof ExecutionErrorCode];

/**
 * A coded error of the execution or backtest layer. It is a `MiaError`, so the command line prints it as
 * one line with its code and exits 1.
 */
export class ExecutionError extends MiaError {
  constructor(code: ExecutionErrorCodeValue, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'ExecutionError';
  }
}
