export * from './cursor';
export * from './delivery-outcomes';
export * from './timeline';
export * from './project-view';
export * from './projects';
export * from './runs';
export * from './deployments';
export * from './read-model';
