export * from './poll-until';
export * from './tcp-proxy';
export * from './infra';
