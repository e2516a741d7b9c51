import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * One worker at a time per project, across replicas: a Postgres advisory lock held on a
 * connection of its own while NCP is called (a row lock would need a transaction that long).
 * A crashed worker's lock goes with its connection. Hash collisions only serialise two projects.
 */
@Injectable()
export class ProjectLock {
  constructor(private readonly dataSource: DataSource) {}

  async withLock<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [projectId]);
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [projectId]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}
