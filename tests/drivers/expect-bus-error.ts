import { expect } from 'vitest';
import { BusError, type BusErrorKind } from '../../edge/bus/bus-error.js';

/** Runs `action` (sync or async) and returns the BusError it fails with, asserting its kind. */
export async function expectBusError(action: (() => unknown) | Promise<unknown>, kind: BusErrorKind): Promise<BusError> {
  let failure: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    failure = error;
  }
  expect(failure, `expected BusError('${kind}')`).toBeInstanceOf(BusError);
  const error = failure as BusError;
  expect(error.kind, error.message).toBe(kind);
  return error;
}
