import { z } from 'zod';

/**
 * An event of the catalogue: its name (also its routing key), the payload version and the
 * payload's runtime schema. The message owns its name, so no call site spells it.
 */
export interface EventDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly version: number;
  readonly schema: Schema;
}

export function defineEvent<const Name extends string, Schema extends z.ZodType>(
  name: Name,
  version: number,
  schema: Schema,
): EventDefinition<Name, Schema> {
  return { name, version, schema };
}

export type PayloadOf<D> = D extends EventDefinition<string, infer S> ? z.output<S> : never;
