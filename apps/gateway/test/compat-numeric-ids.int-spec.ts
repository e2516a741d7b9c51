import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '@klepaas/persistence';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { NumericIds } from '../src/compat/numeric-ids';
import { count } from '../../../test/support/database';

/** Aliases whose draws are scripted: the first ones given out, then random ones again. */
class ScriptedIds extends NumericIds {
  constructor(dataSource: DataSource, script: bigint[]) {
    super(dataSource);
    const random = this.draw;
    this.draw = () => script.shift() ?? random();
  }
}

describe("the dashboard's integer ids", () => {
  let infra: IsolatedInfra;
  let dataSource: DataSource;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    await prepareDatabase(infra.databaseUrl, { log: { info: () => undefined, warn: () => undefined } });
    dataSource = await new DataSource({ type: 'postgres', url: infra.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await infra?.dispose();
  });

  it('gives each UUID one safe integer, the same to requests racing for it and ever after', async () => {
    const ids = new NumericIds(dataSource);
    const uuids = Array.from({ length: 200 }, () => randomUUID());
    const answers = await Promise.all([1, 2, 3, 4].map(() => ids.aliases('run', uuids)));
    const first = answers[0];
    for (const answer of answers) expect([...answer.entries()]).toEqual([...first.entries()]);
    const values = [...first.values()];
    expect(new Set(values).size).toBe(200);
    for (const v of values) expect(Number.isSafeInteger(v) && v > 0).toBe(true);
    expect(await ids.aliases('run', uuids.slice(0, 10))).toEqual(
      new Map(uuids.slice(0, 10).map((u) => [u, first.get(u)])),
    );
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM compat_numeric_ids')).toBe(200);
  });

  it('draws again on a collision rather than let one integer name two things', async () => {
    const taken = randomUUID();
    const ids = new ScriptedIds(dataSource, [4242n, 4242n, 4343n]);
    expect(await ids.aliasOf('project', taken)).toBe(4242);
    const next = randomUUID();
    expect(await ids.aliasOf('project', next)).toBe(4343);
    expect(await ids.uuidOf('project', 4242)).toBe(taken);
    expect(await ids.uuidOf('project', 4343)).toBe(next);
  });

  it('answers an alias only for its own kind', async () => {
    const ids = new NumericIds(dataSource);
    const projectId = randomUUID();
    const alias = await ids.aliasOf('project', projectId);
    expect(await ids.uuidOf('project', alias)).toBe(projectId);
    expect(await ids.uuidOf('run', alias)).toBeNull();
    expect(await ids.uuidOf('run', 1)).toBeNull();
  });
});
