import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json and the shipped device-profiles/, found by walking up from this
 * module: it sits one level below it in the source tree and two below it when built into dist/.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'device-profiles'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the estatecare package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PACKAGE_ROOT: string = findPackageRoot();

/** The device profiles shipped with the software. */
export const SHIPPED_PROFILES_DIR: string = join(PACKAGE_ROOT, 'device-profiles');
