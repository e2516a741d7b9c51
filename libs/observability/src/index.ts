export * from './correlation';
export * from './logger';
export * from './metrics.service';
export * from './health';
export * from './shutdown-state';
export * from './observability.module';
export * from './pause-point';
