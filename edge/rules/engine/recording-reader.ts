import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EngineInputSchema, type EngineInput } from './engine-input.js';

export type RecordedLine = { ok: true; input: EngineInput } | { ok: false; where: string; problem: string };

/**
 * The lines of a recording (engine-input.ts JSON Lines): one file, or every *.jsonl of a folder in
 * name order (a gateway's data_dir/recordings: one file per UTC day). Streams, so a recording larger
 * than memory replays. A line that is not a valid input (a torn last line after a power cut) is
 * reported, not fatal; blank lines are skipped.
 */
export async function* readRecording(path: string): AsyncGenerator<RecordedLine> {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.jsonl'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  for (const file of files) {
    let number = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      yield parseLine(line, `${file}:${number}`);
    }
  }
}

export function parseLine(line: string, where: string): RecordedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { ok: false, where, problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = EngineInputSchema.safeParse(json);
  if (!parsed.success) return { ok: false, where, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ') };
  return { ok: true, input: parsed.data as EngineInput };
}
