import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../shared/config/load-config.js';
import type { ProtocolRegistry } from '../drivers/protocol-registry.js';
import { SHIPPED_PROTOCOLS, type ShippedDeviceProfile } from '../drivers/shipped-protocols.js';
import type { DeviceProfile } from './device-profile.js';

export type ProfileCatalogue<P extends DeviceProfile = DeviceProfile> = ReadonlyMap<string, P>;

export interface ProfileFile {
  /** File name, e.g. "lift_monitor_gbt24476.yaml"; problems name it. */
  file: string;
  text: string;
}

const PROFILE_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Reads every *.yaml / *.yml profile of a folder and validates all of them against the profile
 * schemas of the protocols (the shipped ones unless given). Throws one ConfigError listing every
 * problem of every file, each as "{file}#{dotted.path}", so an operator fixes the whole catalogue in
 * one pass.
 */
export function loadProfiles(dir: string): ProfileCatalogue<ShippedDeviceProfile>;
export function loadProfiles<P extends DeviceProfile>(dir: string, protocols: ProtocolRegistry<P>): ProfileCatalogue<P>;
export function loadProfiles(dir: string, protocols: ProtocolRegistry = SHIPPED_PROTOCOLS): ProfileCatalogue {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => PROFILE_EXTENSIONS.has(extname(name))).sort();
  } catch (error) {
    throw new ConfigError(dir, [{ path: '(folder)', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  const files = names.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  return parseProfiles(files, dir, protocols);
}

/** Validates profile texts (the loader's core, usable without a folder). */
export function parseProfiles(files: readonly ProfileFile[], source: string): ProfileCatalogue<ShippedDeviceProfile>;
export function parseProfiles<P extends DeviceProfile>(files: readonly ProfileFile[], source: string, protocols: ProtocolRegistry<P>): ProfileCatalogue<P>;
export function parseProfiles(files: readonly ProfileFile[], source: string, protocols: ProtocolRegistry = SHIPPED_PROTOCOLS): ProfileCatalogue {
  const catalogue = new Map<string, DeviceProfile>();
  const problems: ConfigProblem[] = [];
  for (const { file, text } of files) {
    const result = parseProfile(file, text, protocols);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    if (catalogue.has(result.profile.id)) {
      problems.push({ path: `${file}#id`, message: `profile id "${result.profile.id}" is defined twice` });
      continue;
    }
    catalogue.set(result.profile.id, result.profile);
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return catalogue;
}

export type ParsedProfile<P extends DeviceProfile = DeviceProfile> = { ok: true; profile: P } | { ok: false; problems: ConfigProblem[] };

/**
 * One profile file: YAML syntax, schema, and file name = id. Shape problems are all reported at
 * once; the cross-field checks (duplicate codes, required attributes, events a kind may emit) run
 * once the shape is right, so a badly broken file may need two passes.
 */
export function parseProfile<P extends DeviceProfile = ShippedDeviceProfile>(
  file: string,
  text: string,
  protocols: ProtocolRegistry<P> = SHIPPED_PROTOCOLS as unknown as ProtocolRegistry<P>,
): ParsedProfile<P> {
  // uniqueKeys: a code listed twice (90 and 0x5A read as the same integer) is a YAML error already.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((e) => ({
        path: `${file}#(file)`,
        message: `YAML ${e.code}: ${e.message.split('\n')[0]?.replace(/:$/, '')}`,
      })),
    };
  }
  const result = protocols.profileSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        path: `${file}#${issue.path.length ? issue.path.map(String).join('.') : '(root)'}`,
        // zod reports a bad record key as "Invalid key in record"; the key schema's own message says why.
        message: issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message,
      })),
    };
  }
  const expected = basename(file, extname(file));
  if (result.data.id !== expected) {
    return { ok: false, problems: [{ path: `${file}#id`, message: `id "${result.data.id}" must equal the file name "${expected}"` }] };
  }
  return { ok: true, profile: result.data };
}
