import { Injectable } from '@nestjs/common';

type Hook = () => void | Promise<void>;

/**
 * `POST /_sandbox/reset` empties every store. Stores register here instead of the reset
 * route knowing each of them, so adding a party never means editing the reset code.
 */
@Injectable()
export class ResetHooks {
  private readonly hooks: Hook[] = [];

  register(hook: Hook): void {
    this.hooks.push(hook);
  }

  async runAll(): Promise<void> {
    for (const hook of this.hooks) await hook();
  }
}
