import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted path into the config, e.g. "uplink.url"; "(file)" for problems with the file itself. */
  path: string;
  message: string;
}

/** Thrown when a config cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source}: ${problems.length} problem(s) in the configuration`);
    this.name = 'ConfigError';
  }

  /** One line per problem, for a terminal. */
  describe(): string {
    return [this.message, ...this.problems.map((p) => `  - ${p.path}: ${p.message}`)].join('\n');
  }
}

/**
 * Secrets may come from the environment instead of the file: config path -> variable name.
 * An operator keeps passwords out of YAML this way (e.g. uplink.password <- ESTATECARE_UPLINK_PASSWORD).
 */
export type EnvOverrides = Record<string, string>;

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  envOverrides?: EnvOverrides;
}

/** Reads a YAML file and validates it; throws ConfigError listing every problem with its path. */
export function loadConfigFile<S extends z.ZodType>(schema: S, file: string, options: LoadConfigOptions = {}): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return parseConfigText(schema, text, file, options);
}

export function parseConfigText<S extends z.ZodType>(
  schema: S,
  text: string,
  source: string,
  options: LoadConfigOptions = {},
): z.infer<S> {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((e) => ({ path: '(file)', message: `YAML ${e.code} at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw = (document.toJS() ?? {}) as unknown;
  return validateConfig(schema, raw, source, options);
}

/** Validates an already-parsed object (used by the demo, which builds its config in code). */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  source: string,
  options: LoadConfigOptions = {},
): z.infer<S> {
  const withEnv = applyEnvOverrides(raw, options.envOverrides ?? {}, options.env ?? process.env);
  const result = schema.safeParse(withEnv);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => ({
        path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
        message: issue.message,
      })),
    );
  }
  return result.data;
}

function applyEnvOverrides(raw: unknown, overrides: EnvOverrides, env: NodeJS.ProcessEnv): unknown {
  const entries = Object.entries(overrides).filter(([, variable]) => env[variable] !== undefined);
  if (entries.length === 0) return raw;
  const copy = structuredClone(typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const [path, variable] of entries) {
    const keys = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = env[variable];
  }
  return copy;
}
