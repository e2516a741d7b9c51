export * from './prepare-database';
export * from './outbox.store';
export * from './inbox.store';
export * from './database.readiness';
export * from './persistence.module';
export { MIGRATIONS } from './migrations';
export * from './notification-listener';
export * from './wakeable-sleep';
export * from './channel-worker-loop';
