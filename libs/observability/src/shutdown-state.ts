import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Knows when the app has begun to stop, so probes report it before connections close. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }
}
