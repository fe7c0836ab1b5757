import { expect } from 'vitest';
import { AppError, type AppErrorKind } from '../../../cloud/platform/app-error.js';

/** Awaits the promise and expects it to fail with an AppError of this kind (and code); returns it. */
export async function expectAppError(promise: Promise<unknown>, kind: AppErrorKind, code?: string): Promise<AppError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a ${kind} error, got ${JSON.stringify(value)}`);
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).kind).toBe(kind);
  if (code !== undefined) expect((error as AppError).code).toBe(code);
  return error as AppError;
}
