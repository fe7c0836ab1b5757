import { existsSync, readFileSync } from 'node:fs';

/**
 * The software version reported in gateway status and /healthz: package.json's version. The file
 * sits one folder up from this module in the source tree and two up when built into dist/.
 */
function readPackageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return '0.0.0-unknown';
}

export const SOFTWARE_VERSION: string = readPackageVersion();
