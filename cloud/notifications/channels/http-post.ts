import type { SendOutcome } from './channel.js';

/** What came back from a POST that got an answer. */
export interface HttpAnswer {
  status: number;
  /** The body parsed as JSON; null when it is not JSON. */
  json: unknown;
  /** Retry-After in ms (RFC 9110 section 10.2.3: seconds or an HTTP date), null when absent. */
  retryAfterMs: number | null;
}

/** Longest error text kept per attempt. */
const MAX_ERROR_LENGTH = 300;

/**
 * POSTs a JSON body with global fetch, aborted after timeoutMs. Returns the answer, or the outcome
 * of a request that got none (timeout, network). A redirect is not followed: a robot URL that
 * redirects is misconfigured, and following it would resend the body (and any key) elsewhere.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, now: number): Promise<HttpAnswer | SendOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return failure('timeout', null, `no answer within ${timeoutMs} ms`);
    return failure('network', null, describeNetworkError(error));
  }
  let text = '';
  try {
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return failure('timeout', response.status, `the answer did not finish within ${timeoutMs} ms`);
    return failure('network', response.status, describeNetworkError(error));
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now) };
}

export function isAnswer(value: HttpAnswer | SendOutcome): value is HttpAnswer {
  return 'status' in value;
}

/**
 * The outcome of an HTTP status that is not a success: 408, 429 and 5xx are retried, any other
 * 4xx (a wrong URL, a refused body) never will succeed; a 3xx is a misconfigured URL.
 */
export function outcomeOfHttpStatus(answer: HttpAnswer): SendOutcome {
  const { status } = answer;
  const retryable = status === 408 || status === 429 || status >= 500;
  return { classification: retryable ? 'retryable' : 'permanent', httpStatus: status, answerCode: null, error: `HTTP ${status}`, retryAfterMs: answer.retryAfterMs };
}

export function failure(classification: SendOutcome['classification'], httpStatus: number | null, error: string, extras: Partial<SendOutcome> = {}): SendOutcome {
  return { classification, httpStatus, answerCode: null, error: error.slice(0, MAX_ERROR_LENGTH), retryAfterMs: null, ...extras };
}

export function ok(httpStatus: number, answerCode: string | null): SendOutcome {
  return { classification: 'ok', httpStatus, answerCode, error: null, retryAfterMs: null };
}

/** fetch's TypeError says only "fetch failed"; its cause has the code (ECONNREFUSED, ENOTFOUND). Never the URL. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message?.replace(/https?:\/\/\S+/g, '<url>') ?? 'network error';
}

function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A field of a JSON object answer, or undefined. */
export function field(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
}
