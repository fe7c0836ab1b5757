import type { z } from 'zod';
import { AppError, type FieldIssue } from './app-error.js';

/**
 * Validates a service's input: the parsed value, or an AppError of kind invalid naming every field
 * at fault by its dotted path ("visits.0.to"); an issue at the root is named by what.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : what,
    message: issue.message,
  }));
  return invalidInput(fields);
}

function invalidInput(fields: readonly FieldIssue[]): never {
  throw new AppError('invalid', 'invalid_input', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
}
