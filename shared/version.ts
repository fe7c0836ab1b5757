import { readFileSync } from 'node:fs';

/** The software version reported in gateway status and /healthz: package.json's version. */
export const SOFTWARE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
