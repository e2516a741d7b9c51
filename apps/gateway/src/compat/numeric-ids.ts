import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What an alias names: a project (the dashboard's repository or integration) or a run (its deployment). */
export type AliasKind = 'project' | 'run';

const MAX_SAFE = (1n << 53n) - 1n;
/** Collisions among 53-bit draws are rare; a few rounds settle any, including two gateways racing. */
const ROUNDS = 5;

/**
 * The dashboard's integer ids (`compat_numeric_ids`, the gateway's own table): a random alias per
 * UUID, given out the first time the UUID is shown and the same ever after. An alias proves
 * nothing: every lookup goes on to the caller's own projects and runs, as our API does.
 */
@Injectable()
export class NumericIds {
  constructor(private readonly dataSource: DataSource) {}

  /** Where aliases come from (a test replaces it to force a collision). */
  protected draw: () => bigint = randomAlias;

  /** The alias of each UUID (drawn for those that have none yet). */
  async aliases(kind: AliasKind, uuids: string[]): Promise<Map<string, number>> {
    const wanted = [...new Set(uuids)];
    const found = new Map<string, number>();
    for (let round = 0; ; round++) {
      const rows: Array<{ uuid: string; numeric_id: string }> = await this.dataSource.query(
        `SELECT uuid, numeric_id FROM compat_numeric_ids WHERE uuid = ANY($1::uuid[])`,
        [wanted],
      );
      for (const r of rows) found.set(r.uuid, Number(r.numeric_id));
      const missing = wanted.filter((u) => !found.has(u));
      if (!missing.length) return found;
      if (round === ROUNDS) throw new Error(`no numeric alias could be drawn for ${missing.length} ids`);
      // A draw that collides with a taken alias (or a UUID another request aliased meanwhile) is
      // skipped by ON CONFLICT and drawn again in the next round.
      await this.dataSource.query(
        `INSERT INTO compat_numeric_ids (uuid, kind, numeric_id)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`,
        [missing, missing.map(() => kind), missing.map(() => this.draw().toString())],
      );
    }
  }

  async aliasOf(kind: AliasKind, uuid: string): Promise<number> {
    return (await this.aliases(kind, [uuid])).get(uuid)!;
  }

  /** The UUID an alias names, when it names one of this kind. */
  async uuidOf(kind: AliasKind, alias: number): Promise<string | null> {
    const rows: Array<{ uuid: string }> = await this.dataSource.query(
      `SELECT uuid FROM compat_numeric_ids WHERE numeric_id = $1 AND kind = $2`,
      [String(alias), kind],
    );
    return rows[0]?.uuid ?? null;
  }
}

/** A uniformly random integer in 1 .. 2^53 - 1 (a JavaScript number holds it exactly). */
function randomAlias(): bigint {
  const n = randomBytes(8).readBigUInt64BE() & MAX_SAFE;
  return n === 0n ? 1n : n;
}

/** A path's integer id, or null when it is not one an alias can be (the caller answers 400). */
export function parseAlias(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
