/** How to bring up the services the suite needs; tests fail with this hint rather than skip. */
export const START_SERVICES_HINT = 'run: bash deploy/dev/ensure-services.sh';

export function serviceUnavailable(service: string, url: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`${service} is not answering at ${url} (${reason}); ${START_SERVICES_HINT}`, { cause });
}

/** A name no other test run uses: prefix, time and randomness, in [a-z0-9_]. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
}
