export * from './delivery-outcomes';
export * from './timeline';
export * from './read-model';
export * from './projects';
