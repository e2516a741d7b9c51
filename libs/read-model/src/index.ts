export * from './cursor';
export * from './delivery-outcomes';
export * from './timeline';
export * from './project-view';
export * from './projects';
export * from './read-model';
