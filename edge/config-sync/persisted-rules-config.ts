import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GatewayConfigBodySchema, type GatewayConfigBody } from '../../shared/contract/index.js';
import { gatewayRulesConfigPath } from '../storage/data-dir.js';

/**
 * The last good config the cloud sent, kept on the gateway's own disk so a gateway that restarts
 * without an uplink runs what it ran before. Written crash-safe: a temp file, fsync, rename over the
 * old one, fsync of the folder; a power cut leaves either the old file or the new one, never half.
 */
export class PersistedRulesConfig {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = gatewayRulesConfigPath(dataDir);
  }

  /** The stored config, or null when there is none or it no longer validates (the reason is returned). */
  load(): { config: GatewayConfigBody } | { config: null; problem: string | null } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: null, problem: null };
      return { config: null, problem: `cannot read ${this.path}: ${(error as Error).message}` };
    }
    try {
      const parsed = GatewayConfigBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) return { config: parsed.data };
      return { config: null, problem: `${this.path} does not validate: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    } catch (error) {
      return { config: null, problem: `${this.path} is not JSON: ${(error as Error).message}` };
    }
  }

  save(config: GatewayConfigBody): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(config));
    const file = openSync(temp, 'r');
    fsyncSync(file);
    closeSync(file);
    renameSync(temp, this.path);
    const folder = openSync(dir, 'r');
    fsyncSync(folder);
    closeSync(folder);
  }
}
