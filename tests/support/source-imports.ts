import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** What one source file imports: files of this repository (resolved, .js written as .ts) and packages by name. */
export interface SourceImports {
  files: string[];
  packages: string[];
}

/** The imports of a .ts file, type imports and dynamic import() included, as TypeScript's own pre-processor reads them. */
export function importsOf(file: string): SourceImports {
  const specifiers = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
  return {
    files: specifiers
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
      .filter((target) => existsSync(target)),
    packages: specifiers.filter((specifier) => !specifier.startsWith('.')),
  };
}

/** Every .ts file below a folder. */
export function typeScriptFilesBelow(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...typeScriptFilesBelow(path));
    else if (path.endsWith('.ts')) files.push(path);
  }
  return files;
}
