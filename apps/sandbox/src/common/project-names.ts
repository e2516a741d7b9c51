import { Injectable } from '@nestjs/common';

/**
 * Fault rules may name a project by id or by name; a request path carries only the id. Each
 * NCP store registers how to turn its ids into names, so the fault middleware can match
 * either without depending on every store.
 */
@Injectable()
export class ProjectNames {
  private readonly lookups = new Map<string, (id: number) => string | undefined>();

  register(party: string, lookup: (id: number) => string | undefined): void {
    this.lookups.set(party, lookup);
  }

  nameOf(party: string, id: number): string | undefined {
    return this.lookups.get(party)?.(id);
  }
}
