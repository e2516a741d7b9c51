import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AppName, envSchema, loadConfig } from '@klepaas/config';

/**
 * A newcomer can follow docs/production.md alone: every variable it and .env.production.example
 * name exists in the configuration schema and in docs/configuration.md, and the example file is
 * a configuration every service accepts.
 */
const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const SERVICES: AppName[] = ['gateway', 'provisioner', 'mirror', 'runner', 'history'];

/** Full variable names in a text (a wildcard such as `KLEPAAS_NCP_*_ENDPOINT` names no one variable). */
function variables(text: string): string[] {
  return [...new Set([...text.matchAll(/KLEPAAS_[A-Z0-9_]*[A-Z0-9]\b(?!\*)/g)].map((m) => m[0]))].sort();
}

const exampleEnv: Record<string, string> = Object.fromEntries(
  read('.env.production.example')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** The example's key is published, so refused (libs/config); an operator makes their own, as this does. */
const operatorEnv: Record<string, string> = {
  ...exampleEnv,
  KLEPAAS_WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
};

describe('the production guide', () => {
  const known = new Set(Object.keys(envSchema.shape));
  const configurationDoc = read('docs/configuration.md');

  it.each(['docs/production.md', '.env.production.example'])(
    'names only variables the schema and docs/configuration.md know (%s)',
    (file) => {
      const named = variables(read(file));
      expect(named.length).toBeGreaterThan(10);
      expect(named.filter((name) => !known.has(name))).toEqual([]);
      expect(named.filter((name) => !configurationDoc.includes(name))).toEqual([]);
    },
  );

  it('gives an example file that every service starts with, outside sandbox mode', () => {
    expect(exampleEnv.KLEPAAS_SANDBOX).toBe('false');
    for (const service of SERVICES) {
      const config = loadConfig(service, operatorEnv);
      expect(config.sandbox).toBe(false);
    }
  });

  it("refuses the example file's published encryption key, so a copied file cannot start with it", () => {
    expect(() => loadConfig('gateway', exampleEnv)).toThrow(
      /KLEPAAS_WEBHOOK_SECRET_KEY: is the published example value/,
    );
  });

  it('marks as REQUIRED every variable a service refuses to start without', () => {
    const text = read('.env.production.example');
    // A "# REQUIRED" comment (of one or more lines) marks the variable lines right under it.
    const required = new Set<string>();
    let marked = false;
    let afterVariable = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) {
        if (line.startsWith('# REQUIRED')) marked = true;
        else if (afterVariable) marked = false;
        afterVariable = false;
      } else if (line.includes('=')) {
        if (marked) required.add(line.slice(0, line.indexOf('=')));
        afterVariable = true;
      } else {
        marked = false;
      }
    }
    // Each variable whose absence stops some service is marked.
    const stops = Object.keys(operatorEnv).filter((name) => {
      const { [name]: _dropped, ...without } = operatorEnv;
      return SERVICES.some((service) => {
        try {
          loadConfig(service, without);
          return false;
        } catch {
          return true;
        }
      });
    });
    expect(stops.filter((name) => !required.has(name))).toEqual([]);
  });
});
