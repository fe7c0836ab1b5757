import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every source and doc file cites only what a reader of the repository can open: a standard and its
 * clause, a manual, a library's issue, or a file of this repository. This test finds citations of
 * design notes that were never part of the repository, paths that lead out of it, and links to a
 * Markdown file of the repository that does not exist (a README renamed, a typo in a path).
 */

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Not the repository's own text: installed packages, git's store, and what .gitignore keeps out (build output, coverage, demo data). */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage', '.estatecare']);

/** Notes that were never in the repository, named without their extension so this file does not cite them itself. */
const OUTSIDE_NOTES = ['protocols', 'DESIGN', 'conventions', 'field-lessons', 'performance', 'cloud-ops'];
const OUTSIDE_NOTE = new RegExp(`\\b(?:${OUTSIDE_NOTES.join('|')})\\.md\\b`);
/** A machine path of the place the repository happens to be checked out in. */
const MACHINE_PATH = new RegExp(`(?:^|[\\s'"(\`])/${'work'}/`);
/** A relative path that climbs at least one folder: it must still end inside the repository. */
const CLIMBING_PATH = /(?:\.\.\/)+[\w.@-]+/g;
/** A path to a Markdown file (with at least one folder), which must exist. */
const MARKDOWN_PATH = /[\w.@-]+(?:\/[\w.@-]+)*\/[\w.@-]+\.md\b/g;
const URL_TEXT = /\b[a-z][\w+.-]*:\/\/\S+/gi;

/** Every file of the repository but the skipped folders, as paths relative to the root. */
function repositoryFiles(): string[] {
  // The skipped folders sit at the top; leaving them out there keeps node_modules from being listed at all.
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => !SKIPPED.has(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? readdirSync(join(ROOT, entry.name), { recursive: true, withFileTypes: true }) : [entry]))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split(sep).some((part) => SKIPPED.has(part)));
}

/** "file:line: what is wrong" for each citation a reader of the repository could not open. */
function citationProblems(file: string, text: string, fileExists: (path: string) => boolean = existsSync): string[] {
  const problems: string[] = [];
  const folder = dirname(resolve(ROOT, file));
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const note = OUTSIDE_NOTE.exec(line);
    if (note) problems.push(`${where}: cites ${note[0]}, which is not in the repository`);
    if (MACHINE_PATH.test(line)) problems.push(`${where}: names a machine path outside the repository`);
    const prose = line.replace(URL_TEXT, '');
    for (const [path] of prose.matchAll(CLIMBING_PATH)) {
      const target = resolve(folder, path);
      if (target !== ROOT && !target.startsWith(ROOT + sep)) problems.push(`${where}: ${path} leads out of the repository`);
    }
    for (const [path] of prose.matchAll(MARKDOWN_PATH)) {
      if (!fileExists(resolve(ROOT, path)) && !fileExists(resolve(folder, path))) problems.push(`${where}: ${path} does not exist`);
    }
  });
  return problems;
}

describe('citations', () => {
  it('in every file of the repository lead to something a reader of the repository can open', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(500);
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      if (text.includes('\0')) continue; // not text
      problems.push(...citationProblems(file, text));
    }
    expect(problems).toEqual([]);
  });

  // The sample paths are put together at run time, so that this file's own text passes the check above.
  const escaping = `${'../'.repeat(4)}outside`;
  const missingReadme = ['edge', 'drivers', 'nowhere', 'README.md'].join('/');

  it('are found wanting when they name a note, a machine path, a path out of the repository or a README that is not there', () => {
    const note = `${OUTSIDE_NOTES[0]}.md`;
    const text = [
      `/** Read data (${note} 3.1). */`,
      `// see /${'work'}/shared/reference`,
      `import { x } from '${escaping}/thing.js';`,
      `// ${missingReadme}, frame`,
    ].join('\n');
    expect(citationProblems('edge/drivers/dlt645/x.ts', text, () => false)).toEqual([
      `edge/drivers/dlt645/x.ts:1: cites ${note}, which is not in the repository`,
      'edge/drivers/dlt645/x.ts:2: names a machine path outside the repository',
      `edge/drivers/dlt645/x.ts:3: ${escaping} leads out of the repository`,
      `edge/drivers/dlt645/x.ts:4: ${missingReadme} does not exist`,
    ]);
  });

  it('pass when they import within the repository, name a README that exists, or link a page on the web', () => {
    const text = [
      `import { decode } from '${'../'.repeat(3)}shared/contract/index.js';`,
      '/** Frame (edge/drivers/dlt645/README.md, frame). */',
      '// https://github.com/mqttjs/MQTT.js/blob/main/CHANGELOG.md',
    ].join('\n');
    expect(citationProblems('edge/drivers/dlt645/x.ts', text)).toEqual([]);
    expect(citationProblems('edge/drivers/README.md', `\`${['modbus', 'README.md'].join('/')}\`: register maps`)).toEqual([]);
  });
});
