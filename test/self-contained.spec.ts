import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository stands alone: no tracked text file points at files outside it (the design
 * notes it was built from live elsewhere, and what the code relies on is written into docs/).
 */
const ROOT = path.join(__dirname, '..');
// Built from pieces, so this file does not match itself.
const FORBIDDEN = [['..', 'shared'].join('/'), ['', 'work', ''].join('/')];

describe('the repository', () => {
  it('refers to no file outside it', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    const offending: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        const bytes = readFileSync(path.join(ROOT, file));
        if (bytes.includes(0)) continue; // binary
        text = bytes.toString('utf8');
      } catch {
        continue; // deleted in the working tree
      }
      text.split('\n').forEach((line, i) => {
        if (FORBIDDEN.some((f) => line.includes(f))) offending.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
