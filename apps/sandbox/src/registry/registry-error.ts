/**
 * An error as Docker Distribution answers it: `{"errors":[{"code","message","detail"}]}`,
 * with headers such as the Bearer challenge. The global exception filter writes it.
 */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { errors: { code: string; message: string; detail?: unknown }[] } {
    return {
      errors: [
        { code: this.code, message: this.message, ...(this.detail === undefined ? {} : { detail: this.detail }) },
      ],
    };
  }
}
